"""Checkpoint: round trip, atomic writes under a crash, all-or-nothing reads."""
import os

import numpy as np
import pytest

import gradtape as tf
from gradtape import layers


def make_model(seed=0):
    tf.random.set_seed(seed)
    model = layers.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(2)])
    model(np.zeros((1, 3), np.float32))
    return model


def train_steps(model, opt, steps, seed=1):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = rng.standard_normal((8, 3)).astype(np.float32)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - 1.0) ** 2)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))


def values(variables):
    return [v.numpy().copy() for v in variables]


def test_round_trip_restores_model_and_optimizer_state(tmp_path):
    model, opt = make_model(), tf.optimizers.Adam(0.05)
    train_steps(model, opt, 3)
    path = tf.Checkpoint(model=model, optimizer=opt).write(tmp_path / "ckpt.npz")
    saved_model, saved_opt = values(model.variables), values(opt.variables)

    train_steps(model, opt, 2, seed=7)           # move away from the saved state
    tf.Checkpoint(model=model, optimizer=opt).read(path)
    for got, want in zip(values(model.variables) + values(opt.variables), saved_model + saved_opt):
        np.testing.assert_array_equal(got, want)
    assert int(opt.iterations) == 3


def test_restored_training_continues_exactly(tmp_path):
    model, opt = make_model(), tf.optimizers.Adam(0.05)
    train_steps(model, opt, 3)
    path = tf.Checkpoint(model=model, optimizer=opt).write(tmp_path / "ckpt.npz")
    train_steps(model, opt, 2, seed=9)
    expected = values(model.variables)

    fresh_model, fresh_opt = make_model(seed=123), tf.optimizers.Adam(0.05)
    fresh_opt.build(fresh_model.trainable_variables)
    tf.Checkpoint(model=fresh_model, optimizer=fresh_opt).read(path)
    train_steps(fresh_model, fresh_opt, 2, seed=9)
    for got, want in zip(values(fresh_model.variables), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_a_crash_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    model = make_model()
    path = tmp_path / "ckpt.npz"
    tf.Checkpoint(model=model).write(path)
    before = path.read_bytes()

    for v in model.variables:
        v.assign(np.full(v.shape, 9.0, np.float32))
    real_write = np.lib.format.write_array
    calls = []

    def crash_on_third(fp, array, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write(fp, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", crash_on_third)
    with pytest.raises(OSError, match="disk full"):
        tf.Checkpoint(model=model).write(path)
    monkeypatch.undo()
    assert len(calls) == 3                       # two arrays were written before the crash
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]   # no temporary file left behind
    tf.Checkpoint(model=model).read(path)
    assert not np.any(model.variables[0].numpy() == 9.0)


def test_missing_variable_is_a_clear_error_and_nothing_is_restored(tmp_path):
    small = layers.Sequential([layers.Dense(4)])
    small(np.zeros((1, 3), np.float32))
    path = tf.Checkpoint(model=small).write(tmp_path / "small.npz")
    model = make_model()
    before = values(model.variables)
    with pytest.raises(ValueError, match=r"missing: 'model/layers/1/kernel'"):
        tf.Checkpoint(model=model).read(path)
    for got, want in zip(values(model.variables), before):
        np.testing.assert_array_equal(got, want)


def test_shape_mismatch_is_a_clear_error(tmp_path):
    path = tf.Checkpoint(model=make_model()).write(tmp_path / "a.npz")
    other = layers.Sequential([layers.Dense(5, activation="tanh"), layers.Dense(2)])
    other(np.zeros((1, 3), np.float32))
    before = values(other.variables)
    with pytest.raises(ValueError, match=r"'model/layers/0/kernel'.*shape \(3, 5\).*shape \(3, 4\)"):
        tf.Checkpoint(model=other).read(path)
    for got, want in zip(values(other.variables), before):
        np.testing.assert_array_equal(got, want)


def test_values_without_a_variable_wait_for_it(tmp_path):
    model, opt = make_model(), tf.optimizers.Adam()
    train_steps(model, opt, 1)
    path = tf.Checkpoint(model=model, optimizer=opt).write(tmp_path / "c.npz")
    unbuilt = tf.optimizers.Adam()
    status = tf.Checkpoint(model=model, optimizer=unbuilt).read(path)
    with pytest.raises(AssertionError, match=r"optimizer/momentum/model/layers/0/bias.*build"):
        status.assert_consumed()
    unbuilt.build(model.trainable_variables)
    status.assert_consumed()
    for got, want in zip(values(unbuilt.variables), values(opt.variables)):
        np.testing.assert_array_equal(got, want)


def test_dtype_mismatch_is_an_error(tmp_path):
    path = tf.Checkpoint(v=tf.Variable([1.0, 2.0])).write(tmp_path / "v.npz")
    with pytest.raises(ValueError, match="float64 of shape \\(2,\\), the file holds float32"):
        tf.Checkpoint(v=tf.Variable(np.array([0.0, 0.0]))).read(path)


def test_missing_and_corrupt_files(tmp_path):
    ckpt = tf.Checkpoint(v=tf.Variable(1.0))
    with pytest.raises(FileNotFoundError, match="no checkpoint file"):
        ckpt.read(tmp_path / "absent.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        ckpt.read(bad)


def test_objects_are_checked():
    with pytest.raises(ValueError, match="keyword arguments"):
        tf.Checkpoint()
    with pytest.raises(TypeError, match="cannot save thing=int"):
        tf.Checkpoint(thing=3).write("unused.npz")


def test_colliding_keys_are_an_error():
    m = tf.Module()
    m.d = {"a/b": tf.Variable(1.0), "a": {"b": tf.Variable(2.0)}}
    with pytest.raises(ValueError, match="under the key 'm/d/a/b'"):
        tf.Checkpoint(m=m).write("unused.npz")
