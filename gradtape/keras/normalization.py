"""Keras' ``BatchNormalization`` layer: batch statistics while training, moving ones after."""
from .. import nn as _nn
from ..rules import elementwise as _ew
from ..rules import shape as _shape_ops
from .layers import Layer


class BatchNormalization(Layer):
    """Normalize over the batch: ``(x - mean) / sqrt(variance + epsilon) * gamma + beta``.

    With ``training=True`` the mean and (biased) variance are the batch's,
    taken over every axis but ``axis``, and gradients flow through them; each
    such call also moves ``moving_mean`` and ``moving_variance`` towards them
    (``moving = moving * momentum + batch * (1 - momentum)``).  Otherwise the
    moving statistics are used.  ``gamma`` and ``beta`` are trainable, the
    moving statistics are not.

    >>> import gradtape as tf
    >>> bn = tf.keras.layers.BatchNormalization()
    >>> bn(tf.constant([[1.0], [3.0]]), training=True).numpy()
    array([[-0.9995004],
           [ 0.9995005]], dtype=float32)
    >>> bn.moving_mean.numpy(), bn.moving_variance.numpy()
    (array([0.02], dtype=float32), array([1.], dtype=float32))
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise TypeError(f"BatchNormalization: axis must be an int, got {axis!r}")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._initializers = (gamma_initializer, beta_initializer,
                              moving_mean_initializer, moving_variance_initializer)

    def _feature_axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization: axis {self.axis} is out of range for "
                             f"inputs of rank {ndim}")
        return self.axis % ndim

    def build(self, input_shape):
        dim = input_shape[self._feature_axis(len(input_shape))]
        if dim is None:
            raise ValueError(f"BatchNormalization: axis {self.axis} of the inputs must have a "
                             f"known size, got input shape {tuple(input_shape)}")
        gamma_init, beta_init, mean_init, variance_init = self._initializers
        # created in Keras' order: gamma, beta, moving_mean, moving_variance
        if self.scale:
            self.gamma = self.add_weight((dim,), gamma_init, name="gamma")
        if self.center:
            self.beta = self.add_weight((dim,), beta_init, name="beta")
        self.moving_mean = self.add_weight((dim,), mean_init, name="moving_mean",
                                           trainable=False)
        self.moving_variance = self.add_weight((dim,), variance_init, name="moving_variance",
                                               trainable=False)

    def call(self, inputs, training=None):
        ndim = len(inputs.shape)
        axis = self._feature_axis(ndim)
        if training and self.trainable:
            mean, variance = _nn.moments(inputs, [a for a in range(ndim) if a != axis])
            self._move(self.moving_mean, mean)
            self._move(self.moving_variance, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        per_feature = [1] * ndim
        per_feature[axis] = -1

        def along_axis(t):
            return _shape_ops.reshape(t, per_feature)

        inv = _ew.rsqrt(along_axis(variance) + self.epsilon)
        if self.scale:
            inv = inv * along_axis(self.gamma)
        offset = -along_axis(mean) * inv
        if self.center:
            offset = along_axis(self.beta) + offset
        return inputs * inv + offset

    def _move(self, moving, batch_value):
        moving.assign(moving * self.momentum + batch_value * (1.0 - self.momentum))
