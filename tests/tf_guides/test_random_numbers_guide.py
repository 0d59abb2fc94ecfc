"""TensorFlow's guide "Random number generation", adapted (the distribution
strategy cells are out of scope).  Every expected number is TensorFlow 2.21's,
as it printed them; float32 normals are compared to 1e-6 relative (gradtape
rounds their sine, cosine and log once from float64, glibc's float32
functions round about 1 number in 70 to the other neighbour)."""
import numpy as np
import pytest

import gradtape as tf

FIRST_NORMALS = [[0.43842274, -0.53439844, -0.07710262], [1.5658046, -0.1012345, -0.2744976]]


def close(got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-7)


def test_generator_from_seed():
    # TensorFlow 2.21's values
    g1 = tf.random.Generator.from_seed(1)
    close(g1.normal(shape=[2, 3]), FIRST_NORMALS)
    assert g1.state.numpy().tolist() == [1537, 0, 0]
    g1 = tf.random.Generator.from_seed(1, alg='philox')
    close(g1.normal(shape=[2, 3]), FIRST_NORMALS)
    assert tf.random.Generator.from_non_deterministic_state().normal([2, 3]).shape == (2, 3)
    assert tf.random.get_global_generator().normal([2, 3]).shape == (2, 3)


def test_reset_from_seed():
    # TensorFlow 2.21's values
    g = tf.random.Generator.from_seed(1)
    close(g.normal([]), 0.43842274)
    close(g.normal([]), 1.6272374)
    g.reset_from_seed(1)
    close(g.normal([]), 0.43842274)
    g.reset([5, 0, 0])
    assert g.state.numpy().tolist() == [5, 0, 0]


def test_split():
    # TensorFlow 2.21's values
    g = tf.random.Generator.from_seed(1)
    close(g.normal([]), 0.43842274)
    new_gs = g.split(3)
    close([new_g.normal([]) for new_g in new_gs], [2.536413, 0.33186463, -0.07144657])
    close(g.normal([]), -0.79253083)
    g = tf.random.Generator.from_seed(1)
    assert [s.state.numpy().tolist() for s in g.split(2)] == [
        [0, 0, 6679402142117448868],
        [0, 0, 684265014234019051]]
    assert g.state.numpy().tolist() == [513, 0, 0]


def test_make_seeds_and_stateless_draws_from_them():
    # TensorFlow 2.21's values
    g = tf.random.Generator.from_seed(1)
    seeds = g.make_seeds(2)
    assert seeds.dtype == tf.int64
    assert seeds.numpy().tolist() == [[6679402142117448868, 684265014234019051], [0, 0]]
    assert g.state.numpy().tolist() == [513, 0, 0]
    assert g.algorithm == 1 and int(g.key) == 0
    g.reset([5, 0, 0])
    draws = [tf.random.stateless_normal([2], seed=s) for s in g.make_seeds(2).numpy().T]
    close(draws, [[0.24187781, -2.0786662], [0.27905568, -0.25832716]])


def test_generator_in_function():
    # TensorFlow 2.21's values: the state advances on every call
    g = tf.random.Generator.from_seed(1)

    @tf.function
    def foo():
        return g.normal([])

    close(foo(), 0.43842274)
    close(foo(), 1.6272374)
    num_traces = []

    @tf.function
    def bar(h):
        num_traces.append(1)
        return h.normal([])

    bar(tf.random.Generator.from_seed(1))
    bar(tf.random.Generator.from_seed(2))
    assert len(num_traces) == 2


def test_stateless():
    # TensorFlow 2.21's values
    want = [[0.5441101, 0.20738031, 0.07356432], [0.04643455, -1.3015898, -0.9538565]]
    close(tf.random.stateless_normal(shape=[2, 3], seed=[1, 2]), want)
    close(tf.random.stateless_normal(shape=[2, 3], seed=[1, 2], alg="philox"), want)
    close(tf.random.stateless_normal([2, 3], seed=tf.constant([1, 2], tf.int64)), want)
    assert tf.random.stateless_uniform([5], seed=[1, 2]).numpy().tolist() == pytest.approx(
        [0.8440604209899902, 0.19204533100128174, 0.9962232112884521, 0.16038739681243896,
         0.27199018001556396], abs=0)
    close(tf.random.stateless_truncated_normal([3], seed=[1, 2]),
          [0.5441101, 0.20738031, 0.07356432])
    assert tf.random.stateless_uniform([3], seed=[1, 2], minval=0, maxval=10,
                                       dtype=tf.int32).numpy().tolist() == [0, 9, 4]
    close(tf.random.stateless_normal([3], seed=[-1, 2**31 - 1]),
          [-0.11156617105007172, 1.5955711603164673, 1.6389521360397339])
    close(tf.random.stateless_normal([3], seed=tf.constant([2**40, -5], tf.int64)),
          [1.4071067571640015, -0.6817029714584351, -0.8145016431808472])
    assert tf.random.split([1, 2], 3).numpy().tolist() == [
        [1105988140, 1738052849], [-335576002, 370444179], [10670227, -246211131]]
    assert tf.random.split(tf.constant([1, 2], tf.int64), 2).numpy().tolist() == [
        [7464880146280614444, 1591045637757961278], [-1057468755545501549, 2524363516007002203]]
    assert tf.random.fold_in([1, 2], 3).numpy().tolist() == [1105988140, 3]


