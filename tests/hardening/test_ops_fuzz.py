"""Property-based tests over the op-spec table (``tests.opspec.all_specs()``).

Every op either gives the right value in the input's dtype and a gradient that
passes ``check_gradients``, or raises a gradtape error naming the op:

* elementwise ops (rows with a ``numpy_ref``) get random
  broadcast-compatible shapes (0-d, size-0 and length-1 axes, rank up to 5),
  float16/32/64 values with ±0, ±inf, NaN, huge and tiny numbers, and int and
  bool inputs, compared with the NumPy ufunc;
* every op keeps its sample shapes and parameters and gets values near its
  samples in float16/32/64, compared with its own float64 result (a float32
  call must neither compute something else than the float64 one nor upcast),
  and arbitrary values including specials, which must never crash NumPy-style;
* every op's gradient is checked at random points near its samples, and in
  float32 keeps its dtype and agrees with float64.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import gradtape as tf
from gradtape.indexed_slices import densified
from gradtape.testing import check_gradients
from tests.hardening._common import assert_clean_error
from tests.opspec import all_specs

SPECS = all_specs()
FLOATS = (np.float16, np.float32, np.float64)
INTS = (np.int32, np.int64)


# integer results of ops that TensorFlow computes in floating point (true division)
INT_RESULT = {"divide": np.float64, "truediv": np.float64, "divide_no_nan": np.float64,
              "linspace": np.float64, "isotonic_regression": np.float64,
              "isotonic_regression_increasing": np.float64}


def _is_array(a):
    return hasattr(a, "shape")  # ndarrays and NumPy scalars: the op's tensor arguments


def _arity(spec):
    sample = spec.samples[0]
    return len(sample) if all(_is_array(a) for a in sample) else 0


ELEMENTWISE_SPECS = [s for s in SPECS if s.numpy_ref is not None and _arity(s) in (1, 2)]
_ELEMENTWISE_NAMES = {s.name for s in ELEMENTWISE_SPECS}
_ids = [s.name for s in SPECS]


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

def shapes_for(arity):
    """Broadcast-compatible shapes: 0-d, size-0 and length-1 axes, rank <= 5."""
    if arity == 1:
        return hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=3).map(
            lambda s: (s,))
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=5, min_side=0, max_side=3).map(
        lambda bs: bs.input_shapes)


def float_values(dtype, shape, special=True):
    """Arrays of ``dtype``: with ``special``, any float of that width (±0,
    ±inf, NaN, huge, subnormal); otherwise moderate values in [-4, 4]."""
    width = np.dtype(dtype).itemsize * 8
    if special:
        elements = st.floats(width=width, allow_nan=True, allow_infinity=True)
    else:
        elements = st.floats(-4.0, 4.0, width=width) | st.sampled_from([0.0, -0.0, 1.0])
    return hnp.arrays(dtype, shape, elements=elements)


def _op_names():
    """Every public op's and primitive's name, for specs that compose several ops."""
    from gradtape._core.op import OPS
    names = {"ConcatV2", "Pack", "SelectV2", "MatMul", "LinSpace"}
    names.update(n for s in SPECS if s.numpy_ref for n in s.numpy_ref.tf_names)
    for ns in (tf, tf.math, tf.linalg, tf.nn):
        names.update(n for n in dir(ns) if not n.startswith("_") and callable(getattr(ns, n)))
    names.update(OPS)  # every declared op's name
    names -= {"shape", "size", "rank", "range", "constant", "print"}  # words any message uses
    return tuple(sorted(names, key=len, reverse=True))


ALL_OP_NAMES = _op_names()


def _names(spec):
    """The names an error of ``spec`` may give: its op's, or any op's for a composite."""
    ref = spec.numpy_ref
    if ref is None:
        return (spec.name,) + ALL_OP_NAMES
    op = getattr(spec.fn, "op", None)
    return (spec.name, *ref[2]) + ((op.name,) if op is not None else ())


def _call(fn, args):
    """``fn(*args)`` -> ("ok", outputs as a list) or ("error", exception)."""
    try:
        out = fn(*args)
    except Exception as e:  # noqa: BLE001 - the test judges every exception
        return "error", e
    return "ok", _flatten(out)


def _flatten(out):
    if isinstance(out, (list, tuple)):
        return [leaf for o in out for leaf in _flatten(o)]
    if isinstance(out, dict):
        return [leaf for k in sorted(out) for leaf in _flatten(out[k])]
    return [out]


def _reference(ref, arrays):
    with np.errstate(all="ignore"):
        try:
            return "ok", np.asarray(ref(*arrays))
        except (ValueError, TypeError, ArithmeticError) as e:
            return "error", e


def assert_same_values(got, want, dtype, scale=1.0, ulps=8):
    """Equal NaN and infinity patterns; finite values within ``ulps`` of the dtype."""
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, f"shape {got.shape}, want {want.shape}"
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg="NaN pattern")
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf], err_msg="infinities")
    fin = np.isfinite(want)
    eps = np.finfo(dtype).eps if np.dtype(dtype).kind == "f" else 0.0
    tol = ulps * eps * (np.abs(want[fin]) + scale) + (np.finfo(dtype).tiny if eps else 0.0)
    bad = np.abs(got[fin] - want[fin]) > tol
    assert not bad.any(), (f"values differ from the reference at {np.argwhere(fin)[bad][:5]}: "
                           f"got {got[fin][bad][:5]}, want {want[fin][bad][:5]}")


# ---------------------------------------------------------------------------
# Elementwise ops: shapes, dtypes and special values against NumPy
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("spec", ELEMENTWISE_SPECS, ids=[s.name for s in ELEMENTWISE_SPECS])
@given(data=st.data())
def test_elementwise_floats_match_numpy(spec, data):
    ref = spec.numpy_ref.fn
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    shapes = data.draw(shapes_for(_arity(spec)), label="shapes")
    arrays = [data.draw(float_values(dtype, s), label=f"x{i}") for i, s in enumerate(shapes)]
    status, want = _reference(ref, arrays)
    with np.errstate(all="ignore"):
        got_status, got = _call(spec.fn, [tf.constant(a) for a in arrays])
    if got_status == "error":
        assert status == "error", f"{spec.name} raised {got!r}, NumPy gives a value"
        assert_clean_error(got, _names(spec))
        return
    assert status == "ok", f"{spec.name} gave a value where NumPy raises {want!r}"
    [out] = got
    assert out.dtype == tf.as_dtype(dtype), f"{spec.name}: {dtype.__name__} in, {out.dtype.name} out"
    assert_same_values(out.numpy(), want, dtype, scale=0.0)


INT_DIVISIONS = {"mod", "floormod", "floordiv"}


@pytest.mark.parametrize("spec", ELEMENTWISE_SPECS, ids=[s.name for s in ELEMENTWISE_SPECS])
@given(data=st.data())
def test_elementwise_int_and_bool(spec, data):
    ref, accepts_ints, _ = spec.numpy_ref
    dtype = data.draw(st.sampled_from(INTS + (np.bool_,)), label="dtype")
    shapes = data.draw(shapes_for(_arity(spec)), label="shapes")
    arrays = [data.draw(hnp.arrays(dtype, s), label=f"x{i}") for i, s in enumerate(shapes)]
    with np.errstate(all="ignore"):
        got_status, got = _call(spec.fn, [tf.constant(a) for a in arrays])
    if dtype is np.bool_ or not accepts_ints:
        # TensorFlow has no kernel for these: an error, or at most a bool result
        if got_status == "error":
            assert_clean_error(got, _names(spec))
            return
        assert dtype is np.bool_ and got[0].dtype == tf.bool, (
            f"{spec.name} accepted {np.dtype(dtype).name} and gave {got[0].dtype.name}")
        status, want = _reference(ref, arrays)
        assert status == "ok"
        np.testing.assert_array_equal(got[0].numpy(), want.astype(bool))
        return
    status, want = _reference(ref, arrays)
    if got_status == "error":
        by_zero = spec.name in INT_DIVISIONS and not np.all(np.broadcast_to(arrays[1], want.shape)) \
            if status == "ok" else False
        # an integer division by zero is TensorFlow's InvalidArgumentError (NumPy gives 0)
        assert status == "error" or (by_zero and isinstance(got, tf.errors.InvalidArgumentError)), \
            f"{spec.name} raised {got!r}, NumPy gives a value"
        assert_clean_error(got, _names(spec))
        return
    assert status == "ok", f"{spec.name} gave a value where NumPy raises {want!r}"
    expected = INT_RESULT.get(spec.name, dtype)
    assert got[0].dtype == tf.as_dtype(expected)
    np.testing.assert_array_equal(got[0].numpy(), want.astype(expected))


@pytest.mark.parametrize("name", sorted({s.name for s in ELEMENTWISE_SPECS
                                         if _arity(s) == 2}))
@given(shapes=hnp.array_shapes(min_dims=1, max_dims=4, min_side=2, max_side=4), data=st.data())
def test_binary_incompatible_shapes_name_the_op(name, shapes, data):
    spec = next(s for s in ELEMENTWISE_SPECS if s.name == name)
    axis = data.draw(st.integers(0, len(shapes) - 1), label="axis")
    other = list(shapes)
    other[axis] += data.draw(st.integers(1, 3), label="extra")
    with pytest.raises(Exception) as info:
        spec.fn(tf.ones(shapes), tf.ones(tuple(other)))
    assert_clean_error(info.value, _names(spec))
    assert str(list(shapes)) in str(info.value) or str(tuple(shapes)) in str(info.value)


@pytest.mark.parametrize("name", sorted({s.name for s in ELEMENTWISE_SPECS}))
@given(dtypes=st.permutations(FLOATS), data=st.data())
def test_mixed_float_dtypes_are_rejected(name, dtypes, data):
    spec = next(s for s in ELEMENTWISE_SPECS if s.name == name)
    if _arity(spec) != 2:
        return
    a, b = dtypes[:2]
    with pytest.raises(Exception) as info:
        spec.fn(tf.constant([1.0, 2.0], dtype=a), tf.constant([1.0, 2.0], dtype=b))
    assert_clean_error(info.value, _names(spec))
    assert np.dtype(a).name in str(info.value) and np.dtype(b).name in str(info.value)


@pytest.mark.parametrize("spec", ELEMENTWISE_SPECS, ids=[s.name for s in ELEMENTWISE_SPECS])
@given(dtype=st.sampled_from(FLOATS), scalar=st.floats(-3.0, 3.0) | st.integers(-3, 3),
       shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), data=st.data())
def test_python_and_numpy_operands_keep_the_dtype(spec, dtype, scalar, shape, data):
    if _arity(spec) != 2:
        return
    x = tf.constant(data.draw(float_values(dtype, shape, special=False), label="x"))
    other = data.draw(st.sampled_from([scalar, np.float64(scalar), np.full(shape, scalar)]),
                      label="other")
    for args in ((x, other), (other, x)):
        with np.errstate(all="ignore"):
            status, got = _call(spec.fn, args)
        if status == "error":
            assert_clean_error(got, _names(spec))
            continue
        assert got[0].dtype == tf.as_dtype(dtype), (
            f"{spec.name}{tuple(type(a).__name__ for a in args)} gave {got[0].dtype.name}")


# ---------------------------------------------------------------------------
# Every op: values and dtypes against its own float64 result
# ---------------------------------------------------------------------------

def _split(sample):
    return [np.asarray(a, np.float64) for a in sample.arrays], list(sample.params)


def _float_outputs(outs):
    return [o for o in outs if hasattr(o, "dtype") and o.dtype.is_floating]


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
@given(data=st.data())
def test_every_op_keeps_the_dtype_and_agrees_with_float64(spec, data):
    xs, params = _gradient_point(spec, data)  # near the samples: domains and conditioning hold
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    xs = [x.astype(dtype) for x in xs]
    with np.errstate(all="ignore"):
        status64, want = _call(spec.fn, [tf.constant(x.astype(np.float64)) for x in xs] + params)
        status, got = _call(spec.fn, [tf.constant(x) for x in xs] + params)
    if status == "error":  # e.g. a spec that mixes in an explicit float64
        assert_clean_error(got, _names(spec))
        return
    assert status64 == "ok", f"{spec.name} fails in float64 only: {want!r}"
    got, want = _float_outputs(got), _float_outputs(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == tf.as_dtype(dtype), f"{spec.name}: {dtype.__name__} in, {g.dtype.name} out"
        w = w.numpy()
        scale = max(1.0, float(np.max(np.abs(w), initial=0.0, where=np.isfinite(w))))
        assert_same_values(g.numpy(), w.astype(dtype), dtype, scale=scale, ulps=64)


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
@given(data=st.data())
def test_every_op_survives_special_values(spec, data):
    index = data.draw(st.integers(0, len(spec.samples) - 1), label="sample")
    arrays, params = _split(spec.samples[index])
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    xs = [data.draw(float_values(dtype, a.shape), label=f"x{i}") for i, a in enumerate(arrays)]
    with np.errstate(all="ignore"):
        status, got = _call(spec.fn, [tf.constant(x) for x in xs] + params)
        status64, want = _call(spec.fn, [tf.constant(x.astype(np.float64)) for x in xs] + params)
    for outcome, result in ((status, got), (status64, want)):
        if outcome == "error":
            assert_clean_error(result, _names(spec))
    if status == "error" or status64 == "error":
        return
    for g, w in zip(_float_outputs(got), _float_outputs(want)):
        assert g.dtype == tf.as_dtype(dtype)
        assert g.shape == w.shape
    with np.errstate(all="ignore"):  # the backward pass must not crash either
        status, grads = _call(lambda *ts: _vjp_of_sum(spec, list(ts), params),
                              [tf.constant(x) for x in xs])
    if status == "error":
        assert_clean_error(grads, _names(spec))


# ---------------------------------------------------------------------------
# Every op: gradients at random points near its samples
# ---------------------------------------------------------------------------

def _value_range(spec, position):
    """The interval and the distance from 0 of a spec's samples at one argument."""
    values = np.concatenate([np.ravel(s[position]) for s in spec.samples])
    return values.min(), values.max(), np.abs(values).min()


