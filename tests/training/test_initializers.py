"""Initializers: Keras' distributions, seeded reproducibly."""
import numpy as np
import pytest

import gradtape as tf
from gradtape import initializers as init


def test_constant_initializers():
    assert init.zeros()((2, 3)).numpy().tolist() == [[0.0] * 3] * 2
    assert init.ones()((2,), dtype="float64").dtype == tf.float64
    assert init.constant(0.25)((3,)).numpy().tolist() == [0.25] * 3


@pytest.mark.parametrize("cls", [init.RandomNormal, init.RandomUniform, init.TruncatedNormal,
                                 init.GlorotUniform, init.GlorotNormal, init.HeNormal,
                                 init.HeUniform, init.LecunNormal, init.LecunUniform])
def test_seeded_initializers_repeat_and_differ_by_seed(cls):
    a = cls(seed=1)((20, 30)).numpy()
    assert np.array_equal(a, cls(seed=1)((20, 30)).numpy())
    assert not np.array_equal(a, cls(seed=2)((20, 30)).numpy())
    assert a.dtype == np.float32


def test_unseeded_initializers_follow_the_global_seed():
    tf.random.set_seed(5)
    a = init.GlorotUniform()((4, 4)).numpy()
    b = init.GlorotUniform()((4, 4)).numpy()
    tf.random.set_seed(5)
    assert np.array_equal(a, init.GlorotUniform()((4, 4)).numpy())
    assert not np.array_equal(a, b)


FAN_IN, FAN_OUT = 400, 600


@pytest.mark.parametrize("cls,limit", [
    (init.GlorotUniform, np.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.HeUniform, np.sqrt(6 / FAN_IN)),
    (init.LecunUniform, np.sqrt(3 / FAN_IN)),
])
def test_uniform_variance_scaling_limits(cls, limit):
    x = cls(seed=0)((FAN_IN, FAN_OUT)).numpy()
    assert np.abs(x).max() <= limit
    assert np.abs(x).max() > 0.99 * limit
    np.testing.assert_allclose(x.std(), limit / np.sqrt(3), rtol=0.02)


@pytest.mark.parametrize("cls,std", [
    (init.GlorotNormal, np.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.HeNormal, np.sqrt(2 / FAN_IN)),
    (init.LecunNormal, np.sqrt(1 / FAN_IN)),
])
def test_truncated_normal_variance_scaling_has_the_target_std(cls, std):
    x = cls(seed=0)((FAN_IN, FAN_OUT)).numpy()
    np.testing.assert_allclose(x.std(), std, rtol=0.02)
    assert np.abs(x).max() <= 2 * std / 0.87962566103423978 + 1e-6


def test_random_normal_moments():
    x = init.random_normal(mean=1.0, stddev=2.0, seed=0)((200, 200)).numpy()
    np.testing.assert_allclose([x.mean(), x.std()], [1.0, 2.0], rtol=0.02)


def test_compute_fans():
    assert init.compute_fans(()) == (1, 1)
    assert init.compute_fans((5,)) == (5, 5)
    assert init.compute_fans((3, 4)) == (3, 4)
    assert init.compute_fans((2, 2, 3, 4)) == (12, 16)


def test_get_by_keras_names():
    assert isinstance(init.get("glorot_uniform"), init.GlorotUniform)
    assert isinstance(init.get("HeNormal"), init.HeNormal)
    assert isinstance(init.get(init.Zeros), init.Zeros)
    fn = lambda shape, dtype=None: tf.zeros(shape)  # noqa: E731
    assert init.get(fn) is fn
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        init.get("glorot")


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        init.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="floating"):
        init.GlorotUniform()((2, 2), dtype="int32")
    with pytest.raises(TypeError, match="seed"):
        init.HeNormal(seed="one")
