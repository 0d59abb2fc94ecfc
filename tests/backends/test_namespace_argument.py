"""An op's impl is given its array namespace as an argument: the function in
the rule file is the one that runs, on NumPy and on any other namespace.

Nothing is copied or re-bound per namespace: an impl sees ``NP`` on the NumPy
path and the foreign namespace's view otherwise, and ``portable`` is what a
namespace other than NumPy runs in place of ``impl``.
"""
import operator

import numpy as np
import pytest

import gradtape as tf
from gradtape._core.backend import NP, backend_of
from gradtape.rules import elementwise, reductions
from gradtape.rules._util import apply, defop

xps = pytest.importorskip("array_api_strict", reason="array-api-strict is not installed "
                          "(pip install 'gradtape[test]')")


def _recording_op(name, **flags):
    """An op doubling its input whose impl notes the namespace it was given."""
    seen = []

    def impl(xp, x):
        seen.append(xp)
        return xp.multiply(x, 2)
    return defop(name, impl, vjp=lambda ct, ans, x: ct * 2.0, **flags), seen


def test_an_impl_is_given_numpy_on_the_numpy_path():
    op, seen = _recording_op("double_numpy")
    out = apply(op, (tf.constant([1.0, 2.0]),), {})
    assert seen == [NP]
    assert out.numpy().tolist() == [2.0, 4.0]


def test_the_same_impl_is_given_the_foreign_namespace():
    op, seen = _recording_op("double_strict")
    x = tf.constant(xps.asarray([1.0, 2.0]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = apply(op, (x,), {})
    assert seen == [backend_of(x._value).xp]
    assert seen[0] is not NP
    assert y.backend is xps and y.numpy().tolist() == [2.0, 4.0]
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 2.0]


def test_portable_runs_off_numpy_and_impl_on_numpy():
    calls = []

    def fast(xp, x):
        calls.append("impl")
        return x + 1

    def portable(xp, x):
        calls.append("portable")
        return xp.add(x, 1)
    op = defop("plus_one", fast, portable=portable, nondiff=True)
    apply(op, (tf.constant([1.0]),), {})
    out = apply(op, (tf.constant(xps.asarray([1.0])),), {})
    assert calls == ["impl", "portable"]
    assert out.numpy().tolist() == [2.0]


def test_a_ufunc_impl_runs_the_ufunc_on_numpy_and_the_named_function_elsewhere():
    op = elementwise.exp.op
    assert op.numpy_impl is np.exp
    assert elementwise.multiply.op.numpy_impl is operator.mul  # fast on 0-d values
    x = xps.asarray([0.0, 1.0])
    got = op.impl(backend_of(x).xp, x)
    np.testing.assert_allclose(np.asarray(got), [1.0, np.e])


def test_numpy_impl_is_the_impl_with_numpy_bound():
    op = reductions._SUM
    assert op.numpy_impl.func is op.impl and op.numpy_impl.args == (NP,)
    assert op.portable is not None and op.portable is not op.impl


def test_numpy_arrays_among_params_reach_a_foreign_impl_as_its_arrays():
    seen = []

    def impl(xp, x, mask):
        seen.append(type(mask))
        return xp.where(mask, x, 0.0)
    op = defop("masked", impl, nondiff=True)
    x = tf.constant(xps.asarray([1.0, 2.0]))
    out = apply(op, (x,), {"mask": np.array([True, False])})
    assert seen == [type(x._value)]
    assert out.numpy().tolist() == [1.0, 0.0]


def test_a_function_the_namespace_lacks_raises_naming_it_and_the_namespace():
    op = defop("uses_ptp", lambda xp, x: xp.ptp(x), nondiff=True)
    assert apply(op, (tf.constant([1.0, 3.0]),), {}).numpy() == 2.0  # NumPy has it
    with pytest.raises(tf.errors.UnimplementedError, match="ptp is not supported on "
                       "array_api_strict"):
        apply(op, (tf.constant(xps.asarray([1.0, 3.0])),), {})


def test_a_replay_hands_numpy_to_an_impl_and_calls_a_ufunc_directly():
    f = tf.function(lambda x: tf.reduce_sum(tf.exp(x)))
    out = f(tf.constant([1.0, 2.0]))
    assert f.replay_source().splitlines()[1:3] == [
        "    v1 = f0(v0)  # exp",
        "    v2 = f1(NP, v1, axes=c1_0, keepdims=c1_1)  # reduce_sum"]
    np.testing.assert_allclose(out.numpy(), np.e + np.e ** 2, rtol=1e-6)
