"""The error audit: each kind of misuse of the public API raises TypeError,
ValueError or InvalidArgumentError (RuntimeError for a spent tape, as in
TensorFlow) with a message saying what was expected and what came.

One row per message class: ``(id, call, exception type, regex on the message)``.
"""
import numpy as np
import pytest

import gradtape as gt
import gradtape as tf
from gradtape.errors import InvalidArgumentError


def _recorded(persistent=False):
    x = tf.Variable([1.0, 2.0])
    tape = tf.GradientTape(persistent=persistent)
    with tape:
        y = x * x
    return tape, y, x


def _spent_tape():
    tape, y, x = _recorded()
    tape.gradient(y, x)
    return tape.gradient(y, x)


def _enter_twice():
    tape = tf.GradientTape()
    with tape:
        with tape:
            pass


def _stop_recording_outside():
    tape = tf.GradientTape()
    with tape.stop_recording():
        pass


def _gradient(**kwargs):
    def call():
        tape, y, x = _recorded()
        targets = kwargs.pop("target", y)
        return tape.gradient([y] if isinstance(targets, str) and targets == "one" else targets, kwargs.pop("sources", x),
                             **kwargs)
    return call


F32 = tf.constant([1.0, 2.0])
F64 = tf.constant([1.0, 2.0], dtype=tf.float64)
F16 = tf.constant([1.0, 2.0], dtype=tf.float16)
M = tf.ones((2, 3))

