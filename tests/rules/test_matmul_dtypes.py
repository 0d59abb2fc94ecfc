"""matmul takes the dtypes TensorFlow's kernels take, and ``output_type`` as
TensorFlow 2.21 does (outcomes recorded from it): int32 for (u)int8 inputs,
else only the inputs' own dtype.  NumPy alone would multiply bool or int8
matrices and wrap around silently."""
import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64",
                                   "complex64", "complex128"])
def test_kernel_dtypes_multiply_in_their_own_dtype(dtype):
    a, b = tf.ones((2, 3), dtype), tf.ones((3, 2), dtype)
    for out in (tf.matmul(a, b), a @ b, tf.matmul(a, b, output_type=dtype)):
        assert out.dtype == tf.as_dtype(dtype)
        np.testing.assert_array_equal(out.numpy(), np.full((2, 2), 3, dtype))


@pytest.mark.parametrize("dtype, error", [("int8", tf.errors.InvalidArgumentError),
                                          ("int16", tf.errors.InvalidArgumentError),
                                          ("bool", tf.errors.InvalidArgumentError),
                                          ("uint8", tf.errors.NotFoundError)])
@pytest.mark.parametrize("shapes", [((2, 3), (3, 2)), ((4, 2, 3), (3, 2))])
def test_dtypes_without_a_kernel_are_refused(dtype, error, shapes):
    a, b = tf.ones(shapes[0], dtype), tf.ones(shapes[1], dtype)
    with pytest.raises(error, match=f"no kernel for {dtype} inputs"):
        tf.matmul(a, b)


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_small_integers_with_output_type_int32_do_not_wrap_around(dtype):
    a = tf.constant([[100, 100, 100]], dtype)
    b = tf.constant([[100], [100], [100]], dtype)
    out = tf.matmul(a, b, output_type=tf.int32)
    assert out.dtype == tf.int32
    assert out.numpy().tolist() == [[30000]]  # TensorFlow's result


@pytest.mark.parametrize("inputs, output_type", [("float32", tf.float64), ("float32", tf.int32),
                                                 ("uint8", tf.int64), ("int32", tf.int64)])
def test_other_output_types_are_refused(inputs, output_type):
    a, b = tf.ones((2, 3), inputs), tf.ones((3, 2), inputs)
    with pytest.raises(tf.errors.NotFoundError, match=f"output_type={output_type.name}"):
        tf.matmul(a, b, output_type=output_type)


def test_output_type_keeps_transposes_and_gradients():
    a = tf.constant(np.arange(6.0).reshape(3, 2))
    b = tf.constant(np.arange(6.0).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.reduce_sum(tf.matmul(a, b, transpose_a=True, output_type=tf.float64))
    np.testing.assert_array_equal(y.numpy(), (a.numpy().T @ b.numpy()).sum())
    # d sum(a^T b) / da = b times a matrix of ones
    np.testing.assert_array_equal(tape.gradient(y, a).numpy(), b.numpy() @ np.ones((2, 2)))
