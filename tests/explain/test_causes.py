"""One test per reason explain gives for a None gradient: the category, the
user file:line it names, and the op when an op is to blame."""
import os

import numpy as np
import pytest

import gradtape as tf
from ._lines import site_is

HERE = __file__


def only(explanation):
    (reason,) = explanation.reasons
    return reason


def test_tensor_never_watched():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:  # @unwatched
        y = x * x
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "not_watched"
    assert site_is(r, HERE, "unwatched")
    assert "tape.watch" in r.fix and "Variable" in r.fix


def test_never_watched_comes_first_when_its_product_with_a_variable_escapes():
    x, w = tf.constant(3.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:  # @unwatched_first
        y = tf.constant(np.sin((x * w).numpy())) * w
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "not_watched"
    assert site_is(r, HERE, "unwatched_first")


def test_variable_not_trainable():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * 3.0  # @untrainable
    assert tape.gradient(y, v) is None
    r = only(tape.explain(y, v))
    assert r.category == "not_trainable"
    assert site_is(r, HERE, "untrainable")
    assert "trainable=True" in r.fix


def test_tape_not_watching_accessed_variables():
    v = tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * 3.0  # @noautowatch
    assert tape.gradient(y, v) is None
    r = only(tape.explain(y, v))
    assert r.category == "variable_not_watched"
    assert site_is(r, HERE, "noautowatch")
    assert "watch_accessed_variables" in r.message


def test_integer_dtype():
    x = tf.constant(10)
    with tf.GradientTape() as tape:
        with pytest.warns(UserWarning, match="int32"):
            tape.watch(x)  # @intwatch
        y = x * x
    r = only(tape.explain(y, x))
    assert r.category == "integer_dtype"
    assert "int32" in r.message
    assert site_is(r, HERE, "intwatch")


def test_used_only_in_python_condition():
    x = tf.Variable(1.0)
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        if x > 0.0:  # @condition
            y = w * 2.0
        else:
            y = w * 3.0
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "python_condition"
    assert r.op == "greater"
    assert site_is(r, HERE, "condition")


@pytest.mark.parametrize("leave", ["numpy", "asarray", "float", "np_function"])
def test_path_leaves_the_tape(leave):
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        h = x * x
        if leave == "numpy":
            v = h.numpy()  # @numpy
        elif leave == "asarray":
            v = np.asarray(h)  # @asarray
        elif leave == "float":
            v = float(tf.reduce_sum(h))  # @float
        else:
            v = np.tanh(h)  # @np_function
        y = tf.reduce_sum(tf.constant(v) * 2.0)
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "left_tape"
    assert site_is(r, HERE, leave)


@pytest.mark.parametrize("op, make", [
    ("floor", lambda x: tf.floor(x)),  # @floor
    ("round", lambda x: tf.round(x)),  # @round
    ("cast", lambda x: tf.cast(tf.cast(x, tf.int32), tf.float32)),  # @cast
    ("greater", lambda x: tf.cast(x > 1.0, tf.float32)),  # @greater
    ("stop_gradient", lambda x: tf.stop_gradient(x)),  # @stop_gradient
])
def test_path_crosses_non_differentiable_op(op, make):
    x = tf.Variable([0.5, 1.5])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(make(x) * 3.0)
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "non_differentiable_op"
    assert r.op == op and f"'{op}'" in r.message
    assert site_is(r, HERE, op)


def test_computed_outside_the_with_block():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:  # @with
        pass
    y = x * x
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "outside_tape"
    assert "after the with block" in r.message
    assert site_is(r, HERE, "with")


def test_computed_inside_stop_recording():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():  # @pause
            y = x * x
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "stop_recording"
    assert site_is(r, HERE, "pause")


def test_python_name_rebound():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        x = x + 1.0  # @rebound
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "rebound"
    assert r.op == "add"
    assert site_is(r, HERE, "rebound")


def test_value_read_from_variable_after_assign():
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        x1.assign(x0 * 2.0)  # @assign
        y = x1 * x1
    assert tape.gradient(y, x0) is None
    r = only(tape.explain(y, x0))
    assert r.category == "variable_state"
    assert "assign" in r.message
    assert site_is(r, HERE, "assign")


def test_tape_already_used():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x).numpy() == 4.0  # @first_gradient
    with pytest.raises(RuntimeError):
        tape.gradient(y, x)
    r = only(tape.explain(y, x))
    assert r.category == "tape_used"
    assert "persistent=True" in r.fix
    assert site_is(r, HERE, "first_gradient")


def test_tape_reset():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x
        tape.reset()  # @reset
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "tape_reset"
    assert site_is(r, HERE, "reset")


def test_target_does_not_depend_on_source():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        c = a * b
        y = a * 3.0  # @target
    assert tape.gradient(y, b) is None
    r = only(tape.explain(y, b))
    assert r.category == "unconnected"
    assert "not on the path" in r.message
    assert site_is(r, HERE, "target")


def test_connected_source_is_reported_as_flowing():
    a = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.sin(a)
    assert tape.gradient(y, a) is not None
    r = only(tape.explain(y, a))
    assert r.category == "connected" and r.ok


def test_nested_sources_keep_their_structure():
    a, b = tf.Variable(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        y = a * 2.0
    e = tf.explain(tape, [y], {"a": a, "pair": (b, a)})
    assert e.structured["a"].category == "connected"
    assert e.structured["pair"][0].category == "not_watched"
    assert [r.category for r in e] == ["connected", "not_watched", "connected"]
    assert "not_watched" not in str(e) and "never watched" in str(e)


def test_explain_rejects_non_tensor_sources():
    with tf.GradientTape() as tape:
        pass
    with pytest.raises(TypeError, match="explain: sources"):
        tape.explain(tf.constant(1.0), [1.0])


def test_every_category_is_documented():
    from gradtape.explain import CATEGORIES
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "docs", "debugging.md")) as f:
        text = f.read()
    for name in CATEGORIES:
        assert f"`{name}`" in text, name


def test_truth_value_of_a_derived_tensor():
    x = tf.Variable(2.0)
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        h = x - 1.0
        if h:  # @truth
            y = w * 2.0
    r = only(tape.explain(y, x))
    assert r.category == "python_condition"
    assert site_is(r, HERE, "truth")


def test_part_computed_inside_stop_recording():
    x = tf.Variable(2.0)
    other = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        z = other * 2.0
        with tape.stop_recording():  # @half_paused
            h = x * 2.0
        y = h * 3.0
    assert tape.gradient(y, x) is None
    r = only(tape.explain(y, x))
    assert r.category == "stop_recording"
    assert site_is(r, HERE, "half_paused")


def test_unrelated_pause_does_not_hide_the_real_reason():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            pass
        y = a * 3.0
    assert only(tape.explain(y, b)).category == "unconnected"


def test_zero_gradient_names_the_op_that_zeroes_it():
    x = tf.Variable([-1.0, -2.0])
    with tf.GradientTape(persistent=True) as tape:
        h = tf.nn.relu(x * 2.0)  # @relu
        y = tf.reduce_sum(h)
    assert not tape.gradient(y, x).numpy().any()
    r = only(tape.explain(y, x))
    assert r.category == "zero_gradient"
    assert r.op == "relu"
    assert site_is(r, HERE, "relu")
