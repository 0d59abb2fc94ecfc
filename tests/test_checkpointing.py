"""recompute_grad / checkpoint: same derivatives, smaller tapes."""
import warnings

import numpy as np
import pytest

import gradtape as gt
from gradtape._core.reverse import Meta
from gradtape.testing import check_gradients

RNG = np.random.default_rng(3)
DEPTH, WIDTH, BATCH = 4, 6, 5


@pytest.fixture
def mlp():
    ws = [gt.Variable(RNG.standard_normal((WIDTH, WIDTH)) / 2, name=f"w{i}") for i in range(DEPTH)]
    bs = [gt.Variable(RNG.standard_normal(WIDTH), name=f"b{i}") for i in range(DEPTH)]
    x = gt.constant(RNG.standard_normal((BATCH, WIDTH)))
    return x, ws, bs


class Counted:
    """A residual block ``h + tanh(h @ w + b)`` that counts how often it runs."""

    def __init__(self, w, b):
        self.w, self.b, self.calls = w, b, 0

    def __call__(self, h):
        self.calls += 1
        return h + gt.tanh(h @ self.w + self.b)


def run_mlp(x, ws, bs, wrap, persistent=False):
    blocks = [Counted(w, b) for w, b in zip(ws, bs)]
    tape = gt.GradientTape(persistent=persistent)
    with tape:
        tape.watch(x)
        h = x
        for block in blocks:
            h = wrap(block)(h)
        loss = gt.reduce_sum(h * h)
    return tape, loss, blocks


def saved_arrays(tape):
    """The distinct arrays the tape keeps for its backward pass."""
    arrays = {}
    for entry in tape._rec.views():
        if entry is None:
            continue
        saved, ans = entry.saved, entry.ans
        for t in tuple(saved) + ((ans,) if ans is not None and type(ans) is not tuple
                                 else tuple(ans or ())):
            if type(t) is not Meta:
                arrays[id(t._value)] = t._value
    return list(arrays.values())


@pytest.mark.parametrize("wrap", [gt.recompute_grad, gt.checkpoint], ids=["recompute_grad", "checkpoint"])
def test_same_gradients_as_without(mlp, wrap):
    x, ws, bs = mlp
    tape, loss, _ = run_mlp(x, ws, bs, lambda f: f)
    want = tape.gradient(loss, [x] + ws + bs)
    tape, loss2, blocks = run_mlp(x, ws, bs, wrap)
    assert [b.calls for b in blocks] == [1] * DEPTH
    got = tape.gradient(loss2, [x] + ws + bs)
    assert [b.calls for b in blocks] == [2] * DEPTH  # each block ran again, once
    np.testing.assert_array_equal(loss2.numpy(), loss.numpy())
    for g, w in zip(got, want):
        assert g is not None and g.dtype == w.dtype
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12, atol=1e-14)


def test_the_tape_holds_fewer_entries_and_arrays(mlp):
    x, ws, bs = mlp
    plain, _, _ = run_mlp(x, ws, bs, lambda f: f)
    ckpt, _, _ = run_mlp(x, ws, bs, gt.recompute_grad)
    # per block: matmul, add, tanh, add without; one entry with; plus the loss's two
    assert len(plain._rec.entries) == 4 * DEPTH + 2
    assert len(ckpt._rec.entries) == DEPTH + 2
    ops = [e.op.name for e in ckpt._rec.views()]
    assert all(name.startswith("recompute_grad:") for name in ops[:DEPTH])
    # activations held (parameters aside): each block's input and tanh's output
    # without; only each block's input with
    params = {id(v._value) for v in ws + bs}
    plain_acts = [a for a in saved_arrays(plain) if id(a) not in params]
    ckpt_acts = [a for a in saved_arrays(ckpt) if id(a) not in params]
    assert len(plain_acts) == 2 * DEPTH + 1 and len(ckpt_acts) == DEPTH + 1
    assert sum(a.nbytes for a in ckpt_acts) < sum(a.nbytes for a in plain_acts)


def test_segment_checkpoint_keeps_only_the_segment_input(mlp):
    x, ws, bs = mlp

    def segment(h):
        for w, b in zip(ws, bs):
            h = gt.tanh(h @ w + b)
        return h
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.recompute_grad(segment)(x)
    (entry,) = tape._rec.views()
    kept = [t for t in entry.saved if type(t) is not Meta]
    assert kept[0] is x
    assert {id(t._value) for t in kept[1:]} == {id(v._value) for v in ws + bs}
    grads = tape.gradient(y, ws)
    with gt.GradientTape() as tape:
        want = tape.gradient(segment(x), ws)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)


