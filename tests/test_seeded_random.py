"""Seeded stateful random ops draw TensorFlow's numbers: the Philox stream of
the kernel of their seeds (``tf.random.set_seed``'s and the op's), which goes
on from call to call, and TensorFlow's op-seed sequence for ops given no seed.

Every expected value below is what TensorFlow 2.21 printed for the same calls.
"""
import numpy as np
import pytest

import gradtape as tf


@pytest.fixture(autouse=True)
def _no_global_seed():
    yield
    tf.random.set_seed(None)


def _equal(x, expected, dtype):
    x = x.numpy()
    assert x.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(x.ravel(), np.array(expected, dtype))


def test_an_op_seed_with_a_global_seed_draws_its_kernels_stream():
    # TensorFlow 2.21's values: the first call, then the next numbers of the same kernel
    tf.random.set_seed(1)
    _equal(tf.random.normal([3], seed=7), [-0.657312273979187, -0.21175844967365265,
                                           -0.40897825360298157], "float32")
    _equal(tf.random.normal([3], seed=7), [-1.1903842687606812, -0.4723450243473053,
                                           0.3924678564071655], "float32")
    # TensorFlow 2.21's values: each dtype has a kernel of its own
    tf.random.set_seed(1)
    _equal(tf.random.normal([3], seed=7, dtype=tf.float64),
           [1.5375734340012994, 0.15923650921916827, 0.09966053922939415], "float64")
    _equal(tf.random.normal([3], seed=7, dtype=tf.float16),
           [-0.6572265625, -0.2117919921875, -0.408935546875], "float16")


def test_an_op_seed_alone_uses_tensorflows_default_graph_seed():
    # TensorFlow 2.21's values (the second call, of another shape, goes on from the first)
    _equal(tf.random.normal([3], seed=7), [-0.046945683658123016, -1.2039023637771606,
                                           1.1668351888656616], "float32")
    _equal(tf.random.normal([2, 2], seed=7), [0.21651704609394073, 0.45843255519866943,
                                              0.2424684315919876, -0.2647303640842438], "float32")


def test_a_global_seed_alone_gives_each_call_the_next_op_seed():
    # TensorFlow 2.21's values
    tf.random.set_seed(5)
    _equal(tf.random.normal([3]), [-0.18030665814876556, -0.9502862691879272,
                                   -0.03964049369096756], "float32")
    # (TensorFlow's first number here is 0.22652864456176758: a float32 normal may differ
    # in its last bit)
    np.testing.assert_allclose(tf.random.normal([3]).numpy(), [0.22652864456176758,
                               0.8106552958488464, 0.7466093897819519], rtol=1e-6)
    _equal(tf.random.uniform([3]), [0.20179545879364014, 0.34707117080688477,
                                    0.055550217628479004], "float32")
    tf.random.set_seed(5)
    _equal(tf.random.uniform([3], dtype=tf.float64),
           [0.011145436260557195, 0.06765832287909168, 0.7532301457963841], "float64")
    _equal(tf.random.uniform([5], 0, 10, dtype=tf.int32), [7, 4, 0, 8, 0], "int32")
    tf.random.set_seed(2)
    _equal(tf.random.truncated_normal([5]), [0.4361688494682312, -1.909379482269287,
                                             1.3789066076278687, -1.0405851602554321,
                                             0.7298246026039124], "float32")


def test_seed_zero_zero_is_moved_off_as_tensorflows():
    # TensorFlow 2.21's values: seeds (0, 0) draw as (0, 2**31 - 1)
    tf.random.set_seed(0)
    _equal(tf.random.normal([3], seed=0), [0.12391895055770874, 2.798774003982544,
                                           -1.796172857284546], "float32")


