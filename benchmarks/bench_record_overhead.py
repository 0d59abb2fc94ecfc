"""Per-op recording cost with and without noting each op's user file:line.

Every recorded op notes where in user code it ran (``sites.enabled``),
which ``explain``, ``summary`` and ``check_numerics`` report.  This measures
what that costs on the cheapest op (a multiply of two 2-element tensors, so
the bookkeeping dominates), with the two settings interleaved to share the
machine's noise, and for reference an op with no tape and the debug mode that
keeps full stacks.  It also measures a whole tiny step (a tape with one op and
its gradient) with all of explain's notes on and off: the fixed costs per tape.

Run: python benchmarks/bench_record_overhead.py [--rounds N]
"""
import argparse
import os
import statistics
import sys
import time
import timeit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import gradtape as tf  # noqa: E402
from gradtape._core import sites  # noqa: E402

OPS = 2000


def _record_ops(x, y):
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = x
        for _ in range(OPS):
            z = z * y
    return tape


def _no_tape(x, y):
    z = x
    for _ in range(OPS):
        z = z * y


def per_op(fn, x, y, number=3, repeat=3):
    """CPU seconds per op (less disturbed by other processes than wall time):
    best of ``repeat`` runs of ``number`` calls."""
    runs = timeit.repeat(lambda: fn(x, y), number=number, repeat=repeat, timer=time.process_time)
    return min(runs) / (number * OPS)


def _small_step(x, y):
    with tf.GradientTape() as tape:
        z = x * y
    tape.gradient(z, x)


def _explain_support(on, _saved={}):
    """Turn everything explain notes off (False) or back on (True)."""
    ex = sys.modules["gradtape.diagnostics.history"]
    names = ("_note_event", "_graph_of", "_keep_for_explain")
    if not _saved:
        _saved.update({n: getattr(ex, n) for n in names})
    for n in names:
        setattr(ex, n, _saved[n] if on else (lambda *a: None))
    sites.enabled = on


def _mlp_step(params, x):
    w1, b1, w2 = params
    with tf.GradientTape() as tape:
        h = tf.tanh(x @ w1 + b1)
        loss = tf.reduce_mean(tf.square(h @ w2))
    tape.gradient(loss, params)


def step_overhead(rounds):
    """Whole steps (enter, ops, exit, gradient) with all of explain's notes on
    and off: what a tape costs once, beyond its ops."""
    rng = np.random.default_rng(0)
    params = [tf.Variable(rng.normal(size=(16, 32)).astype(np.float32)),
              tf.Variable(np.zeros(32, np.float32)),
              tf.Variable(rng.normal(size=(32, 4)).astype(np.float32))]
    batch = tf.constant(rng.normal(size=(8, 16)).astype(np.float32))
    x = tf.Variable([1.0, 2.0])
    y = tf.constant([1.0, 1.0])
    steps = {"tiny step (1 op + gradient)": lambda: _small_step(x, y),
             "small MLP step (6 ops + gradient)": lambda: _mlp_step(params, batch)}
    for name, step in steps.items():
        on, off = [], []
        for _ in range(rounds):
            for flag, out in ((False, off), (True, on)):
                _explain_support(flag)
                out.append(min(timeit.repeat(step, number=200, repeat=3,
                                             timer=time.process_time)) / 200)
        _explain_support(True)
        print(f"{name}: {min(off) * 1e6:.2f} us without explain support, "
              f"{min(on) * 1e6:.2f} us with ({(min(on) / min(off) - 1) * 100:+.1f}%)")


def main(rounds=25):
    x = tf.constant([1.0, 2.0])
    y = tf.constant([1.0, 1.0])
    on, off = [], []
    for _ in range(rounds):
        sites.enabled = False
        off.append(per_op(_record_ops, x, y))
        sites.enabled = True
        on.append(per_op(_record_ops, x, y))
    ratios = [a / b for a, b in zip(on, off)]
    tf.debugging.set_debug_mode(True)
    debug = per_op(_record_ops, x, y, number=1)
    tf.debugging.set_debug_mode(False)
    bare = per_op(_no_tape, x, y)
    print(f"per-op CPU time, {rounds} interleaved rounds (best of 3x3 runs of {OPS} ops each)")
    print(f"  no tape                        {bare * 1e6:7.3f} us")
    print(f"  recorded, sites off            {min(off) * 1e6:7.3f} us (median {statistics.median(off) * 1e6:.3f})")
    print(f"  recorded, sites on (default)   {min(on) * 1e6:7.3f} us (median {statistics.median(on) * 1e6:.3f})")
    print(f"  recorded, debug mode (stacks)  {debug * 1e6:7.3f} us")
    print(f"overhead of noting sites: {(min(on) / min(off) - 1) * 100:+.1f}% (best vs best), "
          f"{(statistics.median(ratios) - 1) * 100:+.1f}% (median of per-round ratios)")
    step_overhead(rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    main(parser.parse_args().rounds)