def test_derivatives_against_central_differences_first_and_second_order():
    f = gt.recompute_grad(lambda a, b: gt.sin(a) * b + a @ gt.transpose(b))
    check_gradients(f, [RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))], order=2)


def test_nested_tapes_see_one_entry_each_and_give_second_derivatives():
    x = gt.constant(0.7, dtype=gt.float64)
    f = gt.recompute_grad(lambda a: gt.sin(a) * a)
    with gt.GradientTape() as outer:
        outer.watch(x)
        with gt.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        assert len(inner._rec.entries) == 1 and len(outer._rec.entries) == 1
        d1 = inner.gradient(y, x)
    d2 = outer.gradient(d1, x)
    np.testing.assert_allclose(d1.numpy(), np.cos(0.7) * 0.7 + np.sin(0.7), rtol=1e-12)
    np.testing.assert_allclose(d2.numpy(), 2 * np.cos(0.7) - 0.7 * np.sin(0.7), rtol=1e-12)


def test_composes_with_functional_transforms():
    f = lambda t: gt.sin(t) ** 2  # noqa: E731
    g = gt.checkpoint(f)
    for x in (-1.0, 0.3, 2.0):
        x = np.float64(x)
        np.testing.assert_allclose(gt.grad(gt.grad(g))(x).numpy(), gt.grad(gt.grad(f))(x).numpy(),
                                   rtol=1e-12)
        np.testing.assert_allclose(gt.jvp(g, (x,), (np.float64(1.0),))[1].numpy(),
                                   np.sin(2 * x), rtol=1e-12)


def test_jacobian_through_a_checkpoint(mlp):
    x, ws, bs = mlp
    block = Counted(ws[0], bs[0])
    with gt.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y_ckpt = gt.recompute_grad(block)(x)
        y_plain = block(x)
    for source in (x, ws[0], bs[0]):
        np.testing.assert_allclose(tape.jacobian(y_ckpt, source).numpy(),
                                   tape.jacobian(y_plain, source).numpy(), rtol=1e-12)


def test_structured_outputs_and_keyword_arguments():
    v = gt.Variable([1.0, 2.0])

    def f(a, scale=1.0):
        return {"prod": a * v * scale, "same": (a,)}
    a = gt.constant([3.0, 4.0])
    with gt.GradientTape() as tape:
        tape.watch(a)
        out = gt.recompute_grad(f)(a, scale=2.0)
        loss = gt.reduce_sum(out["prod"]) + gt.reduce_sum(out["same"][0] * 10.0)
    assert set(out) == {"prod", "same"} and isinstance(out["same"], tuple)
    da, dv = tape.gradient(loss, [a, v])
    np.testing.assert_allclose(da.numpy(), [2.0 + 10.0, 4.0 + 10.0])
    np.testing.assert_allclose(dv.numpy(), [6.0, 8.0])


def test_nested_checkpoints_reach_variables_read_inside():
    v = gt.Variable(1.5)
    inner = gt.recompute_grad(lambda t: gt.sin(t * v))
    outer = gt.recompute_grad(lambda t: inner(t) * t)
    x = gt.constant(0.4)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = outer(x)
    dx, dv = tape.gradient(y, [x, v])
    np.testing.assert_allclose(dv.numpy(), np.cos(0.6) * 0.4 * 0.4, rtol=1e-6)
    np.testing.assert_allclose(dx.numpy(), np.cos(0.6) * 1.5 * 0.4 + np.sin(0.6), rtol=1e-6)


def test_integer_and_python_number_arguments():
    f = gt.recompute_grad(lambda t, k, c: t[k] * c)
    x = gt.constant([1.0, 2.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with gt.GradientTape() as tape:
            tape.watch(x)
            y = f(x, 2, 4.0)
        dx = tape.gradient(y, x)
    np.testing.assert_array_equal(dx.numpy(), [0.0, 0.0, 4.0])


def test_without_a_tape_it_is_the_plain_function():
    calls = []
    f = gt.recompute_grad(lambda t: calls.append(1) or t * 2.0)
    assert f(gt.constant(1.5)).numpy() == 3.0 and calls == [1]


def test_non_tensor_output_is_a_clear_error():
    with gt.GradientTape() as tape:
        tape.watch(x := gt.constant(1.0))
        with pytest.raises(TypeError, match="recompute_grad: <lambda> must return tensors.*str"):
            gt.recompute_grad(lambda t: "text")(x)
