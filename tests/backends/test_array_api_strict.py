"""Every op-spec sample on ``array-api-strict``, the standard's strict
reference implementation: values, reverse-mode gradients and forward-mode
JVPs equal NumPy's (float64), and results stay in the strict namespace.

Passing here proves an op uses only the standard's functions.  The ops the
standard cannot express are listed in ``UNSUPPORTED`` (documented in
docs/backends.md) and must raise ``UnimplementedError`` naming the op and the
namespace.
"""
import numpy as np
import pytest

import gradtape as tf
from tests.backends import _harness

xps = pytest.importorskip("array_api_strict", reason="array-api-strict is not installed "
                          "(pip install 'gradtape[test]')")

#: op-spec entries whose op has no array-API formulation (see docs/backends.md)
#: op-spec entries ("name", or "name-i" for one sample) that index with arrays
#: in ways the standard cannot express: several index arrays at once, index
#: arrays beside slices or new axes, boolean masks over several axes (a
#: gather along ONE axis works: ``take`` forward, a one-hot product backward)
UNSUPPORTED = {
    "gather_batch_dims", "gather_nd-0", "gather_nd-2", "gather_nd-3", "boolean_mask-0",
    "tensor_scatter_nd_update", "getitem_bool_mask", "getitem_split_advanced",
    "getitem_split_by_none",
} | {  # convolution and pooling compute on NumPy arrays only (stride tricks, bincount)
    "conv2d_same", "conv2d_valid_stride2", "conv2d_same_stride2", "conv2d_dilated",
    "conv2d_dilated_strided_valid", "conv2d_explicit_padding", "conv1d", "max_pool2d_same",
    "max_pool2d_overlapping_valid", "max_pool2d_squared", "max_pool1d", "avg_pool2d_same",
    "avg_pool2d_overlapping", "avg_pool2d_valid_stride2", "avg_pool1d",
}


def to_strict(a):
    return xps.asarray(a)


@pytest.mark.parametrize("spec,index", _harness.cases())
def test_op_spec_matches_numpy(spec, index):
    if spec.name in UNSUPPORTED or f"{spec.name}-{index}" in UNSUPPORTED:
        with pytest.raises(tf.errors.UnimplementedError, match="not supported on array_api_strict"):
            _harness.evaluate(spec, spec.samples[index], to_strict)
    else:
        _harness.check_against_numpy(spec, index, to_strict, "array_api_strict")


def _second_order_cases():
    return [c for c in _harness.cases() if c.values[0].order >= 2
            and c.values[0].name not in UNSUPPORTED
            and f"{c.values[0].name}-{c.values[1]}" not in UNSUPPORTED]


@pytest.mark.parametrize("spec,index", _second_order_cases())
def test_second_order_matches_numpy(spec, index):
    sample = spec.samples[index]
    want = _harness.second_order(spec, sample, lambda a: a)
    got = _harness.second_order(spec, sample, to_strict)
    _harness.assert_same(got, want, "second derivative")


def test_unsupported_list_names_real_specs():
    names = {s.name for s in _harness.SPECS}
    names |= {f"{s.name}-{i}" for s in _harness.SPECS for i in range(len(s.samples))}
    assert UNSUPPORTED <= names


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
