"""tf.cond, tf.while_loop, Python control flow on tensors and tf.print, eagerly
and compiled (numbers and printed text from TensorFlow 2.21)."""
import sys

import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients


def test_cond_runs_the_branch_taken_and_its_gradient_flows():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.cond(x > 2.0, lambda: x * x, lambda: x * 10.0)
    assert float(tape.gradient(y, x)) == 6.0  # TensorFlow: 6
    assert tf.cond(True, lambda: 1, lambda: 2) == 1


def test_cond_gradient_against_central_differences():
    check_gradients(lambda x: tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x) * x,
                                      lambda: tf.exp(x)), [np.array([0.3, 0.9])])
    check_gradients(lambda x: tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x) * x,
                                      lambda: tf.exp(x)), [np.array([-0.3, -0.9])])


@pytest.mark.parametrize("args, error, what", [
    ((tf.constant([True, False]), lambda: 1, lambda: 2), ValueError, "one element"),
    ((tf.constant(True), lambda: 1), TypeError, "'false_fn' argument required"),
    ((tf.constant(True), 1, lambda: 2), TypeError, "'true_fn' must be callable"),
])
def test_cond_refuses_what_tensorflow_refuses(args, error, what):
    with pytest.raises(error, match=what):
        tf.cond(*args)


def test_a_compiled_cond_follows_the_predicate_on_every_call():
    g = tf.function(lambda x: tf.cond(x > 2.0, lambda: x * x, lambda: x * 10.0))
    assert [float(g(tf.constant(v))) for v in (3.0, 1.0, 4.0, 0.5)] == [9.0, 10.0, 16.0, 5.0]
    assert g.trace_count == 2  # one trace per branch


def test_while_loop_structures_as_tensorflow():
    (i,) = tf.while_loop(lambda i: i < 3, lambda i: [i + 1], [tf.constant(0)])
    assert int(i) == 3
    i, s = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2.0),
                         (tf.constant(0), tf.constant(1.0)), maximum_iterations=2)
    assert (int(i), float(s)) == (2, 4.0)
    [d] = tf.while_loop(lambda d: d["i"] < 3, lambda d: [{"i": d["i"] + 1}], [{"i": tf.constant(0)}])
    assert int(d["i"]) == 3
    (j,) = tf.while_loop(lambda j: j < 3, lambda j: [j + 1], [0], shape_invariants=[None])
    assert type(j) is tf.Tensor and j.dtype == tf.int32


@pytest.mark.parametrize("body, loop_vars, kwargs, error, what", [
    (lambda i: (i + 1, i), [tf.constant(0)], {}, ValueError, "same nested structure"),
    (lambda i: i + 1, [tf.constant(0)], {}, ValueError, "list or tuple"),
    (lambda i: [i + 1], tf.constant(1), {}, TypeError, "list or tuple"),
    (lambda i: [i + 1], [], {}, ValueError, "'loop_vars' must be provided"),
    (lambda i: [i + 1], [tf.constant(0)], {"maximum_iterations": [1, 2]}, ValueError,
     "'maximum_iterations' must be a scalar"),
])
def test_while_loop_refuses_what_tensorflow_refuses(body, loop_vars, kwargs, error, what):
    with pytest.raises(error, match=what):
        tf.while_loop(lambda *v: v[0] < 3, body, loop_vars, **kwargs)


def test_while_loop_gradient_flows_through_the_iterations_run():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        _, y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), (0, tf.constant(1.0)))
    assert float(tape.gradient(y, x)) == 12.0  # TensorFlow: 12
    check_gradients(lambda x: tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.sin(a) * x),
                                            (0, x))[1], [np.array([0.4, -0.7])])


def test_a_compiled_while_loop_runs_as_many_iterations_as_each_call_needs():
    @tf.function
    def w(n):
        _, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)),
                             (tf.constant(0), tf.constant(0.0)))
        return s
    assert [float(w(tf.constant(v))) for v in (3, 5, 3, 0)] == [3.0, 10.0, 3.0, 0.0]


def test_python_if_and_for_on_tensors_inside_a_function():
    @tf.function
    def f(x):
        total = tf.constant(0.0)
        for v in x:  # unrolled over the first dimension, fixed by the shape
            total += v * v
        if total > 10.0:
            return total
        return -total
    got = [float(f(tf.constant(v))) for v in ([1.0, 2.0], [3.0, 4.0], [1.0, 1.0, 1.0], [0.5, 0.5])]
    assert got == [-5.0, 25.0, -3.0, -0.5]


def test_tf_print_formats_as_tensorflow(capsys):
    out = sys.stdout
    tf.print("a", tf.constant([1.0, 2.5, 3.0]), tf.constant(3), tf.constant([[1, 2], [3, 4]]), 7,
             tf.constant(True), tf.constant(np.arange(10.0)), output_stream=out)
    tf.print(tf.constant(1.0), {"a": tf.constant(1)}, [1, tf.constant(2)], sep=",", end="!\n",
             output_stream=out)
    tf.print(tf.constant(1 / 3), tf.constant(1 / 3, tf.float64), tf.constant(1e20),
             tf.constant([np.nan, np.inf, -np.inf]), tf.constant(-2.5e-7), tf.constant(123456789.0),
             output_stream=out)
    tf.print(tf.constant(np.arange(24).reshape(2, 3, 4)), output_stream=out)
    tf.print(tf.constant(np.arange(64).reshape(8, 8)), output_stream=out)
    tf.print(tf.constant([True, False]), (1, tf.constant(2)), ["x", tf.constant(2.5)], 1.5, None,
             output_stream=out)
    assert capsys.readouterr().out == (
        "a [1 2.5 3] 3 [[1 2]\n [3 4]] 7 1 [0 1 2 ... 7 8 9]\n"
        "1,{'a': 1},[1, 2]!\n"
        "0.333333343 0.33333333333333331 1e+20 [nan inf -inf] -2.5e-07 123456792\n"
        "[[[0 1 2 3]\n  [4 5 6 7]\n  [8 9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n"
        "  [20 21 22 23]]]\n"
        "[[0 1 2 ... 5 6 7]\n [8 9 10 ... 13 14 15]\n [16 17 18 ... 21 22 23]\n ...\n"
        " [40 41 42 ... 45 46 47]\n [48 49 50 ... 53 54 55]\n [56 57 58 ... 61 62 63]]\n"
        "[1 0] (1, 2) ['x', 2.5] 1.5 None\n")


def test_tf_print_goes_to_stderr_by_default_and_to_a_function(capsys):
    tf.print("to", tf.constant(1))
    lines = []
    tf.print("logged", tf.constant([1, 2]), output_stream=lines.append)
    assert capsys.readouterr().err == "to 1\n"
    assert lines == ["logged [1 2]"]


def test_tf_print_prints_on_every_call_and_python_print_on_traces_only(capsys):
    @tf.function
    def f(x):
        print("traced", x.shape)
        tf.print("value", x, output_stream=sys.stdout)
        if x > 1.5:  # a branch that flips: the aborted replay prints nothing
            return x + 1.0
        return x - 1.0
    for v in (1.0, 1.25, 2.0, 3.0):
        f(tf.constant(v))
    assert capsys.readouterr().out == (
        "traced ()\nvalue 1\nvalue 1.25\ntraced ()\nvalue 2\nvalue 3\n")