def test_exact_streams():
    # TensorFlow 2.21's values: Philox words, uniform floats and integers are bit-exact
    g = tf.random.Generator.from_seed(1)
    assert g.uniform_full_int([4], tf.int32).numpy().view(np.uint32).tolist() == [
        4175744164, 1555169499, 2980410603, 159317863]
    assert g.state.numpy().tolist() == [1025, 0, 0]
    assert tf.random.Generator.from_seed(1).uniform([5]).numpy().tolist() == [
        0.7874951362609863, 0.3906511068344116, 0.29263055324554443, 0.9921692609786987,
        0.9581042528152466]
    h = tf.random.Generator.from_seed(1)
    h.normal([7], dtype=tf.float64)
    assert h.state.numpy().tolist() == [1793, 0, 0]
    h.skip(10)
    assert h.state.numpy().tolist() == [4353, 0, 0]
    # the counter's carry into its high word
    c = tf.random.Generator.from_state(np.array([-1, 5, 7]), "philox")
    c.normal([3])
    assert c.state.numpy().tolist() == [767, 6, 7]


def test_threefry_is_xla_only():
    # TensorFlow 2.21: a ThreeFry state has 2 words; drawing on CPU raises
    g = tf.random.Generator.from_seed(1, alg="threefry")
    assert g.state.numpy().tolist() == [1, 0]
    with pytest.raises(tf.errors.UnimplementedError):
        g.normal([2])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.random.stateless_normal([2], seed=[1, 2], alg="threefry")
    assert repr(tf.random.Algorithm.PHILOX) == "<Algorithm.PHILOX: 1>"


def test_stateless_categorical():
    # TensorFlow 2.21's values (its kernel's inverse-CDF search on Philox doubles)
    x = tf.random.stateless_categorical(tf.math.log([[0.5, 0.5, 0.0]]), 5, seed=[1, 2])
    assert x.dtype == tf.int64 and x.numpy().tolist() == [[1, 1, 0, 1, 1]]
    x = tf.random.stateless_categorical([[1.0, 2.0]], 4, seed=[1, 2], dtype=tf.int32)
    assert x.dtype == tf.int32 and x.numpy().tolist() == [[1, 1, 0, 1]]
    assert tf.random.stateless_categorical([[np.nan, 1.0, np.inf]], 4,
                                           seed=[1, 2]).numpy().tolist() == [[1, 1, 1, 1]]
    assert tf.random.stateless_categorical([[-np.inf, -np.inf]], 3,
                                           seed=[1, 2]).numpy().tolist() == [[2, 2, 2]]
    assert tf.random.stateless_categorical(tf.zeros((0, 3)), 3, seed=[1, 2]).shape == (0, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes should be positive"):
        tf.random.stateless_categorical(tf.zeros((2, 0)), 3, seed=[1, 2])


def test_stateless_categorical_split_as_the_thread_pool_splits_it():
    # TensorFlow 2.21's values, with 2 intra-op threads: the 512 rows are drawn
    # in 8 blocks of 64, each block from its own counter
    rng = np.random.default_rng(0)
    for batch, classes in ((2, 3), (16, 10)):  # the draws before, in the script TF ran
        rng.normal(size=(batch, classes))
    logits = rng.normal(size=(512, 50)).astype(np.float32)
    logits[0, 1] = -np.inf
    before = tf.config.threading.get_intra_op_parallelism_threads()
    tf.config.threading.set_intra_op_parallelism_threads(2)
    try:
        out = tf.random.stateless_categorical(logits, 200, seed=[7, 8]).numpy()
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(before)
    assert out[64, :12].tolist() == [6, 12, 15, 25, 15, 22, 9, 15, 9, 38, 6, 31]
    assert out[0, :12].tolist() == [16, 16, 48, 9, 12, 3, 44, 29, 11, 22, 2, 11]
    assert out[511, -8:].tolist() == [43, 46, 15, 37, 49, 15, 5, 36]
    assert int(out.sum()) == 2487328