AUDIT = [
    # -- GradientTape ------------------------------------------------------------
    ("second gradient of a non-persistent tape", _spent_tape, RuntimeError,
     r"non-persistent GradientTape can only be used to compute one set of gradients"),
    ("tape entered twice", _enter_twice, ValueError, r"already recording"),
    ("stop_recording outside the tape", _stop_recording_outside, RuntimeError,
     r"Trying to stop recording a tape which is not recording\."),
    ("non-tensor source", _gradient(sources=3.0), ValueError,
     r"Passed in object 3.0 of type 'float', not tf.Tensor or tf.Variable"),
    ("ndarray source", _gradient(sources=np.ones(2)), ValueError, r"of type 'ndarray'"),
    ("non-tensor inside nested sources", _gradient(sources={"a": [F32, "w"]}), ValueError,
     r"Passed in object 'w' of type 'str'"),
    ("non-tensor watched", lambda: tf.GradientTape().watch([F32, 2.0]), ValueError,
     r"object 2.0 of type 'float'.* in tape.watch"),
    ("output_gradients count vs targets",
     _gradient(target="one", output_gradients=[F32, F32, F32]), ValueError,
     r"output_gradients must have the structure of target: got 3 output gradients for 1 targets"),
    ("output_gradients shape", _gradient(output_gradients=tf.ones(3)), ValueError,
     r"output_gradients: shape \(3,\) does not match its target's shape \(2,\)"),
    ("output_gradients dtype", _gradient(output_gradients=F64), InvalidArgumentError,
     r"output_gradients: dtype float64 does not match its target's dtype float32"),
    ("unconnected_gradients value", _gradient(unconnected_gradients="nan"), ValueError,
     r"Unknown value for unconnected_gradients: 'nan'"),
    ("non-tensor target", _gradient(target="loss"), TypeError,
     r"Argument `target` should be .* but received 'loss'"),
    ("jacobian of a non-tensor source",
     lambda: _recorded(True)[0].jacobian(_recorded(True)[1], 1.0), ValueError,
     r"Passed in object 1.0 of type 'float'"),
    ("batch_jacobian ranks", lambda: (lambda t, y, x: t.batch_jacobian(y, x))(*_recorded(True)),
     ValueError, r"Shape \(2,\) must have rank at least 2"),
    # -- ForwardAccumulator -------------------------------------------------------
    ("tangents structure vs primals", lambda: tf.autodiff.ForwardAccumulator([F32], F32),
     ValueError, r"primals and tangents don't have the same nested structure"),
    ("tangent shape", lambda: tf.autodiff.ForwardAccumulator(F32, tf.ones(3)), ValueError,
     r"tangent has shape \(3,\) but must have shape \(2,\)"),
    ("tangent dtype", lambda: tf.autodiff.ForwardAccumulator(F32, F64), ValueError,
     r"Tensor conversion requested dtype float32 for Tensor with dtype float64"),
    ("non-tensor primal", lambda: tf.autodiff.ForwardAccumulator(1.0, 1.0), TypeError,
     r"primals must be Tensors or Variables, got float"),
    ("repeated primal", lambda: tf.autodiff.ForwardAccumulator([F32, F32], [F32, F32]),
     ValueError, r"specified as a primal multiple times"),
    ("jvp of a non-tensor", lambda: tf.autodiff.ForwardAccumulator(F32, F32).jvp("y"),
     TypeError, r"expected Tensors or Variables, got str"),
    # -- functional transforms ------------------------------------------------------
    ("jvp tangent shape", lambda: gt.jvp(lambda x: x * 2.0, (F32,), (tf.ones(3),)), ValueError,
     r"jvp: tangent of shape \(3,\) given for a primal of shape \(2,\)"),
    ("jvp tangent count", lambda: gt.jvp(lambda x: x, (F32,), (F32, F32)), ValueError,
     r"jvp: got 1 primals but 2 tangents"),
    ("jvp tangent dtype", lambda: gt.jvp(lambda x: x, (F32,), (F64,)), TypeError,
     r"jvp: tangent of dtype float64 given for a primal of dtype float32"),
    ("vjp cotangent shape", lambda: gt.vjp(lambda x: x * 2.0, F32)[1](tf.ones(3)), ValueError,
     r"vjp: cotangent of shape \(3,\) given for an output of shape \(2,\)"),
    ("grad of a non-scalar", lambda: gt.grad(lambda x: x * 2.0)(F32), TypeError,
     r"grad: the function must return a scalar.*got a tensor of shape \(2,\)"),
    ("grad argnums", lambda: gt.grad(lambda x: x, argnums=2)(F32), ValueError,
     r"grad: argnums=2 refers to argument 2"),
    # -- Variable ---------------------------------------------------------------------
    ("assign shape", lambda: tf.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0]), ValueError,
     r"assign: cannot assign a value of shape \(3,\) to Variable .* of shape \(2,\)"),
    ("assign dtype", lambda: tf.Variable([1.0, 2.0]).assign(F64), ValueError,
     r"Tensor conversion requested dtype float32 for Tensor with dtype float64"),
    ("assign_add shape", lambda: tf.Variable(1.0).assign_add([1.0, 2.0]), ValueError,
     r"Cannot update variable with shape \[\] using a Tensor with shape \[2\]"),
    ("assign_sub dtype", lambda: tf.Variable(1.0).assign_sub(tf.constant(1.0, tf.float16)),
     ValueError, r"requested dtype float32 for Tensor with dtype float16.*assign_sub"),
    ("non-integral into an int Variable", lambda: tf.Variable([1, 2]).assign([1.5, 2.0]),
     TypeError, r"Cannot convert \[1.5, 2.0\] to EagerTensor of dtype int32"),
    ("Variable without a value", lambda: tf.Variable(None), ValueError,
     r"initial_value must be given"),
    ("Variable dtype vs tensor", lambda: tf.Variable(F32, dtype=tf.float64), ValueError,
     r"requested dtype float64 for Tensor with dtype float32"),
    # -- mixing float32 and float64 ------------------------------------------------------
    ("float32 * float64", lambda: F32 * F64, InvalidArgumentError,
     r"multiply.*expected to be a float32 tensor but is a float64 tensor"),
    ("float64 + float32 Variable", lambda: F64 + tf.Variable([1.0, 2.0]), InvalidArgumentError,
     r"AddV2.*expected to be a float64 tensor but is a float32 tensor"),
    ("float16 - float32", lambda: F16 - F32, InvalidArgumentError,
     r"Sub.*float16 tensor but is a float32"),
    ("matmul of float32 and float64", lambda: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), tf.float64)),
     InvalidArgumentError, r"MatMul.*float32 tensor but is a float64"),
    ("concat of mixed floats", lambda: tf.concat([F32, F64], 0), InvalidArgumentError,
     r"float32 tensor but is a float64"),
    ("where with mixed branches", lambda: tf.where(F32 > 1.0, F32, F64), InvalidArgumentError,
     r"float32 tensor but is a float64"),
    # -- shapes -----------------------------------------------------------------------------
    ("broadcasting", lambda: F32 + tf.ones(3), InvalidArgumentError,
     r"add: operands could not be broadcast.*float32\[2\], float32\[3\]"),
    ("matmul inner dimensions", lambda: tf.matmul(M, M), InvalidArgumentError,
     r"Matrix size-incompatible: In\[0\]: \[2, 3\], In\[1\]: \[2, 3\]"),
    ("matmul of vectors", lambda: tf.matmul(F32, F32), InvalidArgumentError,
     r"matmul: both inputs must have rank >= 2, got shapes \(2,\) and \(2,\)"),
    ("reshape size", lambda: tf.reshape(M, (4,)), InvalidArgumentError,
     r"reshape: cannot reshape a tensor with 6 elements to shape \[4\]"),
    ("transpose perm", lambda: tf.transpose(M, [0, 0]), InvalidArgumentError,
     r"transpose: perm \[0, 0\] is not a permutation of the 2 axes"),
    ("concat shapes", lambda: tf.concat([M, tf.ones((2, 2))], 0), InvalidArgumentError,
     r"concat: .*\(2, 3\).*\(2, 2\)"),
    ("stack shapes", lambda: tf.stack([M, tf.ones((2, 2))]), InvalidArgumentError,
     r"stack: .*\(2, 3\).*\(2, 2\)"),
    ("squeeze a non-1 axis", lambda: tf.squeeze(M, 0), InvalidArgumentError,
     r"squeeze: cannot squeeze axis 0 of shape \(2, 3\)"),
    ("broadcast_to", lambda: tf.broadcast_to(M, (4,)), InvalidArgumentError,
     r"broadcast_to: cannot broadcast a tensor of shape \(2, 3\) to shape \(4,\)"),
    ("tile multiples", lambda: tf.tile(M, [2]), InvalidArgumentError,
     r"tile: expected multiples to be a vector of length 2"),
    ("pad paddings", lambda: tf.pad(M, [[1, 1]]), InvalidArgumentError,
     r"pad: paddings must have shape \[2, 2\]"),
    ("split sizes", lambda: tf.split(tf.ones(5), [2, 2]), InvalidArgumentError,
     r"split: size_splits \[2, 2\] must add up to the size of the split axis 0 \(5\)"),
    ("ones with a negative dimension", lambda: tf.ones((-1, 2)), InvalidArgumentError,
     r"ones: dimensions must be non-negative, got \[-1, 2\]"),
    ("zeros with a non-int shape", lambda: tf.zeros((1.5, 2)), TypeError,
     r"zeros: a shape must be a list of ints, got \(1.5, 2\)"),
    ("constant with a wrong shape", lambda: tf.constant([1.0, 2.0], shape=(3,)), TypeError,
     r"constant with unsupported shape.*2 elements.*cannot be given shape \[3\]"),
    ("constant with a negative shape", lambda: tf.constant(1.0, shape=(-1,)), ValueError,
     r"constant: shape must not have negative dimensions"),
    ("ragged constant", lambda: tf.constant([[1.0], [1.0, 2.0]]), ValueError,
     r"cannot convert \[\[1.0\], \[1.0, 2.0\]\] to a tensor"),
    # -- axes ----------------------------------------------------------------------------------
    ("axis out of range", lambda: tf.reduce_sum(M, axis=2), InvalidArgumentError,
     r"reduce_sum: axis 2 is out of range for a tensor of rank 2"),
    ("repeated axis", lambda: tf.reduce_mean(M, axis=[1, -1]), InvalidArgumentError,
     r"reduce_mean: axis .* repeats an axis"),
    ("axis of a scalar", lambda: tf.reduce_sum(tf.constant(1.0), axis=1), InvalidArgumentError,
     r"reduce_sum: axis 1 is out of range for a tensor of rank 0"),
    ("axis type", lambda: tf.reduce_sum(M, axis=0.5), TypeError,
     r"reduce_sum: axis must be None, an int or a list of ints, got 0.5"),
    ("expand_dims axis", lambda: tf.expand_dims(M, 5), InvalidArgumentError,
     r"expand_dims: axis 5 is out of range for a tensor of rank 2"),
    # -- dtypes -------------------------------------------------------------------------------
    ("float op on ints", lambda: tf.exp(tf.constant([1, 2])), InvalidArgumentError,
     r"Value for attr 'T' of int32 is not in the list of allowed values: .*\[Op:exp\]"),
    ("arithmetic on bools", lambda: tf.square(tf.constant([True])), InvalidArgumentError,
     r"Value for attr 'T' of bool is not in the list of allowed values.*\[Op:square\]"),
    ("Python float added to an int tensor", lambda: tf.constant([1]) + 1.5,
     tf.errors.InvalidArgumentError, r"cannot compute AddV2 as input #1\(zero-based\) was "
     r"expected to be a int32 tensor but is a float tensor"),
    ("Python float times an int tensor", lambda: tf.constant([1]) * 2.0, TypeError,
     r"Cannot convert 2.0 to EagerTensor of dtype int32"),
    ("string operand", lambda: F32 + "a", TypeError, r"cannot convert 'a'.*to a numeric tensor"),
    ("None operand", lambda: F32 * None, TypeError, r"cannot convert None"),
    ("unknown dtype name", lambda: tf.cast(F32, "float3"), TypeError,
     r"unknown dtype name 'float3'; expected one of"),
    ("cast to string", lambda: tf.cast(F32, tf.string), TypeError,
     r"cast: cannot cast a float32 tensor to string"),
    ("convert with a conflicting dtype", lambda: tf.convert_to_tensor(F32, dtype=tf.float64),
     ValueError, r"requested dtype float64 for Tensor with dtype float32"),
    ("where condition dtype", lambda: tf.where(F32, F32, F32), TypeError,
     r"where: condition must be a bool tensor, got float32"),
    # -- indexing --------------------------------------------------------------------------------
    ("index out of range", lambda: M[5], InvalidArgumentError,
     r"index \(5,\) is out of range for a tensor of shape \(2, 3\)"),
    ("index type", lambda: M["a"], TypeError, r"valid indices, got 'a'"),
    ("float index tensor", lambda: F32[tf.constant(0.0)], TypeError,
     r"Only integers, slices .* are valid indices, got <tf.Tensor"),
    ("slice step 0", lambda: F32[::0], InvalidArgumentError, r"strides\[0\] must be non-zero"),
    ("bool mask shape", lambda: F32[tf.constant([True])], InvalidArgumentError,
     r"bool mask does not match the shape \(2,\)"),
    ("gather out of range", lambda: tf.gather(M, [5]), InvalidArgumentError,
     r"gather: indices\[0\] = 5 is not in \[0, 2\)"),
    ("gather float indices", lambda: tf.gather(F32, [0.5]), InvalidArgumentError,
     r"gather: indices must be an int32 or int64 tensor, got dtype float64"),
    ("boolean_mask shape", lambda: tf.boolean_mask(F32, [True]), ValueError,
     r"boolean_mask: mask of shape \(1,\) does not match"),
    ("len of a scalar", lambda: len(tf.constant(1.0)), TypeError, r"Scalar tensor has no `len\(\)`"),
    ("hash of a tensor", lambda: {F32}, TypeError, r"Tensor is unhashable.*tensor.ref\(\)"),
]


@pytest.mark.parametrize("call,exc_type,pattern", [row[1:] for row in AUDIT],
                         ids=[row[0] for row in AUDIT])
def test_error_message(call, exc_type, pattern):
    with pytest.raises(exc_type, match=pattern) as info:
        call()
    assert not type(info.value).__module__.startswith("numpy"), repr(info.value)


def test_gradtape_errors_are_value_errors_like_tensorflow():
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(InvalidArgumentError, tf.errors.OpError)


def test_integer_primal_warns_and_gets_no_tangent():
    with pytest.warns(UserWarning, match=r"primal must be floating.*got tf.int32"):
        acc = tf.autodiff.ForwardAccumulator(tf.constant(1), tf.constant(1))
    with acc:
        pass


def test_integer_source_warns_and_gets_none():
    i = tf.constant([1, 2])
    with tf.GradientTape() as tape:
        tape.watch(F32)
        y = F32 * 2.0
    with pytest.warns(UserWarning, match=r"source tensor must be floating.*got tf.int32") as got:
        assert tape.gradient(y, [F32, i])[1] is None
    assert got[0].filename == __file__  # the user's line, not gradtape's