def test_uniform_and_truncated_normal_with_both_seeds():
    # TensorFlow 2.21's values
    tf.random.set_seed(2)
    _equal(tf.random.uniform([4], 1.0, 3.0, seed=3), [1.5992484092712402, 2.6306450366973877,
                                                      1.1468324661254883, 2.819899082183838],
           "float32")
    _equal(tf.random.uniform([4], 1.0, 3.0, seed=3), [2.5721490383148193, 2.808450222015381,
                                                      1.0539965629577637, 1.042832851409912],
           "float32")
    tf.random.set_seed(2)
    _equal(tf.random.uniform([4], seed=3, dtype=tf.float16),
           [0.521484375, 0.1220703125, 0.42578125, 0.306640625], "float16")
    tf.random.set_seed(5)
    _equal(tf.random.uniform([5], -3, 100, dtype=tf.int64, seed=2), [73, 6, 66, 25, 31], "int64")
    tf.random.set_seed(2)
    _equal(tf.random.truncated_normal([5], seed=3),
           [-1.4236197471618652, 0.6194831132888794, -1.2252100706100464, 1.9292694330215454,
            1.1416696310043335], "float32")
    _equal(tf.random.truncated_normal([5], seed=3),
           [-0.7205109596252441, 0.069591224193573, -0.16700336337089539, -1.1077566146850586,
            0.4240559935569763], "float32")
    tf.random.set_seed(2)
    _equal(tf.random.truncated_normal([5], seed=3, dtype=tf.float64),
           [-0.7089921596645381, -1.1597393650199597, 0.061556822655651995, -1.4734931902819217,
            0.5142842613879325], "float64")


@pytest.mark.parametrize("dtype, expected", [
    # TensorFlow 2.21's values: the mask is drawn in x's dtype
    ("float16", [0, 2, 2, 0, 0, 2, 2, 2, 2, 0]),
    ("float32", [2, 0, 2, 2, 2, 2, 0, 2, 0, 0]),
    ("float64", [0, 2, 0, 2, 0, 0, 0, 2, 2, 0]),
])
def test_dropout_with_seeds(dtype, expected):
    tf.random.set_seed(3)
    _equal(tf.nn.dropout(tf.ones([10], dtype), 0.5, seed=4), expected, dtype)


def test_dropout_with_a_global_seed_alone():
    # TensorFlow 2.21's values
    tf.random.set_seed(3)
    k = 1.4285714626312256
    _equal(tf.nn.dropout(tf.ones([10]), 0.3), [0, k, k, 0, k, k, 0, k, k, k], "float32")
    _equal(tf.nn.dropout(tf.ones([10]), 0.3), [0, 0, 0, 0, k, k, k, 0, 0, k], "float32")


def test_shuffle_follows_tensorflows_kernel():
    # TensorFlow 2.21's values: one stream per dtype; a single row draws nothing
    tf.random.set_seed(3)
    _equal(tf.random.shuffle(tf.range(8), seed=1), [5, 7, 1, 3, 4, 2, 6, 0], "int32")
    _equal(tf.random.shuffle(tf.range(8.0), seed=1), [5, 7, 1, 3, 4, 2, 6, 0], "float32")
    _equal(tf.random.shuffle(tf.range(8), seed=1), [6, 2, 0, 3, 5, 4, 7, 1], "int32")
    _equal(tf.random.shuffle(tf.reshape(tf.range(10), (5, 2)), seed=1),
           [0, 1, 4, 5, 6, 7, 8, 9, 2, 3], "int32")
    _equal(tf.random.shuffle(tf.range(1), seed=1), [0], "int32")
    _equal(tf.random.shuffle(tf.range(8), seed=1), [4, 6, 1, 2, 0, 3, 5, 7], "int32")
    tf.random.set_seed(3)
    _equal(tf.random.shuffle(tf.range(12)), [4, 11, 6, 7, 3, 10, 9, 2, 5, 0, 1, 8], "int32")
    tf.random.set_seed(None)
    _equal(tf.random.shuffle(tf.range(12), seed=5), [7, 3, 6, 11, 4, 1, 0, 9, 8, 2, 5, 10],
           "int32")


