"""Arguments, captured values and constants are distinct slots of a compiled
program, even when they share an array (values computed by TensorFlow 2.21)."""
import numpy as np

import gradtape as tf


def test_a_captured_constant_passed_as_the_argument_stays_a_constant():
    # the repro: TensorFlow gives [11, 22, 33] then [1, 2, 3]
    c = tf.constant([1.0, 2.0, 3.0])
    f = tf.function(lambda x: x * 10.0 + c)
    assert f(c).numpy().tolist() == [11.0, 22.0, 33.0]
    assert f(tf.zeros(3)).numpy().tolist() == [1.0, 2.0, 3.0]


def test_a_mask_argument_sharing_its_array_with_another_is_checked_itself():
    x = tf.constant([1.0, 10.0, 30.0])
    mask = np.array([True, True, False])
    f = tf.function(lambda a, b: tf.reduce_sum(tf.boolean_mask(x, a))
                    + tf.reduce_sum(tf.cast(b, tf.float32)) * 0.0)
    assert float(f(mask, mask)) == 11.0
    assert float(f(np.array([True, True, True]), mask)) == 41.0  # TensorFlow: 41


def test_an_index_argument_sharing_its_array_with_another():
    x = tf.constant([1.0, 10.0, 30.0])
    i = np.array([0, 1], np.int32)
    f = tf.function(lambda a, b: tf.reduce_sum(tf.gather(x, a))
                    + tf.cast(tf.reduce_sum(b), tf.float32) * 0.0)
    assert float(f(i, i)) == 11.0
    assert float(f(np.array([0, 1, 2], np.int32), i)) == 41.0
    assert float(f(i, np.array([2, 2], np.int32))) == 11.0


def test_a_variable_passed_as_its_own_snapshot_is_read_afresh_and_the_snapshot_is_not():
    v = tf.Variable([1.0, 2.0])
    f = tf.function(lambda x: x + v * 10.0)
    assert f(v.read_value()).numpy().tolist() == [11.0, 22.0]
    v.assign([3.0, 4.0])
    assert f(tf.constant([0.0, 0.0])).numpy().tolist() == [30.0, 40.0]


def test_a_scalar_argument_shared_by_two_parameters():
    s = np.float32(2.0)
    f = tf.function(lambda a, b: a * 10.0 + b)
    assert float(f(s, s)) == 22.0
    assert float(f(s, np.float32(5.0))) == 25.0
