"""Memory of one forward + backward pass of a deep MLP, with and without
checkpointing (``gradtape.recompute_grad``).

Two kinds of block: *dense* ``tanh(h @ W_i + b_i)`` and *residual*
``h + tanh(h @ W_i + b_i)``; the loss is the mean square of the last
activation; the pass returns the gradients of all parameters.  Three ways to
run it: no checkpointing, every block checkpointed, and every segment of
``k ~ sqrt(depth)`` blocks checkpointed (the classic sqrt(n) schedule).

The tape keeps only what VJP rules read, so a dense block already leaves ONE
activation on it (tanh's output, which is also the next block's input):
checkpointing single dense blocks cannot save anything, only segments can.
A residual block leaves two (tanh's output and the sum), and checkpointing it
keeps one.
``tracemalloc`` (which sees NumPy's allocations) measures, above what existed
before the pass (input and parameters):

- *held after forward*: what the tape keeps for the backward pass,
- *peak*: the highest allocation during forward + backward (it includes the
  parameter gradients, which every variant must return).

Run with ``python -m benchmarks.bench_checkpoint [--depth 50 --width 256 --batch 256]``.
"""
import argparse
import gc
import math
import time
import tracemalloc

import numpy as np

import gradtape as gt

MIB = 2.0 ** 20


def make_model(depth, width, batch, seed=0):
    """Input batch and per-block (W, b) Variables, scaled to keep tanh unsaturated."""
    rng = np.random.default_rng(seed)
    x = gt.constant(rng.standard_normal((batch, width)).astype(np.float32))
    scale = 1.0 / np.sqrt(width)
    params = [(gt.Variable((rng.standard_normal((width, width)) * scale).astype(np.float32)),
               gt.Variable(np.zeros(width, np.float32))) for _ in range(depth)]
    return x, params


def dense(h, w, b):
    """``tanh(h @ w + b)``."""
    return gt.tanh(h @ w + b)


def residual(h, w, b):
    """``h + tanh(h @ w + b)``."""
    return h + gt.tanh(h @ w + b)


def _blocks(block, params):
    def run(h):
        for w, b in params:
            h = block(h, w, b)
        return h
    return run


def forward_backward(x, params, segment, block=dense, after_forward=lambda: None):
    """Gradients of the loss for every parameter; ``segment`` blocks per
    checkpoint (0: no checkpointing).  ``after_forward`` runs before the backward pass."""
    variables = [v for wb in params for v in wb]
    step = segment or len(params)
    with gt.GradientTape() as tape:
        h = x
        for start in range(0, len(params), step):
            run = _blocks(block, params[start:start + step])
            h = gt.recompute_grad(run)(h) if segment else run(h)
        loss = gt.reduce_mean(h * h)
        after_forward()
    return tape.gradient(loss, variables)


def measure(x, params, segment, block):
    """(bytes held after the forward pass, peak bytes) above the start of the pass."""
    gc.collect()
    held = []
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        grads = forward_backward(x, params, segment, block,
                                 lambda: held.append(tracemalloc.get_traced_memory()[0]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del grads
    return held[0] - start, peak - start


def seconds(fn, repeat=3):
    """Best wall-clock time of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def report(block, x, params):
    """Print one table: the three variants for ``block``."""
    k = max(1, round(math.sqrt(len(params))))
    variants = [("no checkpointing", 0), ("recompute_grad per block", 1),
                (f"recompute_grad per {k} blocks", k)]
    reference = forward_backward(x, params, 0, block)
    print(f"{block.__name__} blocks: {block.__doc__.strip('`.')}")
    print(f"  {'':30s} {'held after forward':>18s} {'peak fwd+bwd':>13s} {'time':>9s} "
          f"{'max |grad diff|':>16s}")
    for name, segment in variants:
        got = forward_backward(x, params, segment, block)
        err = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(reference, got))
        del got
        held, peak = measure(x, params, segment, block)
        t = seconds(lambda: forward_backward(x, params, segment, block))
        print(f"  {name:30s} {held / MIB:14.1f} MiB {peak / MIB:9.1f} MiB {t * 1e3:6.0f} ms "
              f"{err:16.1e}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args(argv)
    x, params = make_model(args.depth, args.width, args.batch)
    grads = sum(w._value.nbytes + b._value.nbytes for w, b in params) / MIB
    print(f"MLP of {args.depth} blocks, width {args.width}, batch {args.batch}, float32: "
          f"one activation {x._value.nbytes / MIB:.2f} MiB, all gradients {grads:.1f} MiB")
    for block in (dense, residual):
        report(block, x, params)


if __name__ == "__main__":
    main()
