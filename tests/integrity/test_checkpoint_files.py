"""Checkpoint files: slots keyed by path, deferred restoration, directories,
hostile and foreign files, leftovers of killed writers, file modes."""
import os
import stat
import tracemalloc
import zipfile

import numpy as np
import pytest

import gradtape as tf
from gradtape import layers


def two_variables():
    return tf.Variable([1.0, 2.0], name="a"), tf.Variable([3.0, 4.0], name="b")


def test_slots_follow_their_variable_whatever_the_build_order(tmp_path):
    a, b = two_variables()
    holder = tf.Module()
    holder.a, holder.b = a, b
    opt = tf.optimizers.SGD(0.1, momentum=0.9)
    opt.apply_gradients([(tf.constant([1.0, 1.0]), a), (tf.constant([-5.0, -5.0]), b)])
    path = tf.Checkpoint(model=holder, optimizer=opt).write(tmp_path / "c.npz")

    a2, b2 = two_variables()
    holder2 = tf.Module()
    holder2.a, holder2.b = a2, b2
    opt2 = tf.optimizers.SGD(0.1, momentum=0.9)
    opt2.build([b2, a2])                      # the other order
    tf.Checkpoint(model=holder2, optimizer=opt2).read(path)
    np.testing.assert_allclose(opt2._slot("momentum", a2).numpy(), [-0.1, -0.1])
    np.testing.assert_allclose(opt2._slot("momentum", b2).numpy(), [0.5, 0.5])
    with np.load(path) as saved:
        assert "optimizer/momentum/model/a" in saved.files


def test_a_slot_of_a_variable_not_checkpointed_is_an_error(tmp_path):
    a, _ = two_variables()
    opt = tf.optimizers.Adam()
    opt.build([a])
    with pytest.raises(ValueError, match="slot for Variable 'a:0'.*add the model"):
        tf.Checkpoint(optimizer=opt).write(tmp_path / "c.npz")


def make_model(seed):
    tf.random.set_seed(seed)
    return layers.Sequential([layers.Dense(3, activation="tanh"), layers.Dense(1)])


def test_a_lazily_built_model_is_restored_when_it_builds(tmp_path):
    trained = make_model(0)
    trained(np.ones((1, 2), np.float32))
    path = tf.Checkpoint(model=trained).write(tmp_path / "m.npz")

    fresh = make_model(1)
    status = tf.Checkpoint(model=fresh).read(path)
    with pytest.raises(AssertionError, match="model/layers/0/kernel"):
        status.assert_consumed()
    fresh(np.ones((1, 2), np.float32))
    status.assert_consumed()
    for got, want in zip(fresh.variables, trained.variables):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_a_model_built_inside_a_compiled_step_is_restored_once(tmp_path):
    trained = make_model(0)
    trained(np.ones((1, 2), np.float32))
    path = tf.Checkpoint(model=trained).write(tmp_path / "m.npz")

    fresh = make_model(1)
    opt = tf.optimizers.SGD(0.5)
    tf.Checkpoint(model=fresh).read(path)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(fresh(x) ** 2)
        grads = tape.gradient(loss, fresh.trainable_variables)
        opt.apply_gradients(zip(grads, fresh.trainable_variables))

    step(tf.ones((1, 2)))
    after_one = [v.numpy() for v in fresh.variables]
    step(tf.ones((1, 2)))          # the replay updates; it never restores again
    assert any(not np.array_equal(v.numpy(), w) for v, w in zip(fresh.variables, after_one))


def test_a_deferred_value_of_the_wrong_shape_is_an_error_at_build(tmp_path):
    trained = make_model(0)
    trained(np.ones((1, 2), np.float32))
    path = tf.Checkpoint(model=trained).write(tmp_path / "m.npz")
    fresh = make_model(1)
    tf.Checkpoint(model=fresh).read(path)
    with pytest.raises(ValueError, match=r"(?s)deferred.*model/layers/0/kernel.*shape \(5, 3\)"):
        fresh(np.ones((1, 5), np.float32))


def test_expect_partial_returns_the_status(tmp_path):
    path = tf.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(tmp_path / "ab.npz")
    status = tf.Checkpoint(a=tf.Variable(0.0)).read(path)
    assert status.expect_partial() is status


