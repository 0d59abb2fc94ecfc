"""The C ``TapeRecorder.record`` (``gradtape/_core/_record.c``) against its Python
reference: every program here records the same entries both ways (op, inputs,
what is saved, output, parameters, user site), and the same gradients."""
import numpy as np
import pytest

import gradtape as tf
from gradtape._core import reverse, sites
from gradtape._core.reverse import Meta, TapeRecorder

pytestmark = pytest.mark.skipif(not reverse.C_RECORD, reason="the C record was not built")


def _chain(x, w, v):
    return tf.tanh(tf.sin(x) * 1.01 + 0.1)


def _mlp(x, w, v):
    h = tf.nn.relu(tf.matmul(x, w) + v)
    return tf.reduce_mean(tf.square(h - 1.0))


def _mixed(x, w, v):
    # integer and bool outputs (cuts), a multi-output op, a gradient-less op, complex
    i = tf.argmax(x, axis=-1)
    parts = tf.unstack(w, axis=0)
    r = tf.round(x) * x
    z = tf.complex(x, x)
    return (tf.reduce_sum(tf.gather(w, i)) + tf.reduce_sum(parts[0]) + tf.reduce_sum(r)
            + tf.math.real(tf.reduce_sum(z * z)) + tf.reduce_sum(v))


def _stopped(x, w, v):
    y = tf.stop_gradient(x * 2.0) * w[0, 0]
    return tf.reduce_sum(y * v[0])


def _custom(x, w, v):
    @tf.custom_gradient
    def clip(t):
        def grad(dy):
            return tf.clip_by_value(dy, -0.5, 0.5)
        return tf.identity(t), grad
    return tf.reduce_sum(clip(x * w[0, 0]) + v[0])


def _float64(x, w, v):
    a = tf.cast(x, tf.float64)
    return tf.reduce_sum(tf.exp(a) / (1.0 + a * a)) + tf.cast(tf.reduce_sum(v), tf.float64)


PROGRAMS = [_chain, _mlp, _mixed, _stopped, _custom, _float64]


def _inputs():
    rng = np.random.default_rng(0)
    return (tf.constant(rng.standard_normal((3, 2)).astype(np.float32)),
            tf.Variable(rng.standard_normal((2, 2)).astype(np.float32)),
            tf.Variable(rng.standard_normal(2).astype(np.float32)))


def _normalized(entries):
    """The entries with ids replaced by the order in which they first appear."""
    ids = {}

    def uid(u):
        return ids.setdefault(u, len(ids))

    def saved(s):
        return ("meta", s.shape, s.dtype) if type(s) is Meta else ("tensor", uid(s._uid))
    rows = []
    for op, ins, kept, outs, ans, params, out_meta, code, lasti in entries:
        rows.append((op.name, tuple(uid(u) for u in ins), tuple(saved(s) for s in kept),
                     tuple(uid(u) for u in outs) if type(outs) is tuple else uid(outs),
                     ans is not None, sorted(params), out_meta, code, lasti))
    return rows


def _run(program, python, monkeypatch, persistent=True):
    if python:
        monkeypatch.setattr(TapeRecorder, "record", TapeRecorder.python_record)
    x, w, v = _inputs()
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(x)
        y = program(x, w, v)
    rows = _normalized(tape._rec.entries)
    grads = [None if g is None else g.numpy() for g in tape.gradient(y, [x, w, v])]
    monkeypatch.undo()
    return rows, grads, tape._rec.notes


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_the_same_entries_and_gradients_as_the_python_record(program, monkeypatch):
    c_rows, c_grads, c_notes = _run(program, False, monkeypatch)
    py_rows, py_grads, py_notes = _run(program, True, monkeypatch)
    assert c_rows == py_rows
    assert len(c_notes) == len(py_notes)
    for a, b in zip(c_grads, py_grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_sites_are_the_user_lines_under_both(monkeypatch):
    rows = [_run(_chain, python, monkeypatch)[0] for python in (False, True)]
    codes = {row[7] for row in rows[0]}
    assert codes == {_chain.__code__} and rows[0] == rows[1]


@pytest.mark.parametrize("setting", ["no sites", "full stacks"])
def test_site_settings_are_followed(setting, monkeypatch):
    if setting == "no sites":
        monkeypatch.setattr(sites, "enabled", False)
    else:
        sites.keep_full_stacks(True)
    try:
        x, w, v = _inputs()
        with tf.GradientTape() as tape:
            y = _mlp(x, w, v)
        entries = list(tape._rec.entries)
        stacks = dict(tape._rec.stacks)
    finally:
        sites.keep_full_stacks(False)
    if setting == "no sites":
        assert {(e[7], e[8]) for e in entries} == {(None, None)}
    else:
        assert sorted(stacks) == list(range(len(entries)))
        assert {e[7] for e in entries} == {_mlp.__code__}


def test_nested_tapes_give_the_same_second_derivative(monkeypatch):
    def second(python):
        if python:
            monkeypatch.setattr(TapeRecorder, "record", TapeRecorder.python_record)
        x = tf.constant([0.3, -1.2])
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.sin(x) * x * x)
            g = inner.gradient(y, x)
        result = outer.gradient(g, x).numpy()
        monkeypatch.undo()
        return result
    np.testing.assert_array_equal(second(False), second(True))
    x = np.array([0.3, -1.2])  # d2/dx2 (x^2 sin x) = 2 sin x + 4x cos x - x^2 sin x
    np.testing.assert_allclose(second(False), 2 * np.sin(x) + 4 * x * np.cos(x)
                               - x * x * np.sin(x), rtol=1e-5)
