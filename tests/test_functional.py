"""The functional transforms against central differences and against tapes."""
import collections

import numpy as np
import pytest

import gradtape as gt
from gradtape._core import forward, nest
from gradtape.testing import check_gradients, numerical_jvp

RNG = np.random.default_rng(7)
Params = collections.namedtuple("Params", ["w", "b"])


def numerical_jacobian(f, args, argnum=0):
    """Central-difference Jacobian of each output of ``f`` with respect to
    ``args[argnum]``, shaped ``out.shape + arg.shape`` (float64)."""
    args = [np.asarray(a, np.float64) for a in args]
    shape = args[argnum].shape
    columns = []
    for k in range(args[argnum].size):
        directions = [np.zeros_like(a) for a in args]
        directions[argnum].flat[k] = 1.0
        columns.append(numerical_jvp(f, args, directions))
    return [np.stack([c[i] for c in columns], axis=-1).reshape(np.shape(columns[0][i]) + shape)
            for i in range(len(columns[0]))]


def scalar_fn(x, y):
    return gt.reduce_sum(gt.sin(x) * y[0] ** 2) + gt.reduce_sum(x * x) * gt.reduce_sum(gt.tanh(y))


def vector_fn(x, y):
    return gt.tanh(x * y[0]) + gt.exp(-x) * y[1]


X = RNG.standard_normal(4)
Y = RNG.standard_normal(2)


# --------------------------------------------------------------------------
# grad and value_and_grad
# --------------------------------------------------------------------------

@pytest.mark.parametrize("argnum", [0, 1])
def test_grad_matches_central_differences(argnum):
    g = gt.grad(scalar_fn, argnums=argnum)(X, Y)
    (expected,) = numerical_jacobian(scalar_fn, [X, Y], argnum)
    assert g.dtype == gt.float64
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6, atol=1e-8)


def test_grad_matches_the_tape_and_argnums_tuple():
    x, y = gt.constant(X), gt.constant(Y)
    with gt.GradientTape() as tape:
        tape.watch([x, y])
        out = scalar_fn(x, y)
    want = tape.gradient(out, [x, y])
    got = gt.grad(scalar_fn, argnums=(0, 1))(x, y)
    assert isinstance(got, tuple) and len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)
    swapped = gt.grad(scalar_fn, argnums=(1, -2))(x, y)
    np.testing.assert_allclose(swapped[0].numpy(), want[1].numpy(), rtol=1e-12)
    np.testing.assert_allclose(swapped[1].numpy(), want[0].numpy(), rtol=1e-12)


def test_grad_function_is_itself_correctly_differentiable():
    check_gradients(lambda x, y: gt.grad(scalar_fn, argnums=(0, 1))(x, y), [X, Y], order=1)


