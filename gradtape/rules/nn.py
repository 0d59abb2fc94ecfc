"""Neural-network ops: activations, softmax, cross-entropies, dropout."""
from . import elementwise as ew
from ._util import public_names, NOPARAMS, apply, defop, tensor, xp


def _relu_impl(x):
    return xp.maximum(x, 0).astype(x.dtype, copy=False)


_RELU = defop("relu", _relu_impl,
              # a product with the mask, as TensorFlow's ReluGrad (where() is ~10x slower)
              vjp=lambda ct, ans, x: ct * ew.cast(ans > 0, ct.dtype),
              jvp=lambda ts, ans, x: ts[0] * ew.cast(ans > 0, ts[0].dtype),
              save="none", save_ans=True)


def relu(features, name=None):
    """Rectified linear unit ``max(x, 0)``; the gradient at 0 is 0, as in TensorFlow.

    >>> import gradtape as tf
    >>> tf.nn.relu(tf.constant([-1.0, 0.0, 2.0])).numpy()
    array([0., 0., 2.], dtype=float32)
    """
    return apply(_RELU, (tensor(features),), NOPARAMS)


sigmoid = ew.sigmoid
tanh = ew.tanh
softplus = ew.softplus

__all__ = public_names(globals()) + ["sigmoid", "tanh", "softplus"]