def test_seeded_initializers_draw_the_stateless_stream_of_seed_0():
    # TensorFlow 2.21's values
    rand_normal = [-0.033708639442920685, -0.017934627830982208, -0.09397908300161362,
                   -0.07364466041326523, -0.10031268745660782, -0.0566716194152832]
    _equal(tf.keras.initializers.GlorotUniform(seed=7)((2, 3)),
           [0.5413224697113037, 0.37722790241241455, -0.9688565135002136, 0.3159552812576294,
            -0.941406786441803, 0.36840879917144775], "float32")
    _equal(tf.keras.initializers.RandomNormal(seed=7)((2, 3)), rand_normal, "float32")
    _equal(tf.keras.initializers.HeNormal(seed=7)((2, 3)),
           [-0.766431450843811, -0.40777865052223206, -2.1367971897125244, -1.6744544506072998,
            -0.8244922757148743, 0.8644108176231384], "float32")
    _equal(tf.keras.initializers.TruncatedNormal(seed=7)((2, 3)),
           rand_normal[:4] + [-0.03626222535967827, 0.03801789507269859], "float32")
    _equal(tf.random_normal_initializer(seed=7)((2, 3)), rand_normal, "float32")
    _equal(tf.random_uniform_initializer(seed=7)((2, 3)),
           [0.02470787987112999, 0.01721801981329918, -0.04422204568982124,
            0.014421317726373672, -0.04296914488077164, 0.016815487295389175], "float32")


def test_an_unseeded_tf_initializer_draws_from_the_global_seeds_sequence():
    # TensorFlow 2.21's values
    tf.random.set_seed(4)
    init = tf.random_normal_initializer(stddev=1.0)
    _equal(init((3,)), [-0.07676513493061066, -0.2082601934671402, 1.9333362579345703],
           "float32")
    _equal(init((3,)), [0.052077993750572205, -0.3171703815460205, -1.0532023906707764],
           "float32")


def test_a_function_has_streams_of_its_own():
    # TensorFlow 2.21's values: the eager draw does not move the function's kernel;
    # set_seed starts both again
    f = tf.function(lambda: tf.random.normal([2], seed=7))
    first, second = [-0.657312273979187, -0.21175844967365265], [-0.5846709609031677,
                                                                 -1.351812720298767]
    tf.random.set_seed(1)
    _equal(f(), first, "float32")
    _equal(f(), second, "float32")
    tf.random.set_seed(1)
    _equal(tf.random.normal([2], seed=7), first, "float32")
    _equal(f(), first, "float32")
    _equal(tf.random.normal([2], seed=7), second, "float32")


def test_draws_whose_numbers_are_not_tensorflows_leave_the_other_streams_alone():
    # TensorFlow 2.21's values: gamma, Poisson and categorical have kernels of their own
    tf.random.set_seed(5)
    tf.random.gamma([3], 1.0, seed=2)
    tf.random.poisson([3], 1.0, seed=2)
    tf.random.categorical([[0.0, 1.0]], 3, seed=2)  # (its numbers are TensorFlow's too)
    _equal(tf.random.uniform([5], -3, 100, dtype=tf.int64, seed=2), [73, 6, 66, 25, 31], "int64")
    _equal(tf.random.uniform([3], dtype=tf.float64, seed=2),
           [0.11808320581272302, 0.13236922496580483, 0.11666041303661756], "float64")


def test_categorical_follows_tensorflows_multinomial_kernel():
    # TensorFlow 2.21's values: one kernel per output and logits dtype, going on from call
    # to call; a global seed alone gives each call the next op seed
    logits = tf.math.log([[0.2, 0.3, 0.5], [0.5, 0.0, 0.5]])
    tf.random.set_seed(3)
    _equal(tf.random.categorical(logits, 6, seed=1), [1, 0, 2, 2, 2, 2, 2, 2, 2, 0, 2, 0],
           "int64")
    _equal(tf.random.categorical(logits, 5, seed=1), [0, 1, 1, 1, 2, 0, 0, 0, 2, 2], "int64")
    _equal(tf.random.categorical(logits, 3, seed=1, dtype=tf.int32), [1, 0, 2, 2, 2, 2],
           "int32")
    _equal(tf.random.categorical(tf.cast(logits, tf.float64), 6, seed=1),
           [1, 0, 2, 2, 2, 2, 2, 2, 2, 0, 2, 0], "int64")
    tf.random.set_seed(3)
    _equal(tf.random.categorical(logits, 6), [0, 2, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0], "int64")
    _equal(tf.random.categorical(logits[:1], 9), [2, 2, 2, 0, 1, 2, 2, 1, 2], "int64")
    tf.random.set_seed(None)
    _equal(tf.random.categorical(logits, 4, seed=5), [0, 2, 2, 2, 0, 2, 0, 2], "int64")
