"""A trainable Variable assigned inside a tape is watched, as in TensorFlow:
``watched_variables()`` lists it (a non-trainable one, one created inside the
tape, or any under ``watch_accessed_variables=False`` are not)."""
import gradtape as tf


def test_assigned_variables_are_watched():
    a, b, c = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b"), tf.Variable(3.0, name="c")
    frozen = tf.Variable(1.0, trainable=False, name="frozen")
    count = tf.Variable(1, name="count")
    with tf.GradientTape() as tape:
        a.assign(5.0)
        b.assign_add(1.0)
        c.assign_sub(1.0)
        frozen.assign(2.0)
        count.assign_add(1)
        tf.Variable(4.0, name="created")
    # TensorFlow 2.21: ['a:0', 'b:0', 'c:0', 'count:0']
    assert [v.name for v in tape.watched_variables()] == ["a:0", "b:0", "c:0", "count:0"]


def test_assigned_then_read_gives_the_gradient():
    a = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        a.assign(5.0)
        y = a * 2.0
    assert tape.gradient(y, a).numpy() == 2.0


def test_no_auto_watch_means_assignments_are_not_watched_either():
    a = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        a.assign(5.0)
    assert tape.watched_variables() == ()