def _resample(rng, spec, position, shape):
    """Values like the spec's samples: in their range, as far from 0 as they keep."""
    lo, hi, gap = _value_range(spec, position)
    x = rng.uniform(lo, hi, size=shape)
    if lo < 0 < hi and gap >= 0.1:  # a kink at 0 the samples avoid
        x = np.where(np.abs(x) < gap, np.copysign(gap, x), x)
    return x


def _gradient_point(spec, data):
    index = data.draw(st.integers(0, len(spec.samples) - 1), label="sample")
    arrays, params = _split(spec.samples[index])
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    if spec.name in _ELEMENTWISE_NAMES:
        shapes = data.draw(shapes_for(len(arrays)), label="shapes")
        xs = [_resample(rng, spec, i, s) for i, s in enumerate(shapes)]
    else:  # keep the sample's structure (domains, conditioning): a small relative nudge
        xs = [a * (1.0 + 0.05 * rng.uniform(-1.0, 1.0, a.shape)) for a in arrays]
    return xs, params


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
@given(data=st.data())
def test_every_op_gradient_at_random_points(spec, data):
    xs, params = _gradient_point(spec, data)
    check_gradients(lambda *ts: spec.fn(*ts, *params), xs, order=1)


def _vjp_of_sum(spec, xs, params):
    with tf.GradientTape() as tape:
        tape.watch(xs)
        outs = _float_outputs(_flatten(spec.fn(*xs, *params)))
        total = tf.add_n([tf.reduce_sum(o * o) for o in outs])
    return densified(tape.gradient(total, xs))  # a gather's IndexedSlices made dense


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
@given(data=st.data())
def test_every_op_gradient_keeps_the_dtype(spec, data):
    xs, params = _gradient_point(spec, data)
    dtype = data.draw(st.sampled_from(FLOATS[:2]), label="dtype")
    low = [x.astype(dtype) for x in xs]
    with np.errstate(all="ignore"):
        status, got = _call(lambda *ts: _vjp_of_sum(spec, list(ts), params),
                            [tf.constant(x) for x in low])
        want = _vjp_of_sum(spec, [tf.constant(x.astype(np.float64)) for x in low], params)
    if status == "error":  # e.g. a spec that mixes in an explicit float64
        assert_clean_error(got, _names(spec))
        return
    for g, w in zip(got, want):
        if w is None:
            continue
        assert g.dtype == tf.as_dtype(dtype), f"{spec.name}: gradient of {g.dtype.name} for {dtype.__name__}"
        if dtype is np.float32:
            w = w.numpy()
            scale = float(np.max(np.abs(w), initial=1.0))
            np.testing.assert_allclose(g.numpy(), w, rtol=1e-3, atol=1e-4 * scale)


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
@given(data=st.data())
def test_every_op_with_int_inputs_stays_int_or_refuses(spec, data):
    """Integer tensors give integer results equal to the float64 computation's
    wherever that one is integral, or a clean error; never a float64 upcast
    (except true division, as in TensorFlow)."""
    index = data.draw(st.integers(0, len(spec.samples) - 1), label="sample")
    arrays, params = _split(spec.samples[index])
    xs = [data.draw(hnp.arrays(np.int32, a.shape, elements=st.integers(-3, 3)), label=f"x{i}")
          for i, a in enumerate(arrays)]
    with np.errstate(all="ignore"):
        status, got = _call(spec.fn, [tf.constant(x) for x in xs] + params)
        status64, want = _call(spec.fn, [tf.constant(x.astype(np.float64)) for x in xs] + params)
    if status == "error":
        assert_clean_error(got, _names(spec))
        return
    floats = [g for g in _float_outputs(got)]
    if floats:
        assert spec.name in INT_RESULT and all(g.dtype == tf.float64 for g in floats), (
            f"{spec.name}: int32 in, {[g.dtype.name for g in floats]} out")
        return
    if status64 != "ok":
        return
    for g, w in zip(got, want):
        if not hasattr(g, "dtype") or g.dtype.is_bool:
            continue
        w = w.numpy()
        exact = np.isfinite(w) & (w == np.round(w)) & (np.abs(w) < 2**31)
        np.testing.assert_array_equal(g.numpy()[exact], w[exact].astype(g.numpy().dtype),
                                      err_msg=f"{spec.name} on int32")
