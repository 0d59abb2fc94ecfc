"""Run an op-spec sample on any array namespace and compare with NumPy.

``evaluate`` computes a sample's outputs, its reverse-mode gradients (for a
fixed random cotangent) and its forward-mode JVPs (for a fixed random
tangent), with the inputs converted by ``to_namespace``; the tests run it once
with NumPy and once with another namespace and require equal results.
"""
import numpy as np

import gradtape as tf
from gradtape._core import nest
from gradtape.indexed_slices import densified
from tests.opspec import all_specs

SPECS = all_specs()


def cases(marks=()):
    """``(spec, sample_index)`` pytest params for every op-spec sample."""
    import pytest
    return [pytest.param(spec, i, id=f"{spec.name}-{i}", marks=marks)
            for spec in SPECS for i in range(len(spec.samples))]


def split(sample):
    return sample.arrays, sample.params


def evaluate(spec, sample, to_namespace):
    """Outputs, gradients and JVPs of ``spec.fn`` at ``sample``, as NumPy arrays,
    plus the namespace module of every returned tensor."""
    arrays, params = split(sample)
    rng = np.random.default_rng(0)
    xs = [tf.constant(to_namespace(np.asarray(a))) for a in arrays]
    diff = [x for x in xs if x.dtype.is_floating]
    with tf.GradientTape() as tape:
        tape.watch(diff)
        outs = nest.flatten(spec.fn(*xs, *params))
    floats = [o for o in outs if o.dtype.is_floating]
    cts = [tf.constant(to_namespace(rng.standard_normal(tuple(o.shape)))) for o in floats]
    grads = densified(tape.gradient(floats, diff, output_gradients=cts)) if floats and diff else []
    tangents = [tf.constant(to_namespace(rng.standard_normal(tuple(x.shape)))) for x in diff]
    with tf.autodiff.ForwardAccumulator(diff, tangents) as acc:
        fwd_outs = nest.flatten(spec.fn(*xs, *params))
    jvps = [acc.jvp(o) for o in fwd_outs if o.dtype.is_floating] if diff else []
    tensors = [t for t in outs + list(grads) + list(jvps) if t is not None]
    return ([o.numpy() for o in outs],
            [None if g is None else g.numpy() for g in grads],
            [None if t is None else t.numpy() for t in jvps],
            {t.backend.__name__ for t in tensors})


def second_order(spec, sample, to_namespace):
    """Reverse over reverse: the gradient of <VJP(v), u> at ``sample``, as NumPy arrays."""
    arrays, params = split(sample)
    rng = np.random.default_rng(1)
    xs = [tf.constant(to_namespace(np.asarray(a))) for a in arrays]
    diff = [x for x in xs if x.dtype.is_floating]
    us = [tf.constant(to_namespace(rng.standard_normal(tuple(x.shape)))) for x in diff]
    with tf.GradientTape() as outer:
        outer.watch(diff)
        with tf.GradientTape() as inner:
            inner.watch(diff)
            outs = [o for o in nest.flatten(spec.fn(*xs, *params)) if o.dtype.is_floating]
        cts = [tf.constant(to_namespace(rng.standard_normal(tuple(o.shape)))) for o in outs]
        grads = densified(inner.gradient(outs, diff, output_gradients=cts))
        total = tf.add_n([tf.reduce_sum(g * u) for g, u in zip(grads, us) if g is not None])
    return [None if h is None else h.numpy() for h in densified(outer.gradient(total, diff))]


def assert_same(got, want, what):
    assert len(got) == len(want), f"{what}: {len(got)} results, NumPy gives {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert (g is None) == (w is None), f"{what} #{i}: {g!r} where NumPy gives {w!r}"
        if w is None:
            continue
        assert type(g) in (np.ndarray,) or isinstance(g, np.generic), \
            f"{what} #{i}: .numpy() gave a {type(g)}"
        assert np.shape(g) == np.shape(w), f"{what} #{i}: shape {np.shape(g)} vs {np.shape(w)}"
        assert np.asarray(g).dtype == np.asarray(w).dtype, \
            f"{what} #{i}: dtype {np.asarray(g).dtype} vs {np.asarray(w).dtype}"
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=f"{what} #{i}")


def check_against_numpy(spec, index, to_namespace, module_name):
    """The sample computed in the other namespace equals the NumPy computation."""
    sample = spec.samples[index]
    want = evaluate(spec, sample, lambda a: a)
    got = evaluate(spec, sample, to_namespace)
    assert got[3] == {module_name}, f"results live in {got[3]}, expected {module_name}"
    assert_same(got[0], want[0], "output")
    assert_same(got[1], want[1], "gradient")
    assert_same(got[2], want[2], "JVP")
