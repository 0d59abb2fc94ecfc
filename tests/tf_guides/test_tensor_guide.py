"""The "Introduction to Tensors" guide (site/en/guide/tensor.ipynb), its code
cells adapted; expected values are TensorFlow 2.21's, typed from its output.
Ragged, sparse and string tensors are out of scope: their names raise."""
import numpy as np
import pytest

import gradtape as tf


def _rank_3():
    return tf.constant([[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]],
                        [[10, 11, 12, 13, 14], [15, 16, 17, 18, 19]],
                        [[20, 21, 22, 23, 24], [25, 26, 27, 28, 29]]])


def test_basic_tensors_print_as_tensorflow_prints_them():
    # TensorFlow 2.21's printouts
    assert str(tf.constant(4)) == "tf.Tensor(4, shape=(), dtype=int32)"
    assert str(tf.constant([2.0, 3.0, 4.0])) == "tf.Tensor([2. 3. 4.], shape=(3,), dtype=float32)"
    rank_2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    assert str(rank_2) == ("tf.Tensor(\n[[1. 2.]\n [3. 4.]\n [5. 6.]], shape=(3, 2), "
                           "dtype=float16)")
    assert np.array(rank_2).dtype == np.float16


def test_dtype_prints_as_tensorflow_prints_it():
    # TensorFlow 2.21: print(x.dtype) shows <dtype: 'float32'>; repr stays tf.float32
    rank_4_tensor = tf.zeros([3, 2, 4, 5])
    assert f"Type of every element: {rank_4_tensor.dtype}" == \
        "Type of every element: <dtype: 'float32'>"
    assert str(tf.float16) == "<dtype: 'float16'>"
    assert repr(tf.float32) == "tf.float32"
    assert rank_4_tensor.ndim == 4
    assert str(rank_4_tensor.shape) == "(3, 2, 4, 5)"
    assert rank_4_tensor.shape[0] == 3 and rank_4_tensor.shape[-1] == 5
    assert tf.size(rank_4_tensor).numpy() == 120


def test_math_on_tensors():
    # TensorFlow 2.21's values
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.constant([[1, 1], [1, 1]])
    np.testing.assert_array_equal(tf.add(a, b).numpy(), [[2, 3], [4, 5]])
    np.testing.assert_array_equal((a * b).numpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal((a @ b).numpy(), [[3, 3], [7, 7]])
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    assert tf.reduce_max(c).numpy() == 10.0
    np.testing.assert_array_equal(tf.argmax(c).numpy(), [1, 0])
    assert tf.argmax(c).dtype == tf.int64
    # TensorFlow prints [[2.6894143e-01 7.3105860e-01] [9.9987662e-01 1.2339458e-04]];
    # its exp and sum round differently from NumPy's in the last place
    np.testing.assert_allclose(tf.nn.softmax(c).numpy(),
                               [[2.6894143e-01, 7.3105860e-01], [9.9987662e-01, 1.2339458e-04]],
                               rtol=2e-7)


def test_indexing():
    # TensorFlow 2.21's values
    r1 = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    assert r1[0].numpy() == 0 and r1[-1].numpy() == 34
    np.testing.assert_array_equal(r1[2:7].numpy(), [1, 2, 3, 5, 8])
    np.testing.assert_array_equal(r1[::2].numpy(), [0, 1, 3, 8, 21])
    np.testing.assert_array_equal(r1[::-1].numpy(), [34, 21, 13, 8, 5, 3, 2, 1, 1, 0])
    r2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    assert r2[1, 1].numpy() == 4.0
    np.testing.assert_array_equal(r2[:, 1].numpy(), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(_rank_3()[:, :, 4].numpy(), [[4, 9], [14, 19], [24, 29]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        r1[20]


def test_reshaping():
    # TensorFlow 2.21's values and error class
    var_x = tf.Variable(tf.constant([[1], [2], [3]]))
    assert var_x.shape.as_list() == [3, 1]
    assert tf.reshape(var_x, [1, 3]).shape == (1, 3)
    t = _rank_3()
    np.testing.assert_array_equal(tf.reshape(t, [-1]).numpy(), np.arange(30))
    assert tf.reshape(t, [3, -1]).shape == (3, 10)
    np.testing.assert_array_equal(tf.reshape(t, [5, 6]).numpy()[1], [6, 7, 8, 9, 10, 11])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reshape(t, [7, -1])


def test_casts_and_broadcasting():
    # TensorFlow 2.21's values
    f64 = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    u8 = tf.cast(tf.cast(f64, dtype=tf.float16), dtype=tf.uint8)
    np.testing.assert_array_equal(u8.numpy(), [2, 3, 4])
    assert u8.dtype == tf.uint8
    x = tf.reshape(tf.constant([1, 2, 3]), [3, 1])
    y = tf.range(1, 5)
    np.testing.assert_array_equal(tf.multiply(x, y).numpy(),
                                  [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]])
    np.testing.assert_array_equal(tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]).numpy(),
                                  [[1, 2, 3]] * 3)


def test_non_rectangular_lists_are_a_value_error():
    # TensorFlow 2.21: ValueError (Can't convert non-rectangular Python sequence to Tensor.)
    with pytest.raises(ValueError):
        tf.constant([[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]])


@pytest.mark.parametrize("name", ["ragged", "RaggedTensor", "sparse", "SparseTensor",
                                  "strings", "io"])
def test_ragged_sparse_and_string_tensors_are_out_of_scope(name):
    with pytest.raises(AttributeError, match="not implemented in gradtape"):
        getattr(tf, name)
