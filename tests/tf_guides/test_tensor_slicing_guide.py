"""TensorFlow's guide "Introduction to tensor slicing", adapted (the string
and SparseTensor cells are out of scope).  Every expected value is
TensorFlow 2.21's, as it printed them."""
import numpy as np
import pytest

import gradtape as tf

T1 = tf.constant([0, 1, 2, 3, 4, 5, 6, 7])
T2 = tf.constant([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]])
T5 = np.reshape(np.arange(18), [2, 3, 3])
T11 = tf.constant([[2, 7, 0], [9, 0, 1], [0, 3, 8]])
T14 = tf.constant([[-2, -7, 0], [-9, 0, 1], [0, -3, -8]])


def test_extract_slices():
    # TensorFlow 2.21's values
    assert tf.slice(T1, begin=[1], size=[3]).numpy().tolist() == [1, 2, 3]
    assert T1[1:4].numpy().tolist() == [1, 2, 3]
    assert T1[-3:].numpy().tolist() == [5, 6, 7]
    assert T2[:-1, 1:3].numpy().tolist() == [[1, 2], [6, 7], [11, 12]]
    t3 = tf.constant([[[1, 3, 5, 7], [9, 11, 13, 15]], [[17, 19, 21, 23], [25, 27, 29, 31]]])
    out = tf.slice(t3, begin=[1, 1, 0], size=[1, 1, 2])
    assert out.numpy().tolist() == [[[25, 27]]] and out.dtype == tf.int32
    assert tf.gather(T1, indices=[0, 3, 6]).numpy().tolist() == [0, 3, 6]
    assert T1[::3].numpy().tolist() == [0, 3, 6]


