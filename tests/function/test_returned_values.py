"""What a compiled function returns on every call, not only the traced one.

Each case holds TensorFlow 2.21's values for the same program.
"""
import numpy as np

import gradtape as tf


def test_a_returned_assign_is_the_value_of_each_call():
    # TF: read_and_decrement() gives Tensors -0.1, -0.2, -0.3 (a replay once
    # returned the traced value, -0.1, on every call)
    v = tf.Variable(0.0)
    read_and_decrement = tf.function(lambda: v.assign_sub(0.1))
    got = [read_and_decrement() for _ in range(3)]
    assert all(type(g) is tf.Tensor for g in got)
    np.testing.assert_allclose([g.numpy() for g in got], [-0.1, -0.2, -0.3], rtol=1e-6)


def test_a_returned_variable_is_read_at_the_end_of_each_call():
    # TF: g() gives 1.0 then 2.0; h() gives {'w': 5.0, 'twice': 10.0} both times
    w = tf.Variable(0.0)

    @tf.function
    def g():
        w.assign_add(1.0)
        return w

    assert [g().numpy(), g().numpy()] == [1.0, 2.0]

    @tf.function
    def h():
        w.assign(5.0)
        return {"w": w, "twice": w * 2}

    first = h()
    w.assign(1.0)
    second = h()
    for out in (first, second):
        assert type(out["w"]) is tf.Tensor
        assert (out["w"].numpy(), out["twice"].numpy()) == (5.0, 10.0)


def test_a_returned_variable_follows_assignments_between_calls_and_has_a_gradient():
    w = tf.Variable(3.0)
    g3 = tf.function(lambda: w)
    assert g3().numpy() == 3.0
    w.assign(10.0)
    assert g3().numpy() == 10.0
    with tf.GradientTape() as tape:  # TF: 2.0
        y = g3() * 2
    assert tape.gradient(y, w).numpy() == 2.0


def test_py_function_runs_its_python_body_on_every_call():
    # TF: 2.0, 3.0, 4.0; the body ran 3 times; traced once
    calls = []

    def body(x):
        calls.append(1)
        return x * len(calls)

    @tf.function
    def f(x):
        return tf.py_function(body, [x], tf.float32) + 1

    x = tf.constant(1.0)
    assert [f(x).numpy() for _ in range(3)] == [2.0, 3.0, 4.0]
    assert len(calls) == 3
    assert f.experimental_get_tracing_count() == 1


def test_py_function_body_runs_eagerly_and_may_read_values():
    # TF: 1.682942, 1.8185949; executing_eagerly() is True in the body
    seen = []

    def body(x):
        seen.append(tf.executing_eagerly())
        return tf.constant(np.sin(x.numpy()))

    f = tf.function(lambda x: tf.py_function(body, [x], tf.float32) * 2)
    got = [f(tf.constant(1.0)).numpy(), f(tf.constant(2.0)).numpy()]
    np.testing.assert_allclose(got, [1.682942, 1.8185949], rtol=1e-6)
    assert seen == [True, True]


def test_printing_a_tensor_while_tracing_does_not_tie_the_program_to_its_value(capsys):
    # TensorFlow's tf.function docstring: f(1, c(1)) traces, f(1, c(2)) replays,
    # f(2, c(1)) traces (a new Python value), f(2, c(2)) replays: two traces
    @tf.function
    def f(a, b):
        print("tracing with a =", a, "and b =", b)
        return b

    got = [f(1, tf.constant(1)), f(1, tf.constant(2)), f(2, tf.constant(1)), f(2, tf.constant(2))]
    assert [g.numpy() for g in got] == [1, 2, 1, 2]
    assert f.experimental_get_tracing_count() == 2
    assert capsys.readouterr().out.count("tracing with") == 2
