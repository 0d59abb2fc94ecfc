"""Every op-spec sample on ``array-api-strict``, the standard's strict
reference implementation: values, reverse-mode gradients and forward-mode
JVPs equal NumPy's (float64), and results stay in the strict namespace.

Passing here proves an op uses only the standard's functions.  The samples
the standard cannot express are marked on their rows (``array_api`` in
``tests/opspec.py``; documented in docs/backends.md) and must raise
``UnimplementedError`` naming the op and the namespace.
"""
import numpy as np
import pytest

import gradtape as tf
from tests.backends import _harness

xps = pytest.importorskip("array_api_strict", reason="array-api-strict is not installed "
                          "(pip install 'gradtape[test]')")



def to_strict(a):
    return xps.asarray(a)


@pytest.mark.parametrize("spec,index", _harness.cases())
def test_op_spec_matches_numpy(spec, index):
    if not spec.runs_on_array_api(index):
        with pytest.raises(tf.errors.UnimplementedError, match="not supported on array_api_strict"):
            _harness.evaluate(spec, spec.samples[index], to_strict)
    else:
        _harness.check_against_numpy(spec, index, to_strict, "array_api_strict")


def _second_order_cases():
    return [c for c in _harness.cases() if c.values[0].order >= 2
            and c.values[0].runs_on_array_api(c.values[1])]


@pytest.mark.parametrize("spec,index", _second_order_cases())
def test_second_order_matches_numpy(spec, index):
    sample = spec.samples[index]
    want = _harness.second_order(spec, sample, lambda a: a)
    got = _harness.second_order(spec, sample, to_strict)
    _harness.assert_same(got, want, "second derivative")


def test_unsupported_samples_are_real_samples():
    for spec in _harness.SPECS:
        if spec.array_api not in (True, False):
            assert spec.array_api <= set(range(len(spec.samples))), spec.name


def test_mixing_namespaces_is_an_error_naming_both():
    x = tf.constant(xps.asarray([1.0, 2.0]))
    y = tf.constant([3.0, 4.0], dtype=tf.float64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="numpy and array_api_strict|"
                       "array_api_strict and numpy"):
        x + y


def test_python_floats_become_float32_in_the_namespace():
    x = tf.constant(xps.asarray([1.0, 2.0], dtype=xps.float32))
    y = x * 2.5 + 1.0
    assert y.dtype == tf.float32 and y.backend is xps
    assert isinstance(y.numpy(), np.ndarray) and y.numpy().tolist() == [3.5, 6.0]


def test_constant_and_variable_keep_the_namespace():
    a = xps.asarray([[1.0, 2.0]])
    assert tf.constant(a).backend is xps
    assert tf.constant(a, shape=(2, 1)).backend is xps
    assert tf.constant(np.ones(2)).backend is np


def test_jacobians_say_they_need_numpy():
    x = tf.constant(xps.asarray([1.0, 2.0]))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.sin(x) * x
    with pytest.raises(tf.errors.UnimplementedError, match="jacobian is not supported on "
                       "array_api_strict"):
        tape.jacobian(y, x)
    g = tape.gradient(y, x)  # a gradient of a sum works, and stays in the namespace
    assert g.backend is xps
    np.testing.assert_allclose(g.numpy(), np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]))
