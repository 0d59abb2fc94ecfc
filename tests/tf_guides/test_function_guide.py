"""The tf.function guide (site/en/guide/function.ipynb), its code adapted:
tracing, retracing, concrete functions, side effects and Variables inside a
function.  Expected values and printouts are TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf


def test_a_tensor_array_accumulates_an_rnn_unrolled_over_tf_range():
    # "Accumulating values in a loop": the TensorArray is written at the loop's
    # tensor index; TensorFlow 2.21 printed these sums.
    def rnn_step(inp, state):
        return inp + state

    @tf.function
    def dynamic_rnn(rnn_step, input_data, initial_state):
        input_data = tf.transpose(input_data, [1, 0, 2])
        max_seq_len = input_data.shape[0]
        states = tf.TensorArray(tf.float32, size=max_seq_len)
        state = initial_state
        for i in tf.range(max_seq_len):
            state = rnn_step(input_data[i], state)
            states = states.write(i, state)
        return tf.transpose(states.stack(), [1, 0, 2])

    data = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10)
    for _ in range(2):  # traced, then replayed
        out = dynamic_rnn(rnn_step, data, tf.zeros([2, 4]))
        np.testing.assert_allclose(out.numpy(), [
            [[0., .1, .2, .3], [.4, .6, .8, 1.], [1.2, 1.5, 1.8, 2.1]],
            [[1.2, 1.3, 1.4, 1.5], [2.8000002, 3., 3.1999998, 3.4],
             [4.8, 5.1, 5.3999996, 5.7]]], rtol=1e-6)
    out = dynamic_rnn(rnn_step, data * 2.0, tf.ones([2, 4]))
    np.testing.assert_allclose(out.numpy()[1, 2], [10.6, 11.2, 11.8, 12.4], rtol=1e-6)
