"""Op specs: nn ops (see tests/opspec.py for the format)."""
import numpy as np

import gradtape as tf
from tests.opspec import NumpyRef, OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401


def _labels(shape):
    """A probability distribution along the last axis."""
    p = rand(shape, 0.1, 1.0)
    return p / p.sum(-1, keepdims=True)


_SPARSE = np.array([2, 0])


def _same_mask_dropout(x):
    """Dropout with one mask for every evaluation (a seeded op draws anew on each
    call, as TensorFlow's; the checks evaluate the function many times) and for
    every dtype: the mask is drawn in float64 (TensorFlow draws it in ``x``'s
    dtype, so a float16 ``x`` is dropped elsewhere than a float64 one)."""
    with tf.random._same_each_call():
        return tf.cast(tf.nn.dropout(tf.cast(x, tf.float64), 0.5, seed=3), x.dtype)

SPECS = [
    OpSpec("isotonic_regression", lambda x: tf.nn.isotonic_regression(x)[0],
           [(np.array([[3.0, 1.0, 2.0, 5.0], [1.0, 3.0, 4.0, 0.0]]),),
            (np.array([[0.5, 2.0], [1.5, -1.0], [3.0, 0.25]]),)], 2),
    OpSpec("isotonic_regression_increasing",
           lambda x: tf.nn.isotonic_regression(x, decreasing=False, axis=0)[0],
           [(np.array([[3.0, 1.0], [0.5, 3.0], [2.5, 4.0]]),)], 2),
    unary("relu", tf.nn.relu, kink=True,
          numpy_ref=NumpyRef(lambda x: np.maximum(x, np.zeros((), x.dtype)), True)),
    OpSpec("relu6", tf.nn.relu6, [(np.array([-1.5, 0.7, 3.0, 5.5, 6.5, 9.0]),)], 2),
    unary("leaky_relu", tf.nn.leaky_relu, kink=True),
    OpSpec("leaky_relu_alpha", lambda x: tf.nn.leaky_relu(x, alpha=0.5),
           [(away_from((2, 3), -2, 2),)], 2),
    unary("elu", tf.nn.elu, kink=True),
    unary("selu", tf.nn.selu, kink=True),
    unary("gelu", tf.nn.gelu),
    OpSpec("gelu_approximate", lambda x: tf.nn.gelu(x, approximate=True), [(rand((2, 3), -3, 3),)], 2),
    unary("softsign", tf.nn.softsign, kink=True),
    unary("silu", tf.nn.silu),
    OpSpec("silu_beta", lambda x: tf.nn.silu(x, beta=1.7), [(rand((2, 3)),)], 2),
    OpSpec("silu_tensor_beta", lambda x, b: tf.nn.swish(x, beta=b), [(rand((2, 3)), rand(()))], 2),
    OpSpec("softmax", tf.nn.softmax, [(rand((4,)),), (rand((2, 3)),)], 2),
    OpSpec("softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), [(rand((3, 2)),)], 2),
    OpSpec("log_softmax", tf.nn.log_softmax, [(rand((4,)),), (rand((2, 3)),)], 2),
    OpSpec("log_softmax_axis0", lambda x: tf.nn.log_softmax(x, axis=0), [(rand((3, 2)),)], 2),
    OpSpec("sparse_softmax_cross_entropy_with_logits",
           lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=_SPARSE, logits=x),
           [(rand((2, 3)),)], 2),
    OpSpec("softmax_cross_entropy_with_logits",
           lambda z, x: tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
           [(_labels((2, 3)), rand((2, 3))), (_labels((4,)), rand((4,)))], 2),
    OpSpec("softmax_cross_entropy_with_logits_axis0",
           lambda z, x: tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x, axis=0),
           [(rand((3, 2), 0.0, 1.0), rand((3, 2)))], 2),
    OpSpec("sigmoid_cross_entropy_with_logits",
           lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
           [(rand((2, 3), 0.0, 1.0), rand((2, 3), -3, 3))], 2),
    OpSpec("weighted_cross_entropy_with_logits",
           lambda z, x, w: tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x,
                                                                   pos_weight=w),
           [(rand((2, 3), 0.0, 1.0), away_from((2, 3), -3, 3), rand((3,), 0.5, 2.0))], 2),
    OpSpec("log_poisson_loss",
           lambda z, c: tf.nn.log_poisson_loss(z, c, compute_full_loss=True),
           [(rand((2, 3), 0.1, 3.0), rand((2, 3)))], 2),
    OpSpec("crelu", lambda x: tf.nn.crelu(x, axis=0), [(away_from((2, 3), -2, 2),)], 2),
    OpSpec("batch_normalization",
           lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
           [(rand((4, 3)), rand((3,)), rand((3,), 0.5, 2.0), rand((3,)), rand((3,)))], 2),
    OpSpec("batch_normalization_no_offset_scale",
           lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 1e-3),
           [(rand((4, 3)), rand((3,)), rand((3,), 0.5, 2.0))], 2),
    OpSpec("normalize_moments",
           lambda m, v, s: tf.nn.normalize_moments(m[0] * 0.0 + 4.0, m, v, s)[1] * 2.0,
           [(rand((3,)), rand((3,), 5.0, 6.0), rand((3,)))], 2),
    OpSpec("l2_loss", tf.nn.l2_loss, [(rand((2, 3)),)], 2),
    OpSpec("l2_normalize", lambda x: tf.nn.l2_normalize(x, axis=-1), [(rand((2, 3)),)], 2),
    OpSpec("dropout", _same_mask_dropout, [(rand((4, 5)),)], 2),
    OpSpec("bias_add", tf.nn.bias_add, [(rand((2, 3)), rand((3,)))], 2),
    OpSpec("bias_add_nchw", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
           [(rand((2, 3, 2, 2)), rand((3,)))], 2),
    OpSpec("moments", lambda x: tf.nn.moments(x, axes=[0]), [(rand((4, 3)),)], 2),
    OpSpec("moments_variance", lambda x: tf.nn.moments(x, axes=[0, 1], keepdims=True)[1],
           [(rand((4, 3)),)], 2),
]