def test_value_and_grad_and_has_aux():
    value, g = gt.value_and_grad(scalar_fn)(X, Y)
    np.testing.assert_allclose(value.numpy(), scalar_fn(gt.constant(X), gt.constant(Y)).numpy())
    np.testing.assert_allclose(g.numpy(), gt.grad(scalar_fn)(X, Y).numpy())

    def with_aux(x):
        y = gt.sin(x)
        return gt.reduce_sum(y * y), {"sin": y, "note": "kept"}
    (value, aux), g = gt.value_and_grad(with_aux, has_aux=True)(X)
    np.testing.assert_allclose(aux["sin"].numpy(), np.sin(X))
    assert aux["note"] == "kept"
    np.testing.assert_allclose(value.numpy(), np.sum(np.sin(X) ** 2))
    g2, aux2 = gt.grad(with_aux, has_aux=True)(X)
    np.testing.assert_allclose(g.numpy(), 2 * np.sin(X) * np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(g2.numpy(), g.numpy())
    np.testing.assert_allclose(aux2["sin"].numpy(), np.sin(X))


def test_keyword_arguments_pass_through_undifferentiated():
    f = lambda x, scale=1.0: gt.reduce_sum(x * x) * scale  # noqa: E731
    np.testing.assert_allclose(gt.grad(f)(X, scale=3.0).numpy(), 6 * X)


# --------------------------------------------------------------------------
# vjp, jvp, linearize
# --------------------------------------------------------------------------

def test_vjp_matches_central_differences_and_the_tape():
    out, vjp_fn = gt.vjp(vector_fn, X, Y)
    np.testing.assert_allclose(out.numpy(), vector_fn(gt.constant(X), gt.constant(Y)).numpy())
    jx, jy = numerical_jacobian(vector_fn, [X, Y], 0)[0], numerical_jacobian(vector_fn, [X, Y], 1)[0]
    for _ in range(2):  # vjp_fn may be called more than once
        ct = RNG.standard_normal(4)
        dx, dy = vjp_fn(ct)
        np.testing.assert_allclose(dx.numpy(), ct @ jx, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(dy.numpy(), ct @ jy, rtol=1e-6, atol=1e-8)
        x, y = gt.constant(X), gt.constant(Y)
        with gt.GradientTape() as tape:
            tape.watch([x, y])
            o = vector_fn(x, y)
        tx, ty = tape.gradient(o, [x, y], output_gradients=gt.constant(ct))
        np.testing.assert_allclose(dx.numpy(), tx.numpy(), rtol=1e-12)
        np.testing.assert_allclose(dy.numpy(), ty.numpy(), rtol=1e-12)


def test_vjp_with_structured_output_and_aux():
    def f(x):
        return {"a": x * 2.0, "b": (gt.sin(x),)}, "aux"
    out, vjp_fn, aux = gt.vjp(f, X, has_aux=True)
    assert aux == "aux" and set(out) == {"a", "b"}
    (dx,) = vjp_fn({"a": np.ones(4), "b": (np.full(4, 3.0),)})
    np.testing.assert_allclose(dx.numpy(), 2.0 + 3.0 * np.cos(X), rtol=1e-12)
    with pytest.raises(ValueError, match="structure"):
        vjp_fn({"a": np.ones(4)})
    with pytest.raises(ValueError, match=r"cotangent of shape \(3,\).*shape \(4,\)"):
        vjp_fn({"a": np.ones(3), "b": (np.ones(4),)})


def test_jvp_matches_central_differences_and_the_accumulator():
    tx, ty = RNG.standard_normal(4), RNG.standard_normal(2)
    out, t_out = gt.jvp(vector_fn, (X, Y), (tx, ty))
    (expected,) = numerical_jvp(vector_fn, [X, Y], [tx, ty])
    np.testing.assert_allclose(t_out.numpy(), expected, rtol=1e-6, atol=1e-8)
    x, y = gt.constant(X), gt.constant(Y)
    with gt.autodiff.ForwardAccumulator([x, y], [gt.constant(tx), gt.constant(ty)]) as acc:
        o = vector_fn(x, y)
    np.testing.assert_allclose(t_out.numpy(), acc.jvp(o).numpy(), rtol=1e-12)
    np.testing.assert_allclose(out.numpy(), o.numpy())


def test_jvp_has_aux_and_tangent_checks():
    out, t, aux = gt.jvp(lambda x: (gt.sin(x), x * 0.0 + 5.0), (X,), (np.ones(4),), has_aux=True)
    np.testing.assert_allclose(t.numpy(), np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(aux.numpy(), np.full(4, 5.0))
    with pytest.raises(ValueError, match=r"jvp: tangent of shape \(3,\).*primal of shape \(4,\)"):
        gt.jvp(gt.sin, (X,), (np.ones(3),))
    with pytest.raises(TypeError, match="jvp: tangent of dtype float32.*float64"):
        gt.jvp(gt.sin, (X,), (np.ones(4, np.float32),))
    with pytest.raises(TypeError, match="jvp: primals must be a tuple or list"):
        gt.jvp(gt.sin, X, (np.ones(4),))
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        gt.jvp(vector_fn, (X, Y), (np.ones(4),))


def test_linearize_equals_jvp():
    out, f_jvp = gt.linearize(vector_fn, X, Y)
    np.testing.assert_allclose(out.numpy(), vector_fn(gt.constant(X), gt.constant(Y)).numpy())
    for _ in range(2):
        tx, ty = RNG.standard_normal(4), RNG.standard_normal(2)
        np.testing.assert_allclose(f_jvp(tx, ty).numpy(),
                                   gt.jvp(vector_fn, (X, Y), (tx, ty))[1].numpy(), rtol=1e-12)


# --------------------------------------------------------------------------
# Jacobians, Hessians
# --------------------------------------------------------------------------

@pytest.mark.parametrize("jac", [gt.jacrev, gt.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobians_match_central_differences_and_the_tape(jac):
    x, y = gt.constant(X), gt.constant(Y)
    got = jac(vector_fn, argnums=(0, 1))(x, y)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        o = vector_fn(x, y)
    for argnum in (0, 1):
        (expected,) = numerical_jacobian(vector_fn, [X, Y], argnum)
        assert got[argnum].shape == (4,) + (X, Y)[argnum].shape
        np.testing.assert_allclose(got[argnum].numpy(), expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(got[argnum].numpy(),
                                   tape.jacobian(o, (x, y)[argnum]).numpy(), rtol=1e-12)


@pytest.mark.parametrize("jac", [gt.jacrev, gt.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_of_structured_input_and_output(jac):
    w, b = RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    x = RNG.standard_normal((5, 3))

    def f(p, x):
        y = x @ p.w + p.b
        return {"y": y, "total": gt.reduce_sum(gt.tanh(y))}
    got = jac(f)(Params(w, b), x)
    assert set(got) == {"y", "total"}
    assert isinstance(got["y"], Params) and isinstance(got["total"], Params)
    assert got["y"].w.shape == (5, 2, 3, 2) and got["total"].b.shape == (2,)
    flat = lambda w, b: f(Params(w, b), gt.constant(x))  # noqa: E731
    for leaf, argnum in (("w", 0), ("b", 1)):
        want_y, want_total = numerical_jacobian(lambda w, b: (flat(w, b)["total"], flat(w, b)["y"]),
                                                [w, b], argnum)
        np.testing.assert_allclose(getattr(got["y"], leaf).numpy(), want_total,
                                   rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(getattr(got["total"], leaf).numpy(), want_y,
                                   rtol=1e-6, atol=1e-8)


def twenty_param_fn(p):
    a, b = p[:10], p[10:]
    return gt.reduce_sum(gt.sin(a) * b) + gt.reduce_sum(a * a) * gt.reduce_sum(gt.tanh(b)) \
        + gt.reduce_sum(gt.exp(0.1 * p) ** 2)


def test_hessian_of_twenty_parameters_three_ways():
    p0 = RNG.standard_normal(20)
    h = gt.hessian(twenty_param_fn)(p0)
    assert h.shape == (20, 20)
    np.testing.assert_allclose(h.numpy(), gt.jacfwd(gt.jacrev(twenty_param_fn))(p0).numpy(),
                               rtol=1e-12, atol=1e-12)
    p = gt.constant(p0)
    with gt.GradientTape() as outer:
        outer.watch(p)
        with gt.GradientTape() as inner:
            inner.watch(p)
            y = twenty_param_fn(p)
        g = inner.gradient(y, p)
    tape_hessian = outer.jacobian(g, p)
    np.testing.assert_allclose(h.numpy(), tape_hessian.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.numpy(), h.numpy().T, rtol=1e-12, atol=1e-12)
    (numeric,) = numerical_jacobian(lambda q: gt.grad(twenty_param_fn)(q), [p0])
    np.testing.assert_allclose(h.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_hvp_equals_hessian_times_vector():
    p0, v = RNG.standard_normal(20), RNG.standard_normal(20)
    got = gt.hvp(twenty_param_fn, (p0,), (v,))
    np.testing.assert_allclose(got.numpy(), gt.hessian(twenty_param_fn)(p0).numpy() @ v,
                               rtol=1e-10)
    hx, hy = gt.hvp(scalar_fn, (X, Y), (np.ones(4), np.zeros(2)))
    hxx = gt.hessian(scalar_fn)(X, Y).numpy()
    np.testing.assert_allclose(hx.numpy(), hxx @ np.ones(4), rtol=1e-10)
    hyx = gt.jacfwd(gt.grad(scalar_fn, argnums=1), argnums=0)(X, Y).numpy()
    np.testing.assert_allclose(hy.numpy(), hyx @ np.ones(4), rtol=1e-10)


# --------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------

POINTS = [-2.0, -0.4, 0.0, 0.9, 2.5]


@pytest.mark.parametrize("x", POINTS)
def test_third_derivative_of_sin_by_every_mix(x):
    want = -np.cos(x)
    d1 = lambda f: gt.grad(f)  # noqa: E731
    fwd = lambda f: (lambda t: gt.jacfwd(f)(t))  # noqa: E731
    rev = lambda f: (lambda t: gt.jacrev(f)(t))  # noqa: E731
    x64 = np.float64(x)
    for name, third in [("grad^3", d1(d1(d1(gt.sin)))),
                        ("fwd(fwd(rev))", fwd(fwd(rev(gt.sin)))),
                        ("rev(fwd(grad))", rev(fwd(d1(gt.sin)))),
                        ("grad(hvp)", d1(lambda t: gt.hvp(gt.sin, (t,), (np.float64(1.0),))))]:
        np.testing.assert_allclose(third(x64).numpy(), want, rtol=1e-12, atol=1e-14,
                                   err_msg=name)
    # against central differences of the second derivative
    (numeric,) = numerical_jvp(lambda t: d1(d1(gt.sin))(t), [np.float64(x)], [np.float64(1.0)])
    np.testing.assert_allclose(numeric, want, rtol=1e-6, atol=1e-8)


def test_grad_of_a_function_that_uses_a_tape():
    def dsinx_x(x):
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = gt.sin(x) * x
        return tape.gradient(y, x)
    for x in POINTS:
        want = 2 * np.cos(x) - x * np.sin(x)
        np.testing.assert_allclose(gt.grad(dsinx_x)(np.float64(x)).numpy(), want, rtol=1e-12)


def test_tape_around_grad_reaches_closed_over_variables():
    v = gt.Variable(1.5)
    x = gt.Variable(0.7)
    with gt.GradientTape() as tape:
        g = gt.grad(lambda t: v * t ** 3)(x)  # 3 v x^2
    dv, dx = tape.gradient(g, [v, x])
    np.testing.assert_allclose(g.numpy(), 3 * 1.5 * 0.49, rtol=1e-6)
    np.testing.assert_allclose(dv.numpy(), 3 * 0.49, rtol=1e-6)
    np.testing.assert_allclose(dx.numpy(), 6 * 1.5 * 0.7, rtol=1e-6)


def test_accumulator_around_grad_is_forward_over_reverse():
    x, t = gt.constant(X), gt.constant(np.ones(4))
    with gt.autodiff.ForwardAccumulator(x, t) as acc:
        g = gt.grad(lambda z: gt.reduce_sum(gt.sin(z) ** 2))(x)
    np.testing.assert_allclose(acc.jvp(g).numpy(), 2 * np.cos(2 * X), rtol=1e-12)


def test_no_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = 1: the inner grad must not differentiate x
    got = gt.grad(lambda x: x * gt.grad(lambda y: x + y)(1.0))(1.0)
    assert got.numpy() == 1.0
    got = gt.jacfwd(lambda x: x * gt.jacfwd(lambda y: x + y)(1.0))(1.0)
    assert got.numpy() == 1.0


# --------------------------------------------------------------------------
# Pytrees and conversions
# --------------------------------------------------------------------------

def test_pytree_round_trip():
    params = {"layer": [Params(np.array([[1.0, 2.0]]), 0.5), (3.0,)], "scale": np.float64(2.0)}

    def f(p):
        (layer, (c,)) = p["layer"]
        return gt.reduce_sum(layer.w * layer.w) * p["scale"] + gt.cast(layer.b * c, gt.float64)

    g = gt.grad(f)(params)
    assert type(g) is dict and set(g) == {"layer", "scale"}
    assert type(g["layer"]) is list and isinstance(g["layer"][0], Params)
    assert type(g["layer"][1]) is tuple
    np.testing.assert_allclose(g["layer"][0].w.numpy(), [[4.0, 8.0]])
    assert g["layer"][0].w.dtype == gt.float64  # NumPy arrays keep their dtype
    assert g["layer"][0].b.dtype == gt.float32  # Python floats become float32
    np.testing.assert_allclose(g["layer"][0].b.numpy(), 3.0)
    np.testing.assert_allclose(g["layer"][1][0].numpy(), 0.5)
    np.testing.assert_allclose(g["scale"].numpy(), 5.0)


def test_variables_as_arguments():
    w = gt.Variable([1.0, -2.0])
    g = gt.grad(lambda p: gt.reduce_sum(p["w"] ** 2))({"w": w})
    np.testing.assert_allclose(g["w"].numpy(), [2.0, -4.0])
    assert isinstance(g["w"], gt.Tensor)


def test_unconnected_inputs_get_zeros():
    g = gt.grad(lambda x, y: gt.reduce_sum(x * 2.0), argnums=(0, 1))(
        np.ones(3), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(g[1].numpy(), np.zeros((2, 2)))
    assert g[1].dtype == gt.float32
    jr = gt.jacrev(lambda x, y: x * 2.0, argnums=1)(np.ones(3), np.ones(2))
    jf = gt.jacfwd(lambda x, y: x * 2.0, argnums=1)(np.ones(3), np.ones(2))
    for j in (jr, jf):
        np.testing.assert_array_equal(j.numpy(), np.zeros((3, 2)))
    _, vjp_fn = gt.vjp(lambda x, y: x * 2.0, np.ones(3), np.ones(2))
    np.testing.assert_array_equal(vjp_fn(np.ones(3))[1].numpy(), np.zeros(2))
    _, t = gt.jvp(lambda x: gt.constant([1.0, 2.0]), (np.ones(2, np.float32),),
                  (np.ones(2, np.float32),))
    np.testing.assert_array_equal(t.numpy(), np.zeros(2))


def test_identity_function_jacobians():
    for jac in (gt.jacrev, gt.jacfwd):
        np.testing.assert_array_equal(jac(lambda x: x)(np.ones(3)).numpy(), np.eye(3))


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

def test_grad_needs_a_scalar_output():
    with pytest.raises(TypeError, match=r"grad: .*scalar \(shape \(\)\).*shape \(4,\)"):
        gt.grad(gt.sin)(X)
    with pytest.raises(TypeError, match="value_and_grad: .*single scalar tensor, got a tuple"):
        gt.value_and_grad(lambda x: (gt.reduce_sum(x), x))(X)
    with pytest.raises(TypeError, match="grad: .*floating-point.*int32"):
        gt.grad(lambda x: gt.cast(gt.reduce_sum(x), gt.int32))(X)


@pytest.mark.parametrize("bad", [3, np.array([1, 2]), True, gt.constant([1, 2])],
                         ids=["python int", "int array", "bool", "int tensor"])
def test_integer_inputs_are_rejected(bad):
    with pytest.raises(TypeError, match=r"grad: argument 0 has dtype (int32|int64|bool).*floating"):
        gt.grad(lambda x: gt.reduce_sum(gt.cast(x, gt.float32)))(bad)


def test_integer_leaf_in_a_structure_is_named():
    with pytest.raises(TypeError, match=r"jacrev: argument 1 \(leaf 1 of its dict\).*int32"):
        gt.jacrev(lambda a, p: a * 2.0, argnums=1)(1.0, {"a": 1.0, "b": 2})


def test_bad_argnums_and_aux():
    with pytest.raises(ValueError, match="argnums=2 refers to argument 2.*2 positional"):
        gt.grad(scalar_fn, argnums=2)(X, Y)
    with pytest.raises(TypeError, match="argnums must be an int or a non-empty tuple"):
        gt.grad(scalar_fn, argnums="x")(X, Y)
    with pytest.raises(ValueError, match="repeats"):
        gt.grad(scalar_fn, argnums=(0, -2))(X, Y)
    with pytest.raises(ValueError, match="has_aux=True .* pair"):
        gt.grad(lambda x: gt.reduce_sum(x), has_aux=True)(X)
    with pytest.raises(TypeError, match="vjp: needs at least one primal"):
        gt.vjp(lambda: gt.constant(1.0))
    with pytest.raises(TypeError, match="jacfwd: the function's outputs must be a floating"):
        gt.jacfwd(lambda x: gt.cast(x, gt.int32))(X)


# --------------------------------------------------------------------------
# jacfwd: one vectorized forward pass
# --------------------------------------------------------------------------

def looped_jacfwd(f, argnums=0):
    """The Jacobian by one ``gt.jvp`` per element of the differentiated inputs
    (how jacfwd worked before it pushed a block of tangents at once)."""
    nums = (argnums,) if isinstance(argnums, int) else argnums

    def jac(*args):
        args = tuple(nest.map_structure(np.asarray, a) for a in args)
        zeros = [nest.map_structure(np.zeros_like, a) for a in args]
        out = f(*args)
        out_shapes = [tuple(o.shape) for o in nest.flatten(out)]
        per_arg = []
        for i in nums:
            leaves = nest.flatten(args[i])
            per_leaf = []
            for k, leaf in enumerate(leaves):
                columns = []
                for e in range(leaf.size):
                    basis = [np.zeros_like(x) for x in leaves]
                    basis[k].flat[e] = 1
                    tangents = list(zeros)
                    tangents[i] = nest.pack_sequence_as(args[i], basis)
                    _, t_out = gt.jvp(f, args, tuple(tangents))
                    columns.append([t.numpy() for t in nest.flatten(t_out)])
                per_leaf.append([np.stack([c[o] for c in columns], axis=-1).reshape(s + leaf.shape)
                                 for o, s in enumerate(out_shapes)])
            per_arg.append(per_leaf)
        blocks = []
        for o in range(len(out_shapes)):
            packed = [nest.pack_sequence_as(args[i], [leaf[o] for leaf in per_leaf])
                      for i, per_leaf in zip(nums, per_arg)]
            blocks.append(packed[0] if isinstance(argnums, int) else tuple(packed))
        return nest.pack_sequence_as(out, blocks)
    return jac


def assert_same_jacobian(got, want, rtol=1e-12, atol=1e-14):
    nest.assert_same_structure(got, want, "jacobian structures")
    for g, w in zip(nest.flatten(got), nest.flatten(want)):
        assert g.shape == w.shape and g.dtype == gt.as_dtype(w.dtype)
        np.testing.assert_allclose(g.numpy(), w, rtol=rtol, atol=atol)


def nested_out_fn(p, x):
    y = gt.matmul(x, p.w) + p.b
    return {"y": gt.tanh(y), "pair": (gt.reduce_sum(y * y), [p.w * gt.reduce_sum(x)])}


def mixed_rank_fn(a, b):
    return (gt.reshape(a, (3, 1)) * b + gt.reduce_sum(gt.exp(b)), gt.constant(2.0, gt.float64))


JACFWD_CASES = {
    "vector, argnums tuple": (vector_fn, (0, 1), (X, Y)),
    "nested in and out": (nested_out_fn, 0, (Params(RNG.standard_normal((3, 2)),
                                                    RNG.standard_normal(2)),
                                             RNG.standard_normal((4, 3)))),
    "nested in and out, both args": (nested_out_fn, (1, 0),
                                     (Params(RNG.standard_normal((3, 2)), RNG.standard_normal(2)),
                                      RNG.standard_normal((4, 3)))),
    "mixed ranks, unconnected output": (mixed_rank_fn, (0, 1),
                                        (RNG.standard_normal(3), RNG.standard_normal(2))),
    "float32 matrix input": (lambda w, x: gt.tanh(gt.matmul(w, x)), 0,
                             (RNG.standard_normal((3, 4)).astype(np.float32),
                              RNG.standard_normal((4, 2)).astype(np.float32))),
    "hessian of scalar": (gt.jacrev(scalar_fn, argnums=(0, 1)), (0, 1), (X, Y)),
}


@pytest.mark.parametrize("case", list(JACFWD_CASES))
def test_jacfwd_equals_one_jvp_per_input_element(case):
    f, argnums, args = JACFWD_CASES[case]
    want = looped_jacfwd(f, argnums)(*args)
    rtol = 1e-5 if case.startswith("float32") else 1e-12
    assert_same_jacobian(gt.jacfwd(f, argnums)(*args), want, rtol=rtol, atol=rtol * 1e-2)


def test_jacfwd_equals_jacrev_on_structured_functions():
    p = Params(RNG.standard_normal((3, 2)), RNG.standard_normal(2))
    x = RNG.standard_normal((4, 3))
    for argnums in (0, 1, (0, 1)):
        fwd, rev = gt.jacfwd(nested_out_fn, argnums)(p, x), gt.jacrev(nested_out_fn, argnums)(p, x)
        assert_same_jacobian(fwd, nest.map_structure(lambda t: t.numpy(), rev))


@pytest.mark.parametrize("n", [2, 40, 400])
def test_jacfwd_runs_the_function_once_whatever_the_input_size(n):
    calls = []

    def f(x):
        calls.append(n)
        return gt.tanh(x) * gt.reduce_sum(x)
    x = np.linspace(-1.0, 1.0, n)
    j = gt.jacfwd(f)(x)
    assert calls == [n]
    t = np.tanh(x)
    np.testing.assert_allclose(j.numpy(), np.diag((1 - t * t) * x.sum()) + t[:, None],
                               rtol=1e-12, atol=1e-14)
    calls.clear()
    gt.hessian(lambda v: gt.reduce_sum(f(v)))(x)
    assert calls == [n]


def test_jacfwd_chunks_under_a_small_memory_budget(monkeypatch):
    calls = []

    def f(x):
        calls.append(1)
        return gt.sin(x) * x[0], {"calls": len(calls)}
    x = RNG.standard_normal(10)
    whole, aux = gt.jacfwd(f, has_aux=True)(x)
    assert calls == [1] and aux == {"calls": 1}
    monkeypatch.setattr(gt.tape, "JACOBIAN_CHUNK_BYTES", 3 * 4 * x.nbytes)
    calls.clear()
    pieces, aux = gt.jacfwd(f, has_aux=True)(x)
    assert 1 < len(calls) < x.size and aux == {"calls": len(calls)}
    np.testing.assert_array_equal(pieces.numpy(), whole.numpy())


def softmax(z):
    e = gt.exp(z - gt.stop_gradient(z[..., :1]))
    return e / gt.reduce_sum(e, axis=-1, keepdims=True)


def mlp_loss(theta, inputs, labels):
    """A two-layer classifier's cross-entropy, parameters packed in one vector."""
    w1 = gt.reshape(theta[:12], (4, 3))
    b1 = theta[12:15]
    w2 = gt.transpose(gt.reshape(theta[15:21], (2, 3)))
    h = gt.tanh(gt.matmul(inputs, w1) + b1)
    p = softmax(gt.matmul(h, w2) + gt.sigmoid(theta[21]))
    return -gt.reduce_mean(gt.reduce_sum(labels * gt.math.log(p), axis=-1)) \
        + 1e-2 * gt.reduce_sum(gt.square(theta))


@pytest.mark.parametrize("transform", ["hessian", "jacfwd(jacfwd)"])
def test_mlp_hessian_needs_no_looped_jvp(transform, monkeypatch):
    def refuse(self, op, *args):
        raise AssertionError(f"op '{op.name}' fell back to one tangent row at a time")
    monkeypatch.setattr(forward.ForwardRecorder, "_looped_jvp", refuse)
    theta = RNG.standard_normal(22)
    inputs = RNG.standard_normal((5, 4))
    labels = np.eye(2)[[0, 1, 1, 0, 1]]
    second = gt.hessian if transform == "hessian" else lambda f: gt.jacfwd(gt.jacfwd(f))
    h = second(mlp_loss)(theta, inputs, labels)
    want = gt.jacrev(gt.jacrev(mlp_loss))(theta, inputs, labels)
    np.testing.assert_allclose(h.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.numpy(), h.numpy().T, rtol=1e-10, atol=1e-12)


def test_derivatives_of_jacfwd_match_central_differences():
    # grad of jacfwd, and a tape / accumulator around it (check_gradients uses both)
    check_gradients(lambda x, y: gt.jacfwd(vector_fn, argnums=(0, 1))(x, y), [X, Y], order=1)
    w = gt.Variable(RNG.standard_normal(3))
    x = RNG.standard_normal(3)
    with gt.GradientTape() as tape:
        j = gt.jacfwd(lambda t: gt.sin(w * t) * gt.reduce_sum(t))(x)
        loss = gt.reduce_sum(j * j)
    (numeric,) = numerical_jacobian(
        lambda v: gt.reduce_sum(gt.jacfwd(lambda t: gt.sin(v * t) * gt.reduce_sum(t))(x) ** 2),
        [w.numpy()])
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_jacfwd_of_empty_and_none_inputs():
    j = gt.jacfwd(lambda x, y: x * 2.0 + gt.reduce_sum(y), argnums=(0, 1))(np.ones(3), np.ones(0))
    np.testing.assert_array_equal(j[0].numpy(), 2.0 * np.eye(3))
    assert j[1].shape == (3, 0)
    got = gt.jacfwd(lambda p: p["a"] * 3.0)({"a": np.ones(2), "skip": None})
    assert got["skip"] is None
    np.testing.assert_array_equal(got["a"].numpy(), 3.0 * np.eye(2))
    assert gt.jacfwd(lambda p: gt.constant(1.0))({"skip": None}) == {"skip": None}


def _second_order_specs():
    from tests.opspec import all_specs
    return [pytest.param(spec, id=spec.name) for spec in all_specs() if spec.order >= 2]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a rule may loop; results must agree
@pytest.mark.parametrize("spec", _second_order_specs())
def test_batched_forward_hessians_of_every_op_equal_reverse_over_reverse(spec):
    for sample in spec.samples:
        arrays, params = sample.arrays, sample.params
        argnums = tuple(range(len(arrays)))

        def f(*xs):
            return gt.reduce_sum(nest.flatten(spec.fn(*xs, *params))[0] ** 2)
        want = gt.jacrev(gt.jacrev(f, argnums), argnums)(*arrays)
        for got in (gt.hessian(f, argnums)(*arrays),
                    gt.jacfwd(gt.jacfwd(f, argnums), argnums)(*arrays)):
            assert_same_jacobian(got, nest.map_structure(lambda t: t.numpy(), want),
                                 rtol=1e-10, atol=1e-12)
