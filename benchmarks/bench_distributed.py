"""Data-parallel step time on 1 and 2 Dask workers, and the per-step overhead.

A compute-bound step: the gradient of an MLP 784-512-512-10 (softmax
cross-entropy) on a batch of 4,096 examples, the batch split over the workers.
Two kinds of step are timed, each as the median of ``--steps`` steps:

* ``gradients``: ``strategy.gradients`` with the variables unchanged between
  steps (no values cross the wire);
* ``train``: the same plus an SGD update applied on the driver, so every
  variable changed and its new value is sent to every worker the next step:
  what a training loop (and ``fit``) pays.

The single process runs the same two steps with one tape.  The per-step
overhead is ``(n-worker step) - (single-process step) / n``: what the
parallel step costs beyond a perfect split of the single-process work.  The
breakdown of the training step comes from ``strategy.last_step``: the time the
slowest replica spent on it (and its CPU time: less than that when the
machine's cores are busy with other work), the rest of the round trip (serializing, the
wire, waking the replicas) and the driver's summation of the gradients.

    python -m benchmarks.bench_distributed [--steps 15] [--repeats 3]
"""
import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import gradtape as tf  # noqa: E402
from gradtape.distribute import DataParallel  # noqa: E402

SIZES = (784, 512, 512, 10)
LEARNING_RATE = 1e-3


def make_params(seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        params.append(tf.Variable((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)))
        params.append(tf.Variable(np.zeros(n_out, np.float32)))
    return params


def mlp_loss(params, x, y):
    h = tf.constant(x)
    for i in range(0, len(params) - 2, 2):
        h = tf.nn.relu(h @ params[i] + params[i + 1])
    logits = h @ params[-2] + params[-1]
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


def _sgd(params, grads):
    for p, g in zip(params, grads):
        p.assign_sub(LEARNING_RATE * g)


def _median_time(fn, steps, after=None):
    fn()  # warm up
    times, extra = [], []
    for _ in range(steps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if after is not None:
            extra.append(after())
    return float(np.median(times)), extra


def _local_steps(x, y, steps):
    params = make_params()

    def gradients():
        with tf.GradientTape() as tape:
            loss = mlp_loss(params, x, y)
        return tape.gradient(loss, params)

    want = gradients()
    return want, {"gradients": _median_time(gradients, steps)[0],
                  "train": _median_time(lambda: _sgd(params, gradients()), steps)[0]}


def _parallel_steps(n, x, y, steps, want):
    params = make_params()
    with DataParallel(n_workers=n) as strategy:
        data = strategy.scatter(x, y)
        got, _ = strategy.gradients(mlp_loss, params, data)
        err = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(got, want))
        assert err < 1e-4, f"data-parallel gradients differ from the local ones by {err}"
        steps_of = {"gradients": lambda: strategy.gradients(mlp_loss, params, data),
                    "train": lambda: _sgd(params, strategy.gradients(mlp_loss, params, data)[0])}
        times, profiles = {}, {}
        for kind, step in steps_of.items():
            times[kind], last = _median_time(step, steps, after=lambda: dict(strategy.last_step))
            profiles[kind] = {k: float(np.median([p[k] for p in last])) for k in last[0]}
    return times, profiles


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=1,
                        help="run everything this many times; show the median and range")
    parser.add_argument("--batch", type=int, default=4096)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((args.batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], args.batch)
    runs = []
    for _ in range(args.repeats):
        want, single = _local_steps(x, y, args.steps)
        runs.append({"single": (single, None)})
        for n in (1, 2):
            runs[-1][n] = _parallel_steps(n, x, y, args.steps, want)
    _report(runs, args)


def _spread(values):
    values = sorted(values)
    mid = values[len(values) // 2] * 1e3
    if len(values) == 1:
        return f"{mid:.1f}"
    return f"{mid:.1f} ({values[0] * 1e3:.0f}-{values[-1] * 1e3:.0f})"


def _ratios(values):
    values = sorted(values)
    mid = f"{values[len(values) // 2]:.2f}x"
    return mid if len(values) == 1 else f"{mid} ({values[0]:.2f}-{values[-1]:.2f})"


def _report(runs, args):
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {args.batch}, median of {args.steps} "
          f"steps{f', {len(runs)} runs: median (range)' if len(runs) > 1 else ''}, ms")
    print(f"{'setting':<16}{'gradients':>18}{'train step':>18}{'overhead':>18}  "
          f"{'speed-up (gradients, train)':>30}")
    for setting, n in (("single process", "single"), ("1 worker", 1), ("2 workers", 2)):
        grad = _spread([r[n][0]["gradients"] for r in runs])
        train = _spread([r[n][0]["train"] for r in runs])
        if n == "single":
            overhead = speed = ""
        else:
            overhead = _spread([r[n][0]["train"] - r["single"][0]["train"] / n for r in runs])
            speed = ", ".join(_ratios([r["single"][0][kind] / r[n][0][kind] for r in runs])
                              for kind in ("gradients", "train"))
        print(f"{setting:<16}{grad:>18}{train:>18}{overhead:>18}  {speed:>30}")
    print("\nbreakdown, median over steps (ms): slowest replica (its CPU time) | rest of "
          "the round trip | summing on the driver | MB sent | MB received")
    for n, kind in ((1, "gradients"), (1, "train"), (2, "gradients"), (2, "train")):
        p = [r[n][1][kind] for r in runs]
        print(f"{n} worker{'s' if n > 1 else ' '} {kind:<10}"
              f"{_spread([q['worker'] for q in p]):>14} "
              f"({_spread([q['worker_cpu'] for q in p])}) | "
              f"{_spread([q['round_trip'] - q['worker'] for q in p]):>14} | "
              f"{_spread([q['combine'] for q in p]):>12} | "
              f"{np.median([q['bytes_sent'] for q in p]) / 1e6:.2f} | "
              f"{np.median([q['bytes_received'] for q in p]) / 1e6:.2f}")
    print("speed-up = single-process step / n-worker step, of the same kind; overhead = "
          "n-worker train step - single-process train step / n")


if __name__ == "__main__":
    main()
