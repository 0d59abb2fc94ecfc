"""Data-parallel step time on 1 and 2 Dask workers, and the per-step overhead.

A compute-bound step: the gradient of an MLP 784-512-512-10 (softmax
cross-entropy) on a batch of 4,096 examples, the batch split over the workers.
Reports the median step time for the single-process tape, for 1 worker and
for 2 workers, and the bytes the driver sends and receives per step.

    python -m benchmarks.bench_distributed [--steps 10]
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


def _median_time(fn, steps):
    fn()  # warm up
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=4096)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((args.batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], args.batch)
    params = make_params()

    def local_step():
        with tf.GradientTape() as tape:
            loss = mlp_loss(params, x, y)
        return tape.gradient(loss, params)

    want = local_step()
    rows = [("single process", _median_time(local_step, args.steps), None)]
    param_bytes = sum(p.numpy().nbytes for p in params)
    for n in (1, 2):
        with DataParallel(n_workers=n) as strategy:
            data = strategy.scatter(x, y)
            got, _ = strategy.gradients(mlp_loss, params, data)
            err = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(got, want))
            assert err < 1e-4, f"data-parallel gradients differ from the local ones by {err}"
            t = _median_time(lambda: strategy.gradients(mlp_loss, params, data), args.steps)
            rows.append((f"{n} worker{'s' if n > 1 else ''}", t, n))
    base = rows[1][1]
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {args.batch}, median of {args.steps} steps")
    print(f"{'setting':<16}{'step (ms)':>12}{'speed-up vs 1 worker':>24}")
    for name, t, n in rows:
        speed = f"{base / t:.2f}x" if n else ""
        print(f"{name:<16}{t * 1e3:>12.1f}{speed:>24}")
    print(f"sent per step: variables {param_bytes / 1e6:.2f} MB to each worker; "
          f"received: one gradient set ({param_bytes / 1e6:.2f} MB) per shard")


if __name__ == "__main__":
    main()
