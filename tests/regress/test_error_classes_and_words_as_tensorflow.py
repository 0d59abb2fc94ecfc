"""Errors with TensorFlow's exception classes and words, so code that catches
them or matches on their text works unchanged.  Each pattern is the start of
TensorFlow 2.21's message for the same call (gradtape may add a fix after it)."""
import re

import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError

I32, F32 = tf.constant([1, 2]), tf.constant([1.0, 2.0])


def _gradient(**kwargs):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    return tape.gradient(y, x, **kwargs)


def _stop_recording_of_a_tape_never_entered():
    with tf.GradientTape().stop_recording():
        pass


def _stop_recording_after_the_block():
    with tf.GradientTape() as tape:
        pass
    with tape.stop_recording():
        pass


def _batch_jacobian(target, source):
    with tf.GradientTape() as tape:
        tape.watch([target, source])
        y = target * 1.0
    return tape.batch_jacobian(y, source)


def _jvp_unconnected(value):
    with tf.autodiff.ForwardAccumulator(F32, F32) as acc:
        y = F32 * 2.0
    return acc.jvp(y, unconnected_gradients=value)


CASES = [
    ("sqrt of int32", lambda: tf.sqrt(I32), InvalidArgumentError,
     "Value for attr 'T' of int32 is not in the list of allowed values: bfloat16, half, "
     "float, double, complex64, complex128"),
    ("softmax of int32", lambda: tf.nn.softmax(I32), InvalidArgumentError,
     "Value for attr 'T' of int32 is not in the list of allowed values: half, bfloat16, "
     "float, double"),
    ("output_gradients dtype", lambda: _gradient(output_gradients=tf.constant([1.0, 2.0],
                                                                               tf.float64)),
     InvalidArgumentError, None),
    ("bias_add channels", lambda: tf.nn.bias_add(tf.ones((2, 3)), tf.ones(4)),
     InvalidArgumentError,
     "Must provide as many biases as the last dimension of the input tensor: [4] vs. [2,3]"),
    ("softmax cross-entropy shapes",
     lambda: tf.nn.softmax_cross_entropy_with_logits(labels=tf.ones((2, 3)),
                                                     logits=tf.ones((2, 4))),
     InvalidArgumentError, "logits and labels must be broadcastable: logits_size=[2,4] "
                           "labels_size=[2,3]"),
    ("sigmoid cross-entropy shapes",
     lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones((2, 3)),
                                                     logits=tf.ones((2, 4))),
     ValueError, "`logits` and `labels` must have the same shape, received ((2, 4) vs (2, 3))."),
    ("sparse cross-entropy shapes",
     lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([1, 2, 0]),
                                                            logits=tf.ones((2, 4))),
     ValueError, "`labels.shape` must equal `logits.shape` except for the last dimension. "
                 "Received: labels.shape=(3,) and logits.shape=(2, 4)"),
    ("float index", lambda: F32[1.0], TypeError,
     "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
     "tf.int32/tf.int64 tensors are valid indices, got 1.0"),
    ("float tensor index", lambda: F32[tf.constant(1.0)], TypeError,
     "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
     "tf.int32/tf.int64 tensors are valid indices, got <"),
    ("gather with float indices", lambda: tf.gather(F32, tf.constant([1.0])),
     InvalidArgumentError,
     "Value for attr 'Tindices' of float is not in the list of allowed values: int16, int32, "
     "int64"),
    ("slice step 0", lambda: F32[::0], InvalidArgumentError, "strides[0] must be non-zero"),
    ("tangent dtype", lambda: tf.autodiff.ForwardAccumulator(F32, tf.constant([1.0, 2.0],
                                                                              tf.float64)),
     ValueError, "Tensor conversion requested dtype float32 for Tensor with dtype float64: "),
    ("assign dtype", lambda: tf.Variable(1.0).assign(tf.constant(1.0, tf.float64)), ValueError,
     "Tensor conversion requested dtype float32 for Tensor with dtype float64: "),
    ("assign_add dtype", lambda: tf.Variable(1.0).assign_add(tf.constant(1)), ValueError,
     "Tensor conversion requested dtype float32 for Tensor with dtype int32: "),
    ("stop_recording of a tape never entered", _stop_recording_of_a_tape_never_entered,
     RuntimeError, "Trying to stop recording a tape which is not recording."),
    ("stop_recording after the block", _stop_recording_after_the_block, ValueError,
     "Tape is not recording."),
    ("unknown unconnected_gradients", lambda: _gradient(unconnected_gradients="nan"),
     ValueError, "Unknown value for unconnected_gradients: 'nan'"),
    ("unknown unconnected_gradients of a jvp", lambda: _jvp_unconnected("nan"), ValueError,
     "'nan' is not a valid UnconnectedGradients"),
    ("batch_jacobian target rank", lambda: _batch_jacobian(F32, tf.ones((2, 1))), ValueError,
     "Shape (2,) must have rank at least 2"),
    ("batch_jacobian source rank", lambda: _batch_jacobian(tf.ones((2, 1)), F32), ValueError,
     "Shape (2,) must have rank at least 2"),
    ("batch_jacobian batch sizes", lambda: _batch_jacobian(tf.ones((2, 1)), tf.ones((1, 2))),
     ValueError, "Need first dimension of target shape ((2, 1)) and source shape ((1, 2)) "
                 "to match."),
]


@pytest.mark.parametrize("call, error, start", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_class_and_words(call, error, start):
    with np.errstate(all="ignore"):
        with pytest.raises(error) as info:
            call()
    assert type(info.value) is error or issubclass(type(info.value), error)
    if start is not None:
        assert re.match(re.escape(start), str(info.value)), str(info.value)
