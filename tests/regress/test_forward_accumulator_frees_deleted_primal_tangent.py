"""A ForwardAccumulator does not keep a deleted primal's tangent alive: the
accumulator holds its primals' tangents only as long as the primals live, as
it does for every computed tangent."""
import gc
import weakref

import numpy as np

import gradtape as tf


def test_deleted_primal_frees_its_tangent():
    x = tf.constant(np.ones(1000, np.float32))
    tangent = tf.constant(np.ones(1000, np.float32))
    acc = tf.autodiff.ForwardAccumulator(x, tangent)
    # the accumulator's own copy of the tangent (a read) is what it keeps
    kept = weakref.ref(acc._rec.tangents[x._uid])
    del tangent
    with acc:
        y = x * 2.0
    assert acc.jvp(y).numpy()[0] == 2.0
    del x, y
    gc.collect()
    assert kept() is None and not acc._rec.tangents


def test_deleted_variable_primal_frees_its_tangent():
    v = tf.Variable([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0]))
    with acc:
        y = v * 3.0
    assert acc.jvp(y).numpy().tolist() == [3.0, 0.0]
    del v, y
    gc.collect()
    assert not acc._rec.tangents


def test_live_primal_keeps_its_tangent():
    x = tf.constant([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0]))
    gc.collect()
    assert acc.jvp(x).numpy().tolist() == [1.0, 1.0]
