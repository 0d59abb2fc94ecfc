"""Nested structures of sources, targets, output gradients, primals and
tangents: gradients come back in the sources' exact structure (dicts with any
keys, lists, tuples, namedtuples, empty containers), whatever the nesting."""
import collections

import numpy as np
from hypothesis import given, strategies as st

import gradtape as tf
from gradtape._core import nest

Pair = collections.namedtuple("Pair", "left right")

_keys = st.one_of(st.text("abcxyz", min_size=1, max_size=3), st.integers(-3, 3))


def structures(leaf):
    """Nested dicts, lists, tuples and namedtuples (possibly empty) of ``leaf``."""
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.lists(inner, max_size=3).map(tuple),
            st.builds(Pair, inner, inner),
            st.dictionaries(_keys, inner, max_size=3),
        ),
        max_leaves=6)


def _leaf_factory():
    counter = iter(range(1, 10_000))

    def make(kind):
        scale = float(next(counter))
        value = np.full((2,), scale, np.float32)
        return tf.Variable(value) if kind == "var" else tf.constant(value)
    return make


def _same_structure(a, b):
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(_same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same_structure(x, y) for x, y in zip(a, b)))
    return not isinstance(b, (dict, list, tuple))


def _materialize(shape_tree, make):
    if isinstance(shape_tree, dict):
        return {k: _materialize(v, make) for k, v in shape_tree.items()}
    if isinstance(shape_tree, Pair):
        return Pair(*[_materialize(v, make) for v in shape_tree])
    if isinstance(shape_tree, (list, tuple)):
        return type(shape_tree)(_materialize(v, make) for v in shape_tree)
    return make(shape_tree)


@given(tree=structures(st.sampled_from(["var", "const"])))
def test_gradient_comes_back_in_the_sources_structure(tree):
    sources = _materialize(tree, _leaf_factory())
    leaves = _flatten(sources)
    with tf.GradientTape() as tape:
        tape.watch(leaves)
        target = tf.add_n([tf.reduce_sum(x * x) for x in leaves] + [tf.constant(0.0)])
    grads = tape.gradient(target, sources)
    assert _same_structure(sources, grads), (sources, grads)
    for x, g in zip(leaves, _flatten(grads)):
        np.testing.assert_array_equal(g.numpy(), 2.0 * x.numpy())


@given(tree=structures(st.just("const")), data=st.data())
def test_output_gradients_follow_the_targets_structure(tree, data):
    xs = _materialize(tree, _leaf_factory())
    leaves = _flatten(xs)
    w = tf.constant([1.0, -1.0])
    with tf.GradientTape() as tape:
        tape.watch(w)
        targets = _map(lambda x: x * w, xs)
    weights = [data.draw(st.floats(-2, 2, width=32), label="weight") for _ in leaves]
    ogs = _pack(xs, [tf.constant(np.float32(c)) * tf.ones(2) for c in weights])
    g = tape.gradient(targets, w, output_gradients=ogs)
    want = sum((c * x.numpy() for c, x in zip(weights, leaves)), np.zeros(2, np.float32))
    if not leaves:
        assert g is None
    else:
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-5, atol=1e-5)


@given(tree=structures(st.just("const")))
def test_accumulator_takes_nested_primals_and_tangents(tree):
    primals = _materialize(tree, _leaf_factory())
    leaves = _flatten(primals)
    tangents = _pack(primals, [tf.ones(2) for _ in leaves])
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        outs = _map(lambda x: x * x, primals)
    jvps = acc.jvp(outs)
    assert _same_structure(outs, jvps)
    for x, t in zip(leaves, _flatten(jvps)):
        np.testing.assert_array_equal(t.numpy(), 2.0 * x.numpy())


# the engine's own nest order: dicts by sorted key
_flatten, _pack, _map = nest.flatten, nest.pack_sequence_as, nest.map_structure
