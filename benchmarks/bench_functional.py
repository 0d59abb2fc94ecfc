"""Hessians and Hessian-vector products of the functional transforms.

f(x) = sum(tanh(W @ x) ** 2) with W of shape (n, n), float32, n = 50 and 200.
With t = tanh(W @ x) and d = 2 (1 - t^2)(1 - 3 t^2) the closed forms are
H = W^T diag(d) W and H v = W^T (d * (W v)), which NumPy computes directly.

Hessians, each including the function's own evaluation:

- ``hessian``: ``jacfwd(jacrev(f))``, one forward pass carrying a block of n
  basis tangents through the reverse sweep;
- ``jacfwd(jacfwd(f))`` and ``jacrev(jacrev(f))``;
- the per-element loop: one ``gt.jvp`` of ``jacrev(f)`` per input element,
  which is how ``jacfwd`` worked before it vectorized.

``jacfwd(jacfwd(f))`` pushes n x n second-order directions through
``W @ x``, so it does O(n^4) work where the others do O(n^3): it is shown
for scale, not as a way to build this Hessian.  Then ``hvp`` (forward over
reverse, no Hessian formed) against NumPy.

BLAS runs single-threaded for every contender (unless the environment says
otherwise): on a shared machine threaded BLAS makes small-matrix timings
swing by 100x.

Run: ``python -m benchmarks.bench_functional`` (``--quick`` for fewer repeats).
"""
import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the BLAS thread settings)

import gradtape as gt  # noqa: E402
from benchmarks.bench_jacobian import median_time  # noqa: E402


def problem(n, seed=0):
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    x = rng.standard_normal(n).astype(np.float32)
    v = rng.standard_normal(n).astype(np.float32)
    return w, x, v


def make_f(w):
    wt = gt.constant(w)

    def f(x):
        return gt.reduce_sum(gt.tanh(gt.linalg.matmul(wt, gt.reshape(x, (-1, 1)))) ** 2)
    return f


def curvature(w, x):
    t = np.tanh(w @ x)
    t2 = t * t
    return 2.0 * (1.0 - t2) * (1.0 - 3.0 * t2)


def hessian_numpy(w, x):
    return w.T @ (curvature(w, x)[:, None] * w)


def hvp_numpy(w, x, v):
    return w.T @ (curvature(w, x) * (w @ v))


def looped_jacfwd(g):
    """The Jacobian of ``g`` at a vector, one ``gt.jvp`` per input element."""
    def jac(x):
        eye = np.eye(x.numpy().size, dtype=x.numpy().dtype)
        columns = [gt.jvp(g, (x,), (e,))[1] for e in eye]
        return gt.stack(columns, axis=-1)
    return jac


def hessians(f):
    return {
        "hessian = jacfwd(jacrev)": gt.hessian(f),
        "jacfwd(jacfwd)": gt.jacfwd(gt.jacfwd(f)),
        "jacrev(jacrev)": gt.jacrev(gt.jacrev(f)),
        "old loop: jvp per element of jacrev": looped_jacfwd(gt.jacrev(f)),
    }


def bench_hessians(n, rep):
    w, x, _ = problem(n)
    f, xt = make_f(w), gt.constant(x)
    want = hessian_numpy(w, x)
    t_np = median_time(lambda: hessian_numpy(w, x), rep, 20)
    print(f"\nHessian of sum(tanh(W @ x)**2), n = {n} (medians)")
    print(f"  {'numpy (closed form)':38s}{t_np * 1e3:9.3f} ms")
    times = {}
    for name, h in hessians(f).items():
        np.testing.assert_allclose(h(xt).numpy(), want, rtol=2e-4, atol=2e-5)
        times[name] = median_time(lambda: h(xt), max(3, rep // 3 if "loop" in name else rep))
    base = times["hessian = jacfwd(jacrev)"]
    for name, t in times.items():
        print(f"  {name:38s}{t * 1e3:9.3f} ms  ({t / base:6.2f}x hessian, "
              f"{t / t_np:7.1f}x numpy)")


def bench_hvp(n, rep):
    w, x, v = problem(n)
    f, xt, vt = make_f(w), gt.constant(x), gt.constant(v)
    np.testing.assert_allclose(gt.hvp(f, (xt,), (vt,)).numpy(), hvp_numpy(w, x, v),
                               rtol=2e-4, atol=2e-5)
    t_np = median_time(lambda: hvp_numpy(w, x, v), rep, 20)
    t_gt = median_time(lambda: gt.hvp(f, (xt,), (vt,)), rep, 5)
    print(f"\nHessian-vector product, n = {n} (medians)")
    print(f"  {'numpy (closed form)':38s}{t_np * 1e6:9.1f} us")
    print(f"  {'hvp (forward over reverse)':38s}{t_gt * 1e6:9.1f} us  ({t_gt / t_np:7.1f}x numpy)")


def main(argv=()):
    rep = 3 if "--quick" in argv else 15
    for n in (50, 200):
        bench_hessians(n, rep)
    for n in (50, 200):
        bench_hvp(n, rep)


if __name__ == "__main__":
    main(sys.argv[1:])
