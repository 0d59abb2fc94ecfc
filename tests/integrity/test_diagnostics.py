"""Tape text and graphs for long tapes, bad targets, unique Variable names."""
import pytest

import gradtape as tf


def long_tape(n):
    x = tf.Variable(1.0, name="x")
    with tf.GradientTape(persistent=True) as tape:
        y = x
        for _ in range(n):
            y = y * 1.0001
    return tape, y


def test_every_intermediate_gets_its_own_number_in_order():
    tape, y = long_tape(300)
    lines = tape.summary(y).splitlines()[1:]
    assert len(lines) == 300
    # inputs are named before outputs; the constant 1.0001 is one shared tensor
    assert lines[0].startswith("  %1:f32[] = multiply('x:0':f32[], %0:f32[])")
    assert lines[-1].startswith("  %300:f32[] = multiply(%299:f32[], %0:f32[])")


def test_the_dot_graph_has_every_op_once():
    tape, y = long_tape(200)
    dot = tape.to_dot(y)
    assert dot.count("shape=ellipse") == 200
    assert dot.count("fillcolor=\"lightblue\"") == 1       # the watched source


@pytest.mark.parametrize("how", ["summary", "to_dot"])
@pytest.mark.parametrize("target", [3, "y", [None]])
def test_a_target_that_is_not_a_tensor_is_a_clear_error(how, target):
    tape, _ = long_tape(2)
    with pytest.raises(TypeError, match=f"tape.{how}: targets must be tensors"):
        getattr(tape, how)(target)


def test_unnamed_variables_are_all_named_variable_as_in_tensorflow():
    # TensorFlow 2.21's eager names are not made unique
    assert {tf.Variable(float(i)).name for i in range(5)} == {"Variable:0"}
    assert tf.Variable(1.0, name="w").name == "w:0"


def test_explanations_tell_unnamed_variables_apart():
    a, b = tf.Variable(1.0), tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = a * b
    text = str(tape.explain(y, [a, b]))
    assert f"Variable 'Variable:0' (id={a._uid}): the gradient flows" in text
    assert f"Variable 'Variable:0' (id={b._uid}): the Variable was created with trainable=False" in text
    assert "Variable 'w:0':" in str(tape.explain(y, tf.Variable(1.0, name="w")))