def test_write_creates_missing_directories(tmp_path):
    target = tmp_path / "runs" / "7" / "ckpt.npz"
    tf.Checkpoint(v=tf.Variable(1.0)).write(target)
    assert target.exists()


def test_a_directory_as_the_path_is_a_clear_error(tmp_path):
    ckpt = tf.Checkpoint(v=tf.Variable(1.0))
    with pytest.raises(IsADirectoryError, match="is a directory.*ckpt.npz"):
        ckpt.write(tmp_path)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        ckpt.read(tmp_path)


def test_leftovers_of_a_dead_writer_are_removed_on_the_next_write(tmp_path):
    dead = tmp_path / f".ckpt.npz.{2**31 - 1}.0a1b2c3d.tmp"   # no such process
    alive = tmp_path / f".ckpt.npz.{os.getppid()}.0a1b2c3d.tmp"  # a live writer's
    other = tmp_path / ".other.npz.12.0a1b2c3d.tmp"
    for f in (dead, alive, other):
        f.write_bytes(b"partial")
    tf.Checkpoint(v=tf.Variable(1.0)).write(tmp_path / "ckpt.npz")
    assert sorted(os.listdir(tmp_path)) == sorted(["ckpt.npz", alive.name, other.name])


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_the_file_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = tf.Checkpoint(v=tf.Variable(1.0)).write(tmp_path / "ckpt.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


def test_big_endian_and_fortran_arrays_are_read(tmp_path):
    path = tmp_path / "foreign.npz"
    big = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=">f4")
    np.savez(path, v=big, w=np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    v = tf.Variable(np.zeros((2, 2), np.float32))
    w = tf.Variable(np.zeros((2, 3)))
    tf.Checkpoint(v=v, w=w).read(path)
    np.testing.assert_array_equal(v.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(w.numpy(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])


def write_member(path, name, header_and_data):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, header_and_data)


def npy_header(shape, descr="<f4"):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def test_a_header_that_promises_more_than_the_data_is_refused(tmp_path):
    path = tmp_path / "liar.npz"
    write_member(path, "v.npy", npy_header((2**28,)) + b"\0" * 16)
    with pytest.raises(ValueError, match="not a readable checkpoint.*declares"):
        tf.Checkpoint(v=tf.Variable(1.0)).read(path)


def test_a_compressed_bomb_is_never_decompressed(tmp_path):
    path = tmp_path / "bomb.npz"
    chunk = np.zeros(2**20, np.float32).tobytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("v.npy", "w", force_zip64=True) as member:
            member.write(npy_header((2**26,)))   # 256 MiB of zeros
            for _ in range(64):
                member.write(chunk)
    assert os.path.getsize(path) < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"shape \(67108864,\)"):
            tf.Checkpoint(v=tf.Variable([1.0])).read(path)          # mismatch: not read
        unbuilt = layers.Dense(1)
        tf.Checkpoint(v=unbuilt).read(path).expect_partial()  # deferred: kept packed
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20


@pytest.mark.parametrize("content, message", [
    (b"not a zip file", "not a readable checkpoint"),
    (None, "Python objects"),
    (b"\x93NUMPY\x09\x00", "not a readable checkpoint"),
])
def test_malformed_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    if content is None:
        write_member(path, "v.npy", npy_header((1,), "|O") + b"\0" * 8)
    elif content.startswith(b"\x93NUMPY"):
        write_member(path, "v.npy", content + b"garbage")
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        tf.Checkpoint(v=tf.Variable([1.0])).read(path)


def test_a_corrupted_member_is_a_clear_error_and_restores_nothing(tmp_path):
    a, b = tf.Variable(np.arange(100.0)), tf.Variable(np.arange(100.0))
    path = tf.Checkpoint(a=a, b=b).write(tmp_path / "c.npz")
    data = bytearray(path_bytes := open(path, "rb").read())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("b.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    (tmp_path / "bad.npz").write_bytes(bytes(data))
    assert bytes(data) != path_bytes
    a.assign(np.zeros(100))
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        tf.Checkpoint(a=a, b=b).read(tmp_path / "bad.npz")
    np.testing.assert_array_equal(a.numpy(), np.zeros(100))
