"""The AutoGraph guide (site/en/guide/autograph.ipynb), its examples adapted to
TensorFlow 2 (tf.function called directly instead of graphs and sessions).
Expected values are TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf


def square_if_positive(x):
    if x > 0:
        x = x * x
    else:
        x = 0.0
    return x


def test_python_conditions_eagerly_through_to_graph_and_in_a_function():
    # TensorFlow 2.21 printed: Eager results: 81.00, 0.00 (and the same in graphs)
    eager = '%2.2f, %2.2f' % (square_if_positive(tf.constant(9.0)),
                               square_if_positive(tf.constant(-9.0)))
    assert eager == "81.00, 0.00"
    for converted in (tf.autograph.to_graph(square_if_positive), tf.function(square_if_positive)):
        assert '%2.2f, %2.2f' % (converted(tf.constant(9.0)),
                                 converted(tf.constant(-9.0))) == "81.00, 0.00"


def test_continue_in_a_loop_over_a_tensor():
    def sum_even(items):
        s = 0
        for c in items:
            if c % 2 > 0:
                continue
            s += c
        return s

    tf_sum_even = tf.function(sum_even)
    assert int(sum_even(tf.constant([10, 12, 15, 20]))) == 42  # TensorFlow 2.21: 42
    assert int(tf_sum_even(tf.constant([10, 12, 15, 20]))) == 42
    assert int(tf_sum_even(tf.constant([1, 2, 3, 4]))) == 6     # TensorFlow 2.21: 6


def test_nested_conditions_while_and_break():
    @tf.function(experimental_autograph_options=tf.autograph.experimental.Feature.EQUALITY_OPERATORS)
    def nearest_odd_square(x):
        if x > 0:
            x = x * x
            if x % 2 == 0:
                x = x + 1
        return x

    @tf.function
    def square_until_stop(x, y):
        while x < y:
            x = x * x
        return x

    @tf.function
    def argwhere_cumsum(x, threshold):
        current_sum = 0.0
        idx = 0
        for i in tf.range(len(x)):
            idx = i
            if current_sum >= threshold:
                break
            current_sum += x[i]
        return idx

    # TensorFlow 2.21: 17, 25, 37, -6; 256, 256; 5, 3
    assert [int(nearest_odd_square(tf.constant(v))) for v in (4, 5, 6, -6)] == [17, 25, 37, -6]
    assert int(square_until_stop(tf.constant(4), tf.constant(100))) == 256
    assert int(square_until_stop(tf.constant(2), tf.constant(100))) == 256
    assert int(argwhere_cumsum(tf.ones(10), tf.constant(5.0))) == 5
    assert int(argwhere_cumsum(tf.ones(10), tf.constant(3.0))) == 3


def test_tensor_arrays_written_in_loops():
    @tf.function
    def arange(n):
        z = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
        for i in tf.range(n):
            z = z.write(i, i)
        return z.stack()

    @tf.function
    def squares(nums):
        result = tf.TensorArray(tf.int64, size=0, dynamic_size=True)
        for i in tf.range(tf.size(nums)):
            result = result.write(i, nums[i] * nums[i])
        return result.stack()

    assert arange(tf.constant(10)).numpy().tolist() == list(range(10))
    assert arange(tf.constant(3)).numpy().tolist() == [0, 1, 2]
    out = squares(tf.constant(np.arange(10)))
    assert out.dtype == tf.int64 and out.numpy().tolist() == [i * i for i in range(10)]


def test_collatz_counts_its_steps():
    @tf.function
    def collatz(x):
        x = tf.reshape(x, ())
        tf.debugging.assert_positive(x)
        n = tf.convert_to_tensor((0,))
        while x != 1:
            n += 1
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
        return n

    assert collatz(tf.constant([6171])).numpy().tolist() == [261]  # TensorFlow 2.21: [261]
    assert collatz(tf.constant([27])).numpy().tolist() == [111]    # TensorFlow 2.21: [111]


def test_autograph_names_code_calls():
    @tf.autograph.experimental.do_not_convert
    def double(x):
        return x * 2

    assert int(double(tf.constant(2))) == 4
    assert tf.autograph.experimental.do_not_convert()(double) is double
    tf.autograph.set_verbosity(0)
    with pytest.raises(NotImplementedError, match="no converted code"):
        tf.autograph.to_code(square_if_positive)
