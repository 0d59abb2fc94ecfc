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


def test_the_guides_functions_give_tensorflows_values(capsys):
    # TensorFlow 2.21: [[12.]] both ways, relu branches 1 and 0, MSE 34 (int32) with and
    # without run_functions_eagerly, "Calculating MSE!" once when compiled and
    # three times eagerly, and 6, 11, 6, 11 with 3 traces
    def a_regular_function(x, y, b):
        return tf.matmul(x, y) + b

    x1, y1, b1 = tf.constant([[1.0, 2.0]]), tf.constant([[2.0], [3.0]]), tf.constant(4.0)
    assert tf.function(a_regular_function)(x1, y1, b1).numpy().tolist() == [[12.0]]

    def simple_relu(x):
        if tf.greater(x, 0):
            return x
        return 0

    tf_simple_relu = tf.function(simple_relu)
    assert tf_simple_relu(tf.constant(1)).numpy() == 1
    assert tf_simple_relu(tf.constant(-1)).numpy() == 0

    @tf.function
    def get_MSE(y_true, y_pred):
        print("Calculating MSE!")
        return tf.reduce_mean(tf.pow(y_true - y_pred, 2))

    y_true, y_pred = tf.constant([1, 9, 4, 2, 7]), tf.constant([3, 0, 8, 8, 1])
    for _ in range(3):
        assert get_MSE(y_true, y_pred).numpy() == 34
    tf.config.run_functions_eagerly(True)
    try:
        for _ in range(3):
            assert get_MSE(y_true, y_pred).numpy() == 34
    finally:
        tf.config.run_functions_eagerly(False)
    assert capsys.readouterr().out.count("Calculating MSE!") == 4

    @tf.function
    def a_function_with_python_side_effect(x):
        return x * x + tf.constant(2)

    f = a_function_with_python_side_effect
    assert [int(f(tf.constant(2))), int(f(tf.constant(3))), int(f(2)), int(f(3))] == \
        [6, 11, 6, 11]
    assert f.experimental_get_tracing_count() == 3
