"""Hessian-vector product, forward-over-reverse, against hand-written NumPy.

f(x) = sum(c * tanh(x)**2) with x of size 10,000.  gradtape computes H v by
running the tape's gradient under a ForwardAccumulator whose tangent is v;
NumPy uses the closed form H v = 2 c (1 - t^2) (1 - 3 t^2) v with t = tanh(x).
Target: gradtape within 8x of NumPy.  Reverse-over-reverse is shown too, and
forward-over-reverse compiled with ``gradtape.function``.

The ratios are medians over interleaved rounds, each ratio taken within its
round, so a shared, noisy machine moves both timings of a round together.

Run: ``python -m benchmarks.bench_hvp`` (``--quick`` for fewer repeats).
"""
import statistics
import sys

import numpy as np

import gradtape as tf
from benchmarks.bench_jacobian import median_time


def problem(n=10_000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).astype(np.float32)
    c = rng.uniform(0.5, 2.0, n).astype(np.float32)
    v = rng.standard_normal(n).astype(np.float32)
    return x, c, v


def hvp_numpy(x, c, v):
    t = np.tanh(x)
    t2 = t * t
    return 2.0 * c * (1.0 - t2) * (1.0 - 3.0 * t2) * v


def hvp_forward_over_reverse(x, c, v):
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(c * tf.tanh(x) ** 2)
        g = tape.gradient(y, x)
    return acc.jvp(g)


def hvp_reverse_over_reverse(x, c, v):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(c * tf.tanh(x) ** 2)
        g = inner.gradient(y, x)
        gv = tf.reduce_sum(g * v)
    return outer.gradient(gv, x)


def main(argv=()):
    rounds, rep = (3, 5) if "--quick" in argv else (9, 11)
    x, c, v = problem()
    xt, ct, vt = tf.constant(x), tf.constant(c), tf.constant(v)
    want = hvp_numpy(x, c, v)
    hvp_compiled = tf.function(hvp_forward_over_reverse)
    for fn in (hvp_forward_over_reverse, hvp_reverse_over_reverse, hvp_compiled):
        np.testing.assert_allclose(fn(xt, ct, vt).numpy(), want, rtol=2e-4, atol=1e-5)
    # the machine may be shared: ratios are taken within each round, and the
    # medians over rounds reported
    times = {"np": [], "fr": [], "rr": [], "fc": []}
    ratios = {"fr": [], "rr": [], "fc": []}
    for _ in range(rounds):
        t_np = median_time(lambda: hvp_numpy(x, c, v), rep, 20)
        t_fr = median_time(lambda: hvp_forward_over_reverse(xt, ct, vt), rep, 5)
        t_rr = median_time(lambda: hvp_reverse_over_reverse(xt, ct, vt), rep, 5)
        t_fc = median_time(lambda: hvp_compiled(xt, ct, vt), rep, 5)
        for key, t in (("np", t_np), ("fr", t_fr), ("rr", t_rr), ("fc", t_fc)):
            times[key].append(t)
            if key != "np":
                ratios[key].append(t / t_np)
    med = {k: statistics.median(t) for k, t in times.items()}
    fr, rr, fc = (statistics.median(ratios[k]) for k in ("fr", "rr", "fc"))
    print("Hessian-vector product of sum(c * tanh(x)**2), n = 10,000 (medians)")
    print(f"numpy (closed form)      {med['np'] * 1e6:9.1f} us")
    print(f"forward-over-reverse     {med['fr'] * 1e6:9.1f} us  ({fr:5.1f}x numpy, target <= 8x)")
    print(f"reverse-over-reverse     {med['rr'] * 1e6:9.1f} us  ({rr:5.1f}x numpy)")
    print(f"forward-over-reverse, gradtape.function "
          f"{med['fc'] * 1e6:9.1f} us  ({fc:5.1f}x numpy)")


if __name__ == "__main__":
    main(sys.argv[1:])
