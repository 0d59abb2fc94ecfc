"""The seed notebook's "cases when gradient returns None", each explained."""
import numpy as np
import pytest

import gradtape as tf
from ._lines import site_is

HERE = __file__


def test_control_flow_condition_and_untaken_branch():
    x = tf.Variable(-1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > 0.0:  # @if
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    assert dv0 is None and dv1.numpy() == 4.0
    rx, r0, r1 = tape.explain(result, [x, v0, v1])
    assert rx.category == "python_condition" and site_is(rx, HERE, "if")
    assert r0.category == "unconnected" and "never read" in r0.message
    assert r1.category == "connected"
    # a Variable made after the tape recorded is not connected either
    x = tf.Variable(1.0)
    assert tape.gradient(result, x) is None
    assert tape.explain(result, x).reasons[0].category == "unconnected"


def test_condition_between_variables():
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > y:  # @xy
            z = x ** 2
        else:
            z = y ** 3
    gx, gy = tape.gradient(z, [x, y])
    assert gx is None and gy.numpy() == 27.0
    rx, ry = tape.explain(z, [x, y])
    assert rx.category == "python_condition" and site_is(rx, HERE, "xy")
    assert ry.category == "connected"


def test_target_not_connected_to_source():
    x, y = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y * y
    assert tape.gradient(z, x) is None
    assert tape.explain(z, x).reasons[0].category == "unconnected"


def test_variable_replaced_by_tensor():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        for _ in range(2):
            y = x * x
            x = x + 1.0  # @replaced
    assert tape.gradient(y, x) is None
    r = tape.explain(y, x).reasons[0]
    assert r.category == "rebound" and r.op == "add"
    assert site_is(r, HERE, "replaced")


def test_calculation_outside_gradtape_with_numpy():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        x2 = x**2
        y = np.mean(x2, axis=0)  # @np_mean
        y = tf.reduce_mean(y, axis=0)
    assert tape.gradient(y, x) is None
    r = tape.explain(y, x).reasons[0]
    assert r.category == "left_tape" and "NumPy" in r.message
    assert site_is(r, HERE, "np_mean")


def test_gradient_through_an_integer():
    x = tf.constant(10)
    with tf.GradientTape() as g:
        with pytest.warns(UserWarning, match="int32"):
            g.watch(x)  # @int
        y = x * x
    with pytest.warns(UserWarning, match="int32"):
        assert g.gradient(y, x) is None
    r = g.explain(y, x).reasons[0]
    assert r.category == "integer_dtype" and site_is(r, HERE, "int")


def test_gradient_through_a_stateful_object():
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        x1.assign_add(x0)  # @state
        y = x1**2
    assert tape.gradient(y, x0) is None
    r = tape.explain(y, x0).reasons[0]
    assert r.category == "variable_state" and "assign_add" in r.message
    assert site_is(r, HERE, "state")


def test_variable_returned_as_the_target():
    x = tf.Variable(1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    assert tape.gradient(result, v1) is None
    r0, r1 = tape.explain(result, [v0, v1])
    assert r0.category == "connected"
    assert r1.category == "unconnected"
