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


def test_pretty_printed_concrete_signatures_lists_each_trace():
    # "Polymorphism: one Function, many graphs": TensorFlow 2.21's printout
    @tf.function
    def my_relu(x):
        return tf.maximum(0., x)

    assert my_relu(tf.constant(5.5)).numpy() == 5.5
    assert my_relu([1, -1]).numpy().tolist() == [1.0, 0.0]
    assert my_relu(tf.constant([3., -3.])).numpy().tolist() == [3.0, 0.0]
    assert my_relu(tf.constant(-2.5)).numpy() == 0.0
    assert my_relu(tf.constant([-1., 1.])).numpy().tolist() == [0.0, 1.0]
    assert my_relu.pretty_printed_concrete_signatures() == """Input Parameters:
  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(), dtype=tf.float32, name=None)
Output Type:
  TensorSpec(shape=(), dtype=tf.float32, name=None)
Captures:
  None

Input Parameters:
  x (POSITIONAL_OR_KEYWORD): List[Literal[1], Literal[-1]]
Output Type:
  TensorSpec(shape=(2,), dtype=tf.float32, name=None)
Captures:
  None

Input Parameters:
  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(2,), dtype=tf.float32, name=None)
Output Type:
  TensorSpec(shape=(2,), dtype=tf.float32, name=None)
Captures:
  None"""


def test_a_captured_variable_is_listed_in_the_captures():
    # TensorFlow 2.21 lists a captured Variable as "<id>: TensorSpec(shape=(),
    # dtype=tf.resource, name=None)"
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        return x * v

    assert f(tf.constant(2.0)).numpy() == 2.0
    assert f.pretty_printed_concrete_signatures().endswith(
        "Captures:\n  %d: TensorSpec(shape=(), dtype=tf.resource, name=None)" % id(v))