def test_strided_slice():
    # TensorFlow 2.21's values; tf.strided_slice was missing
    assert tf.strided_slice(T2, [0, 1], [4, 5], [2, 2]).numpy().tolist() == [[1, 3], [11, 13]]
    x = tf.reshape(tf.range(60), (3, 4, 5))
    assert tf.strided_slice(x, [1, 0], [2, 0], end_mask=2, shrink_axis_mask=1).numpy().tolist() \
        == np.arange(20, 40).reshape(4, 5).tolist()
    assert tf.strided_slice(x, [-1], [0], shrink_axis_mask=1).numpy().tolist() \
        == np.arange(40, 60).reshape(4, 5).tolist()
    assert tf.strided_slice(x, [0], [-1], begin_mask=1).shape == (2, 4, 5)
    assert tf.strided_slice(x, [0, 0, 0, 1], [0, 0, 0, 3], new_axis_mask=2,
                            ellipsis_mask=1).shape == (3, 1, 0, 2)
    assert tf.strided_slice(x, [0, 0, 1], [0, 0, 3], new_axis_mask=2, ellipsis_mask=1,
                            shrink_axis_mask=4).shape == (3, 4, 1)
    assert tf.strided_slice(x, [10], [20]).shape == (0, 4, 5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="strides\\[0\\] must be non-zero"):
        tf.strided_slice(x, [0], [2], [0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="1D equal size"):
        tf.strided_slice(x, [0, 1], [2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.strided_slice(x, [3], [4], shrink_axis_mask=1)
    y = tf.constant([1., 2., 3., 4.])
    with tf.GradientTape() as tape:
        tape.watch(y)
        z = tf.reduce_sum(tf.strided_slice(y, [3], [0], [-2]) ** 2)
    assert tape.gradient(z, y).numpy().tolist() == [0.0, 4.0, 0.0, 8.0]


def test_gather_nd():
    # TensorFlow 2.21's values
    t4 = tf.constant([[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]])
    assert tf.gather_nd(t4, indices=[[2], [3], [0]]).numpy().tolist() == [[2, 7], [3, 8], [0, 5]]
    out = tf.gather_nd(T5, indices=[[0, 0, 0], [1, 2, 1]])
    assert out.numpy().tolist() == [0, 16] and out.dtype == tf.int64
    assert tf.gather_nd(T5, indices=[[[0, 0], [0, 2]], [[1, 0], [1, 2]]]).numpy().tolist() == \
        [[[0, 1, 2], [6, 7, 8]], [[9, 10, 11], [15, 16, 17]]]
    assert tf.gather_nd(T5, indices=[[0, 0], [0, 2], [1, 0], [1, 2]]).numpy().tolist() == \
        [[0, 1, 2], [6, 7, 8], [9, 10, 11], [15, 16, 17]]


def test_insert_data():
    # TensorFlow 2.21's values
    out = tf.scatter_nd(indices=tf.constant([[1], [3], [5], [7], [9]]),
                        updates=tf.constant([2, 4, 6, 8, 10]), shape=tf.constant([10]))
    assert out.numpy().tolist() == [0, 2, 0, 4, 0, 6, 0, 8, 0, 10]
    new_indices = tf.constant([[0, 2], [2, 1], [3, 3]])
    t7 = tf.gather_nd(T2, indices=new_indices)
    t8 = tf.scatter_nd(indices=new_indices, updates=t7, shape=tf.constant([4, 5]))
    assert t8.numpy().tolist() == [[0, 0, 2, 0, 0], [0, 0, 0, 0, 0], [0, 11, 0, 0, 0],
                                   [0, 0, 0, 18, 0]]
    t12 = tf.tensor_scatter_nd_add(T11, indices=[[0, 2], [1, 1], [2, 0]], updates=[6, 5, 4])
    assert t12.numpy().tolist() == [[2, 7, 6], [9, 5, 1], [4, 3, 8]]
    t13 = tf.tensor_scatter_nd_sub(
        T11, indices=[[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 1], [2, 2]],
        updates=[1, 7, 9, -1, 1, 3, 7])
    assert t13.numpy().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    t15 = tf.tensor_scatter_nd_min(T14, indices=[[0, 2], [1, 1], [2, 0]], updates=[-6, -5, -4])
    assert t15.numpy().tolist() == [[-2, -7, -6], [-9, -5, 1], [-4, -3, -8]]
    t16 = tf.tensor_scatter_nd_max(T14, indices=[[0, 2], [1, 1], [2, 0]], updates=[6, 5, 4])
    assert t16.numpy().tolist() == [[-2, -7, 6], [-9, 5, 1], [4, -3, -8]]
    # repeated indices add up in scatter_nd
    assert tf.scatter_nd([[1], [1]], [2.5, 3.], [3]).numpy().tolist() == [0.0, 5.5, 0.0]


def test_gradients():
    # TensorFlow 2.21's values
    x = tf.constant(np.arange(20.).reshape(4, 5), tf.float32)
    u = tf.constant([1., 2., 3.])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        gathered = tf.reduce_sum(tf.gather_nd(x, [[0, 2], [2, 1], [0, 2]]) ** 2)
        scattered = tf.reduce_sum(tf.scatter_nd([[0, 2], [2, 1], [0, 2]], u, [4, 5]) ** 2)
        maxed = tf.reduce_sum(tf.tensor_scatter_nd_max(x, [[0, 2], [2, 1], [1, 1]], u))
    g = np.zeros((4, 5))
    g[0, 2], g[2, 1] = 8.0, 22.0
    np.testing.assert_array_equal(tape.gradient(gathered, x), g)
    assert tape.gradient(scattered, u).numpy().tolist() == [8.0, 4.0, 8.0]
    assert tape.gradient(maxed, u).numpy().tolist() == [0.0, 0.0, 0.0]
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather_nd(v, [[2], [3], [2]]) ** 2)
    grad = tape.gradient(y, v)
    assert isinstance(grad, tf.IndexedSlices)
    assert tf.convert_to_tensor(grad).numpy()[2].tolist() == [40.0, 44.0, 48.0, 52.0, 56.0]


@pytest.mark.parametrize("call", [
    lambda: tf.gather(T1, [8]),
    lambda: tf.gather_nd(T2, [[4, 0]]),
    lambda: tf.scatter_nd([[10]], [1], [10]),
    lambda: tf.scatter_nd([[-1]], [1], [10]),
    lambda: tf.tensor_scatter_nd_add(T11, [[3, 0]], [1]),
    lambda: tf.tensor_scatter_nd_add(T11, [[0, 0]], [1, 2]),
    lambda: tf.slice(T1, [6], [3]),
])
def test_errors(call):
    # TensorFlow 2.21 raises InvalidArgumentError for each
    with pytest.raises(tf.errors.InvalidArgumentError):
        call()
