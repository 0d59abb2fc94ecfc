"""tf.random's stateless ops, tf.random.Generator, fold_in/split, gamma and
poisson: TensorFlow 2.21's shapes, dtypes, ranges, determinism rules and
errors.  The numbers are NumPy's (docs/tensorflow.md), so values are checked
statistically, with fixed seeds so that no test can flake."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError, UnimplementedError

SEED = [1, 2]


def _same(a, b):
    return a.shape == b.shape and bool((a.numpy() == b.numpy()).all())


# -- stateless ops: shapes, dtypes, errors (TensorFlow 2.21's) -----------------

@pytest.mark.parametrize("op", [tf.random.stateless_normal,
                                tf.random.stateless_truncated_normal,
                                tf.random.stateless_uniform])
def test_stateless_float_shapes_and_dtypes(op):
    # TensorFlow 2.21: float32 by default, float64 and float16 on request
    assert op([2, 3], SEED).dtype == tf.float32 and op([2, 3], SEED).shape == (2, 3)
    assert op([2, 3], SEED, dtype=tf.float64).dtype == tf.float64
    assert op([2], SEED, dtype=tf.float16).dtype == tf.float16
    assert op([0, 3], SEED).shape == (0, 3)
    assert op(tf.constant([2]), SEED).shape == (2,)


@pytest.mark.parametrize("seed", [[1, 2, 3], 1, [[1, 2], [3, 4]]])
def test_a_seed_of_another_shape_is_refused(seed):
    # TensorFlow 2.21: InvalidArgumentError "seed must have shape [2], not [3]"
    with pytest.raises(InvalidArgumentError, match=r"seed must have shape \[2\]"):
        tf.random.stateless_normal([2], seed)


def test_a_float_seed_and_bad_shapes_are_refused():
    # TensorFlow 2.21: InvalidArgumentError for a float seed and a negative dimension
    with pytest.raises(InvalidArgumentError):
        tf.random.stateless_normal([2], [1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        tf.random.stateless_normal([-2], SEED)
    # TensorFlow 2.21: TypeError for an integer dtype of a normal draw
    with pytest.raises(TypeError):
        tf.random.stateless_normal([2], SEED, dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.random.stateless_truncated_normal([2], SEED, dtype=tf.int32)


def test_stateless_uniform_integers():
    # TensorFlow 2.21: int32/int64 in [minval, maxval); ValueError without both bounds
    x = tf.random.stateless_uniform([1000], SEED, 0, 10, dtype=tf.int32)
    assert x.dtype == tf.int32 and set(x.numpy().tolist()) == set(range(10))
    assert tf.random.stateless_uniform([3], SEED, 0, 10, dtype=tf.int64).dtype == tf.int64
    with pytest.raises(ValueError, match="must be both None or not None"):
        tf.random.stateless_uniform([3], SEED, dtype=tf.int32)
    with pytest.raises(ValueError, match="must be both None or not None"):
        tf.random.stateless_uniform([3], SEED, minval=None, maxval=5, dtype=tf.int32)
    # TensorFlow 2.21: InvalidArgumentError "Need minval < maxval, got 5 >= 5"
    with pytest.raises(InvalidArgumentError, match="Need minval < maxval"):
        tf.random.stateless_uniform([3], SEED, 5, 5, dtype=tf.int32)
    # TensorFlow 2.21: InvalidArgumentError "maxval must be 0-D, got shape [3]"
    with pytest.raises(InvalidArgumentError, match="maxval must be 0-D"):
        tf.random.stateless_uniform([3], SEED, 0, [3, 4, 5], dtype=tf.int32)
    # TensorFlow 2.21: minval=maxval=None draws over the whole range of the dtype
    full = tf.random.stateless_uniform([1000], SEED, None, None, dtype=tf.int32).numpy()
    assert full.dtype == np.int32 and full.min() < -2**30 and full.max() > 2**30


@pytest.mark.parametrize("dtype", [tf.bool, tf.int8])
def test_stateless_uniform_refuses_other_dtypes(dtype):
    # TensorFlow 2.21: ValueError "Argument `dtype` got invalid value ..."
    with pytest.raises(ValueError, match="Accepted dtypes"):
        tf.random.stateless_uniform([3], SEED, 0, 3, dtype=dtype)


def test_stateless_uniform_float_bounds():
    # TensorFlow 2.21: tensor bounds broadcast against the draws; minval > maxval
    # is allowed for floats (values between them)
    x = tf.random.stateless_uniform([3], SEED, 0.0, [3.0, 4.0, 5.0]).numpy()
    assert (x >= 0).all() and (x < [3.0, 4.0, 5.0]).all()
    y = tf.random.stateless_uniform([100], SEED, 5.0, 1.0).numpy()
    assert (y > 1.0).all() and (y <= 5.0).all()


def test_stateless_gradients_reach_tensor_parameters():
    # TensorFlow 2.21: d sum(normal * stddev + mean) / d mean = 3 (shape [3]);
    # d/d stddev = the sum of the standard draws
    mean, stddev = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([mean, stddev])
        x = tf.random.stateless_normal([3], SEED, mean, stddev)
        total = tf.reduce_sum(x)
    gm, gs = tape.gradient(total, [mean, stddev])
    assert float(gm) == 3.0
    np.testing.assert_allclose(float(gs), np.sum((x.numpy() - 1.0) / 2.0), rtol=1e-5)
    # TensorFlow 2.21: d uniform / d minval = 1 - u, d / d maxval = u
    lo, hi = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([lo, hi])
        total = tf.reduce_sum(tf.random.stateless_uniform([3], SEED, lo, hi))
    glo, ghi = tape.gradient(total, [lo, hi])
    np.testing.assert_allclose(float(glo) + float(ghi), 3.0, rtol=1e-6)


@pytest.mark.parametrize("draw", [
    lambda: tf.random.stateless_normal(3, SEED), lambda: tf.random.stateless_gamma(3, SEED, 1.0),
    lambda: tf.random.gamma(3, [1.0, 2.0]), lambda: tf.random.poisson(3, [1.0]),
    lambda: tf.random.uniform(3), lambda: tf.random.normal(3),
    lambda: tf.random.Generator.from_seed(1).normal(3)])
def test_a_bare_number_for_the_shape_is_refused(draw):
    # TensorFlow 2.21: InvalidArgumentError "shape must be a vector of {int32,int64}, got shape []"
    with pytest.raises(InvalidArgumentError, match="shape must be a vector"):
        draw()


def test_a_float_draw_with_minval_none_is_refused():
    # TensorFlow 2.21: ValueError "Attempt to convert a value (None) ... to a Tensor."
    with pytest.raises(ValueError):
        tf.random.stateless_uniform([2], SEED, minval=None)
    with pytest.raises(ValueError):
        tf.random.Generator.from_seed(1).uniform([2], minval=None)
    with pytest.raises(ValueError):
        tf.random.fold_in(SEED, 1.5)


# -- determinism ---------------------------------------------------------------

def test_the_same_seed_gives_the_same_values_and_other_seeds_others():
    # TensorFlow 2.21: a stateless op is a function of its seed alone, and an
    # int32 seed gives the values of the same int64 seed
    a = tf.random.stateless_normal([5], SEED)
    tf.random.set_seed(3)
    tf.random.normal([4])
    assert _same(a, tf.random.stateless_normal([5], SEED))
    assert _same(a, tf.random.stateless_normal([5], tf.constant(SEED, tf.int64)))
    assert not _same(a, tf.random.stateless_normal([5], [1, 3]))
    assert not _same(a, tf.random.stateless_normal([5], [2, 1]))


def test_a_compiled_function_reads_the_seed_of_each_call():
    f = tf.function(lambda seed: tf.random.stateless_normal([3], seed))
    a, b = f(tf.constant([1, 2])), f(tf.constant([3, 4]))
    assert _same(a, tf.random.stateless_normal([3], [1, 2]))
    assert _same(b, tf.random.stateless_normal([3], [3, 4]))
    assert _same(f(tf.constant([1, 2])), a)
    g = tf.function(lambda seed: tf.random.stateless_uniform([4], seed, 0, 9, dtype=tf.int64))
    assert _same(g(tf.constant([5, 6])), tf.random.stateless_uniform([4], [5, 6], 0, 9,
                                                                    dtype=tf.int64))


# -- categorical, binomial, gamma, poisson -------------------------------------

def test_stateless_categorical():
    # TensorFlow 2.21: [batch, num_samples] int64 (or int32); a matrix of logits
    logits = tf.constant([[0.0, 0.0, -np.inf]])
    x = tf.random.stateless_categorical(logits, 4, SEED)
    assert x.dtype == tf.int64 and x.shape == (1, 4) and (x.numpy() < 2).all()
    assert tf.random.stateless_categorical(logits, 4, SEED, dtype=tf.int32).dtype == tf.int32
    assert _same(x, tf.random.stateless_categorical(logits, 4, SEED))
    with pytest.raises(InvalidArgumentError, match="logits should be a matrix"):
        tf.random.stateless_categorical([0.5, 0.5], 4, SEED)
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        tf.random.stateless_categorical([[0.0, 0.0]], -1, SEED)
    with pytest.raises(ValueError, match="Accepted dtypes"):
        tf.random.stateless_categorical([[0.0, 0.0]], 2, SEED, dtype=tf.float32)


def test_stateless_binomial():
    # TensorFlow 2.21: int32 by default; counts broadcast to end the shape
    x = tf.random.stateless_binomial([3], SEED, counts=10, probs=0.5)
    assert x.dtype == tf.int32 and x.shape == (3,)
    y = tf.random.stateless_binomial([2, 3], SEED, [10.0, 20.0, 30.0], 0.5,
                                     output_dtype=tf.float32)
    assert y.dtype == tf.float32 and (y.numpy() <= [10, 20, 30]).all()
    # TensorFlow 2.21: probs > 1 give counts, counts < 0 and nan probs give 0,
    # fractional counts are floored
    np.testing.assert_array_equal(tf.random.stateless_binomial([3], SEED, 10.0, 1.5), [10] * 3)
    np.testing.assert_array_equal(tf.random.stateless_binomial([3], SEED, -10.0, .5), [0] * 3)
    np.testing.assert_array_equal(
        tf.random.stateless_binomial([4], SEED, 10.0, float("nan")), [0] * 4)
    np.testing.assert_array_equal(tf.random.stateless_binomial([4], SEED, 10.7, 1.0), [10] * 4)
    with pytest.raises(InvalidArgumentError, match="must end with broadcasted shape"):
        tf.random.stateless_binomial([2, 3], SEED, [10.0, 20.0], 0.5)
    with pytest.raises(InvalidArgumentError):
        tf.random.stateless_binomial([3], SEED, 10, 0.5, output_dtype=tf.int8)


def test_gamma_shapes_and_edges():
    # TensorFlow 2.21: shape + broadcast(alpha, beta).shape; float32 by default
    assert tf.random.gamma([3, 2], alpha=[1.0, 2.0], seed=1).shape == (3, 2, 2)
    assert tf.random.gamma([3], [1.0, 2.0], [[1.0], [2.0]], seed=1).shape == (3, 2, 2)
    assert tf.random.gamma([3], [1, 2]).dtype == tf.float32
    assert tf.random.gamma([3], 1.0, dtype=tf.float64).dtype == tf.float64
    assert tf.random.stateless_gamma([3, 2], SEED, alpha=[1.0, 2.0]).shape == (3, 2)
    with pytest.raises(InvalidArgumentError, match="must end with broadcasted shape"):
        tf.random.stateless_gamma([3], SEED, [1.0, 2.0])
    # TensorFlow 2.21: InvalidArgumentError "Incompatible shapes: [2] vs. [3]"
    with pytest.raises(InvalidArgumentError, match="Incompatible shapes"):
        tf.random.gamma([2], [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgumentError):
        tf.random.gamma([2], 1.0, dtype=tf.int32)
    # TensorFlow 2.21: samples are at least float32's tiny (alpha 0, beta < 0);
    # alpha < 0 gives nan
    tiny = np.finfo(np.float32).tiny
    np.testing.assert_array_equal(tf.random.gamma([4], 0.0, seed=1), [tiny] * 4)
    np.testing.assert_array_equal(tf.random.stateless_gamma([4], SEED, 0.0), [tiny] * 4)
    np.testing.assert_array_equal(tf.random.gamma([2], 1.0, -1.0, seed=1), [tiny] * 2)
    assert np.isnan(tf.random.gamma([3], [-1.0], seed=1).numpy()).all()


def test_gamma_gradients():
    alpha, beta = tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([alpha, beta])
        x = tf.random.gamma([3], alpha, beta, seed=1)
        y = tf.random.stateless_gamma([3, 2], SEED, alpha, beta)
        sums = [tf.reduce_sum(x), tf.reduce_sum(y)]
    # TensorFlow 2.21: a sample x = g / beta has d x / d beta = -x / beta
    for out, total in zip((x, y), sums):
        np.testing.assert_allclose(tape.gradient(total, beta).numpy(),
                                   -(out.numpy() / beta.numpy()).sum(0), rtol=1e-5)
        # TensorFlow's implicit gradient to alpha is not implemented: an error, not None
        with pytest.raises(UnimplementedError, match="with respect to alpha"):
            tape.gradient(total, alpha)


def test_poisson_shapes_edges_and_gradient():
    # TensorFlow 2.21: poisson is shape + lam.shape, float32 by default;
    # stateless_poisson's shape must end with lam's, int32 by default
    assert tf.random.poisson([3, 2], lam=[1.0, 2.0]).shape == (3, 2, 2)
    assert tf.random.poisson([3], lam=[1.0, 2.0]).dtype == tf.float32
    assert tf.random.poisson([3], [1.0], dtype=tf.int64).dtype == tf.int64
    assert tf.random.stateless_poisson([3, 2], SEED, [1.0, 2.0]).dtype == tf.int32
    with pytest.raises(InvalidArgumentError, match="must end with broadcasted shape"):
        tf.random.stateless_poisson([3], SEED, [1.0, 2.0])
    with pytest.raises(InvalidArgumentError):
        tf.random.poisson([2], 1.0, dtype=tf.int8)
    # TensorFlow 2.21: lam <= 0 gives 0
    np.testing.assert_array_equal(tf.random.poisson([3], [-1.0, 0.0], seed=1), np.zeros((3, 2)))
    np.testing.assert_array_equal(tf.random.stateless_poisson([4], SEED, -1.0), [0] * 4)
    # TensorFlow 2.21: poisson's gradient raises LookupError, stateless_poisson's is None
    lam = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(lam)
        x = tf.random.poisson([3], lam, seed=1)
        y = tf.random.stateless_poisson([3, 2], SEED, lam, dtype=tf.float32)
    with pytest.raises(LookupError):
        tape.gradient(x, lam)
    assert tape.gradient(y, lam) is None


def test_seeded_gamma_and_poisson_follow_set_seed():
    tf.random.set_seed(4)
    a = tf.random.gamma([5], 2.0, seed=3)
    tf.random.set_seed(4)
    assert _same(a, tf.random.gamma([5], 2.0, seed=3))
    assert not _same(a, tf.random.gamma([5], 2.0, seed=3))


# -- fold_in and split ---------------------------------------------------------

def test_fold_in_and_split():
    # TensorFlow 2.21: fold_in is [a draw, data] of data's dtype
    s = tf.random.fold_in([1, 2], 3)
    assert s.dtype == tf.int32 and s.shape == (2,) and int(s[1]) == 3
    big = tf.random.fold_in([1, 2], 2**40)
    assert big.dtype == tf.int64 and int(big[1]) == 2**40
    assert _same(s, tf.random.fold_in([1, 2], 3))
    assert not _same(s, tf.random.fold_in([1, 2], 4))
    with pytest.raises(InvalidArgumentError, match=r"seed must have shape \[2\]"):
        tf.random.fold_in([1, 2, 3], 3)
    # TensorFlow 2.21: split is [num, 2] of the seed's dtype
    p = tf.random.split([1, 2], 3)
    assert p.dtype == tf.int32 and p.shape == (3, 2)
    assert tf.random.split([1, 2]).shape == (2, 2)
    assert tf.random.split([1, 2], 0).shape == (0, 2)
    assert tf.random.split(tf.constant([1, 2], tf.int64), 2).dtype == tf.int64
    assert _same(p, tf.random.split([1, 2], 3))
    assert len({tuple(r) for r in p.numpy().tolist()}) == 3


# -- tf.random.Generator -------------------------------------------------------

@pytest.mark.parametrize("seed, state", [
    (1, [1, 0, 0]), (0, [0, 0, 0]), (-1, [-1, -1, -1]), ([1, 2], [0, 1, 2]),
    (2**63 + 5, [-9223372036854775803, 0, 0])])
def test_generator_state_from_seed(seed, state):
    # TensorFlow 2.21's states of Generator.from_seed
    g = tf.random.Generator.from_seed(seed)
    assert isinstance(g.state, tf.Variable) and g.state.dtype == tf.int64
    assert g.state.numpy().tolist() == state


def test_generator_state_of_a_tensor_seed_and_constructors():
    # TensorFlow 2.21: a tensor seed is right-aligned; from_key_counter is counter + [key]
    assert tf.random.Generator.from_seed(tf.constant(3)).state.numpy().tolist() == [0, 0, 3]
    g = tf.random.Generator.from_key_counter(5, [1, 2], "philox")
    assert g.state.numpy().tolist() == [1, 2, 5] and int(g.key) == 5
    assert tf.random.Generator(state=[1, 2, 3], alg="philox").state.numpy().tolist() == [1, 2, 3]
    with pytest.raises(ValueError):
        tf.random.Generator(state=[1, 2], alg="philox")
    assert tf.random.Generator.from_seed(1).algorithm == 1
    assert tf.random.Generator.from_seed(1, alg="auto_select").algorithm == 3
    assert tf.random.Generator.from_non_deterministic_state().state.shape == (3,)


def test_generator_draws_advance_and_repeat_from_a_seed():
    g, h = tf.random.Generator.from_seed(7), tf.random.Generator.from_seed(7)
    a, b = g.normal([3]), g.normal([3])
    assert not _same(a, b)
    assert _same(a, h.normal([3])) and _same(b, h.normal([3]))
    g.reset_from_seed(7)
    assert _same(a, g.normal([3]))
    assert not _same(tf.random.Generator.from_seed(8).normal([3]), a)


def test_generator_draws_of_each_kind():
    g = tf.random.Generator.from_seed(1)
    assert g.normal([2, 3], dtype=tf.float64).dtype == tf.float64
    u = g.uniform([1000], 0, 5, dtype=tf.int32).numpy()
    assert u.dtype == np.int32 and set(u.tolist()) == set(range(5))
    assert (abs(g.truncated_normal([1000]).numpy()) <= 2).all()
    b = g.binomial([2], [10.0, 5.0], 0.5, dtype=tf.int64)
    assert b.dtype == tf.int64 and (b.numpy() <= [10, 5]).all()
    # TensorFlow 2.21: errors as the stateless ops'
    with pytest.raises(ValueError, match="must be both `None` or both non-`None`"):
        g.uniform([3], dtype=tf.int32)
    with pytest.raises(TypeError):
        g.normal([2], dtype=tf.int32)


def test_make_seeds_and_split():
    # TensorFlow 2.21: make_seeds is int64 [2, count], its second row zeros;
    # split gives generators of state [0, 0, key]
    g = tf.random.Generator.from_seed(1)
    s = g.make_seeds(3)
    assert s.dtype == tf.int64 and s.shape == (2, 3) and s.numpy()[1].tolist() == [0, 0, 0]
    assert g.make_seeds().shape == (2, 1) and g.make_seeds(0).shape == (2, 0)
    x = tf.random.stateless_normal([2], s[:, 0])
    assert x.shape == (2,)
    parts = g.split(2)
    assert len(parts) == 2 and len(g.split()) == 1 and g.split(0) == []
    assert [p.state.numpy().tolist()[:2] for p in parts] == [[0, 0], [0, 0]]
    assert not _same(parts[0].normal([3]), parts[1].normal([3]))


def test_a_compiled_function_advances_the_generator_on_every_call():
    g, h = tf.random.Generator.from_seed(5), tf.random.Generator.from_seed(5)
    f = tf.function(lambda: g.normal([2]))
    got = [f(), f(), f()]
    for x in got:
        assert _same(x, h.normal([2]))
    assert _same(g.normal([2]), h.normal([2]))


def test_global_generator():
    g = tf.random.Generator.from_seed(3)
    before = tf.random.get_global_generator()
    try:
        tf.random.set_global_generator(g)
        assert tf.random.get_global_generator() is g
    finally:
        tf.random.set_global_generator(before)


# -- distributions (fixed seeds: deterministic, loose bounds) ------------------

def test_normal_uniform_truncated_statistics():
    n = tf.random.stateless_normal([20000], [11, 12], 3.0, 2.0).numpy()
    assert abs(n.mean() - 3.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    u = tf.random.stateless_uniform([20000], [11, 13]).numpy()
    assert (u >= 0).all() and (u < 1).all() and abs(u.mean() - 0.5) < 0.01
    assert abs(np.histogram(u, 10, (0, 1))[0] / 2000 - 1).max() < 0.1
    t = tf.random.stateless_truncated_normal([20000], [11, 14]).numpy()
    assert (abs(t) <= 2).all() and abs(t.std() - 0.8796) < 0.02  # truncated at 2 sigma
    g = tf.random.Generator.from_seed(9).normal([20000]).numpy()
    assert abs(g.mean()) < 0.03 and abs(g.std() - 1) < 0.03


def test_gamma_poisson_binomial_categorical_statistics():
    g = tf.random.stateless_gamma([20000, 2], [5, 6], [2.0, 5.0], [1.0, 2.0]).numpy()
    np.testing.assert_allclose(g.mean(0), [2.0, 2.5], rtol=0.03)   # alpha / beta
    p = tf.random.stateless_poisson([20000, 2], [5, 7], [1.0, 4.0], dtype=tf.float32).numpy()
    np.testing.assert_allclose(p.mean(0), [1.0, 4.0], rtol=0.03)
    np.testing.assert_allclose(p.var(0), [1.0, 4.0], rtol=0.06)
    b = tf.random.stateless_binomial([20000], [5, 8], 10.0, 0.3).numpy()
    assert abs(b.mean() - 3.0) < 0.05
    c = tf.random.stateless_categorical(tf.math.log([[0.2, 0.3, 0.5]]), 20000, [5, 9]).numpy()
    np.testing.assert_allclose(np.bincount(c[0], minlength=3) / 20000, [0.2, 0.3, 0.5],
                               atol=0.015)
