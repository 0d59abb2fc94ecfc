"""The introduction to graphs guide (site/en/guide/intro_to_graphs.ipynb), its
code adapted.  Expected values and printouts are TensorFlow 2.21's."""
import numpy as np

import gradtape as tf


def test_printing_a_dtype_shows_tensorflows_form():
    # print(y_true.dtype) after tf.random.uniform(..., dtype=tf.int32): TensorFlow
    # 2.21 prints <dtype: 'int32'>; its repr stays tf.int32
    y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
    assert str(y_true.dtype) == "<dtype: 'int32'>"
    assert repr(y_true.dtype) == "tf.int32"
    assert f"{tf.float32}" == "<dtype: 'float32'>"
    assert str([tf.int32]) == "[tf.int32]"
