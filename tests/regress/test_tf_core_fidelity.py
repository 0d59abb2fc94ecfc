"""GradientTape, Variable and related core semantics as TensorFlow 2.21 eager.

Each expected value or error below was printed by TensorFlow 2.21.
"""
import pytest

import gradtape as tf


# -- each read of a Variable is a tensor of its own ---------------------------

def test_gradient_with_respect_to_each_of_two_reads():
    # TensorFlow 2.21: [12.0, 4.0, 8.0] (gradtape gave 12.0 for every read)
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = x.read_value()
        b = x.value()
        y = a * b * b
    got = tape.gradient(y, [x, a, b])
    assert [float(g) for g in got] == [12.0, 4.0, 8.0]


def test_a_read_taken_before_the_tape_is_its_own_source():
    # TensorFlow 2.21: [2.0, 2.0] (gradtape gave [4.0, 4.0])
    x = tf.Variable(2.0)
    a = x.read_value()
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = a * x
    assert [float(g) for g in tape.gradient(y, [a, x])] == [2.0, 2.0]


def test_a_read_before_an_assign_is_a_source_of_its_own():
    # TensorFlow 2.21: a = 2.0; gradients [7.0, 5.0] (gradtape gave 7.0 for a)
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = x.read_value()
        x.assign(5.0)
        y = a * x
    assert float(a) == 2.0
    assert [float(g) for g in tape.gradient(y, [x, a])] == [7.0, 5.0]


@pytest.mark.parametrize("trainable", [True, False])
def test_watching_a_read_does_not_watch_the_variable(trainable):
    # TensorFlow 2.21: [2.0, None] (gradtape gave [4.0, 4.0])
    x = tf.Variable(2.0, trainable=trainable)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        a = x.read_value()
        tape.watch(a)
        y = a * x
    ga, gx = tape.gradient(y, [a, x])
    assert float(ga) == 2.0 and gx is None


def test_a_read_carries_its_tangent():
    # TensorFlow 2.21: jvp(a) = 1.0, jvp(a * x) = 4.0
    x = tf.Variable(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        a = x.read_value()
        y = a * x
    assert float(acc.jvp(a)) == 1.0 and float(acc.jvp(y)) == 4.0


# -- GradientTape.reset ---------------------------------------------------------

def test_reset_outside_the_context_raises():
    # TensorFlow 2.21: ValueError 'Tape is not recording.'
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    with pytest.raises(ValueError, match="Tape is not recording"):
        tape.reset()
    assert float(tape.gradient(y, x)) == 4.0  # the recording is kept


# -- Variable updates -------------------------------------------------------------

@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_read_value_false_returns_none(method):
    # TensorFlow 2.21: None, and the update is made (assign_add: 3.0)
    v = tf.Variable(1.0)
    assert getattr(v, method)(2.0, read_value=False) is None
    assert float(v) == {"assign": 2.0, "assign_add": 3.0, "assign_sub": -1.0}[method]


@pytest.mark.parametrize("update", ["v += 1.0", "v -= 1.0", "v *= 2.0", "v /= 2.0",
                                    "v **= 2.0"])
def test_augmented_assignment_to_a_variable_raises(update):
    # TensorFlow 2.21: RuntimeError "`variable += value` with `tf.Variable`s is not supported..."
    v = tf.Variable(2.0)
    with pytest.raises(RuntimeError, match="with `tf.Variable`s is not supported"):
        exec(update, {"v": v})
    assert float(v) == 2.0


def test_len_of_a_variable_raises_but_iteration_works():
    # TensorFlow 2.21: TypeError for len(); list(v) gives the rows
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="has no len"):
        len(v)
    assert [r.numpy().tolist() for r in v] == [[1.0, 2.0], [3.0, 4.0]]
