"""check_numerics names the op whose VJP makes the first NaN/Inf, and its line."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.debugging import NonFiniteGradientError
from ._lines import marked

HERE = __file__


def test_log_of_zero():
    x = tf.Variable([0.0, 1.0, 2.0])
    with np.errstate(divide="ignore"):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.math.log(x) * 2.0)  # @log
    with tf.debugging.check_numerics():
        with pytest.raises(NonFiniteGradientError) as info:
            tape.gradient(y, x)
    err = info.value
    assert err.op == "log" and not err.where_trap
    assert str(err.site).endswith(marked(HERE, "log"))
    assert "'log'" in str(err) and marked(HERE, "log") in str(err)


def test_where_trap_is_recognised():
    x = tf.Variable([-1.0, 0.0, 4.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        with tf.GradientTape(persistent=True) as tape:
            y = tf.reduce_sum(tf.where(x > 0.0, tf.math.log(x), 0.0))  # @trap
    with tf.debugging.check_numerics():
        with pytest.raises(NonFiniteGradientError) as info:
            tape.gradient(y, x)
    err = info.value
    assert err.op == "log" and err.where_trap
    assert str(err.site).endswith(marked(HERE, "trap"))
    assert "where trap" in str(err) and "safe_x = tf.where" in str(err)
    # without the check the trap gives NaN silently, as in TensorFlow: [-0, nan, 0.25]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = tape.gradient(y, x).numpy()
    assert g[0] == 0.0 and np.isnan(g[1]) and g[2] == pytest.approx(0.25)


def test_sqrt_is_no_trap_as_in_tensorflow():
    # TensorFlow's SqrtGrad gives 0 where the cotangent is 0: gradient [0, 0, 0.25]
    x = tf.Variable([-1.0, 0.0, 4.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.where(x > 0.0, tf.sqrt(x), 0.0))
    with tf.debugging.check_numerics():
        g = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.25])


def test_the_safe_rewrite_passes_the_check():
    x = tf.Variable([-1.0, 0.0, 4.0])
    with tf.GradientTape() as tape:
        positive = x > 0.0
        safe_x = tf.where(positive, x, tf.ones_like(x))
        y = tf.reduce_sum(tf.where(positive, tf.sqrt(safe_x), 0.0))
    with tf.debugging.check_numerics():
        g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, [0.0, 0.0, 0.25])


def test_check_is_off_outside_the_context():
    tape = tf.GradientTape()
    with tf.debugging.check_numerics():
        assert tf.debugging.checking_numerics()
        assert tf.debugging.numerics_checker(tape._rec) is not None
    assert not tf.debugging.checking_numerics()
    assert tf.debugging.numerics_checker(tape._rec) is None


def test_enable_and_disable_leave_a_block_checking():
    tf.debugging.enable_check_numerics()
    try:
        with tf.debugging.check_numerics():
            tf.debugging.disable_check_numerics()
            assert tf.debugging.checking_numerics()
    finally:
        tf.debugging.disable_check_numerics()
    assert not tf.debugging.checking_numerics()


def test_debug_mode_keeps_the_full_stack():
    def model(v):
        return tf.sin(v) * 2.0  # @inner

    tf.debugging.set_debug_mode(True)
    try:
        x = tf.Variable(1.0)
        with tf.GradientTape() as tape:
            y = model(x)  # @outer
    finally:
        tf.debugging.set_debug_mode(False)
    assert not tf.debugging.debug_mode()
    text = tape.summary()
    assert marked(HERE, "inner") in text
    stack = "".join(str(s) for s in tape._rec.stacks[0].format())
    line_outer = marked(HERE, "outer").split(":")[1]
    assert f"line {line_outer}" in stack and "model" in stack


def test_check_numerics_on_a_tensor_like_tensorflow():
    t = tf.constant([1.0, 2.0])
    assert tf.debugging.check_numerics(t, "ok") is t
    with pytest.raises(tf.errors.InvalidArgumentError, match="weights : Tensor had NaN"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "weights")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tensor had Inf"):
        tf.debugging.check_numerics(tf.constant([np.inf]), "w")


def test_enable_check_numerics_globally():
    x = tf.Variable([0.0])
    with np.errstate(divide="ignore"):
        with tf.GradientTape() as tape:
            y = tf.math.log(x)
    tf.debugging.enable_check_numerics()
    try:
        with pytest.raises(NonFiniteGradientError, match="'log'"):
            tape.gradient(y, x)
    finally:
        tf.debugging.disable_check_numerics()
