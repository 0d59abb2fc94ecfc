"""Two convolution layers, forward and backward, against hand-written NumPy.

x (32, 28, 28, 1) -> conv 3x3x1x16 (SAME) -> relu -> conv 3x3x16x32 (SAME) ->
sum of squares; the gradients with respect to both filters (so the second
layer's input gradient too).  The NumPy reference is a plain im2col
(``sliding_window_view`` + one matmul per product, the input gradient summed
tap by tap); PyTorch (``torch.nn.functional.conv2d``, NCHW) runs when it is
importable.  Also timed: a max_pool2d + avg_pool2d step on the first layer's
output.

Ratios are medians over interleaved rounds, each ratio taken within its round.

Run: ``python -m benchmarks.bench_conv`` (``--quick`` for fewer repeats).
"""
import statistics
import sys

import numpy as np

import gradtape as tf
from benchmarks.bench_jacobian import median_time

_window = np.lib.stride_tricks.sliding_window_view


def problem(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((32, 28, 28, 1)).astype(np.float32)
    w1 = (rng.standard_normal((3, 3, 1, 16)) / 3).astype(np.float32)
    w2 = (rng.standard_normal((3, 3, 16, 32)) / 12).astype(np.float32)
    return x, w1, w2


# ---------------------------------------------------------------------------
# hand-written NumPy (stride 1, 3x3, SAME)
# ---------------------------------------------------------------------------

def _cols(x):
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    win = _window(xp, (3, 3), axis=(1, 2))  # (N, H, W, C, 3, 3)
    return win.transpose(0, 1, 2, 4, 5, 3).reshape(-1, 9 * x.shape[-1])


def _conv_np(x, w):
    cols = _cols(x)
    return (cols @ w.reshape(-1, w.shape[-1])).reshape(x.shape[:3] + (w.shape[-1],)), cols


def _conv_input_grad_np(g, w, shape):
    n, h, wd, c = shape
    taps = (g.reshape(-1, w.shape[-1]) @ w.reshape(-1, w.shape[-1]).T).reshape(n, h, wd, 3, 3, c)
    out = np.zeros((n, h + 2, wd + 2, c), g.dtype)
    for i in range(3):
        for j in range(3):
            out[:, i:i + h, j:j + wd] += taps[:, :, :, i, j]
    return out[:, 1:-1, 1:-1]


def step_numpy(x, w1, w2):
    a, cols1 = _conv_np(x, w1)
    r = np.maximum(a, 0)
    y, cols2 = _conv_np(r, w2)
    loss = np.sum(y * y)
    gy = 2 * y
    gw2 = (cols2.T @ gy.reshape(-1, 32)).reshape(w2.shape)
    gr = _conv_input_grad_np(gy, w2, r.shape)
    ga = gr * (a > 0)
    gw1 = (cols1.T @ ga.reshape(-1, 16)).reshape(w1.shape)
    return loss, gw1, gw2


def step_gradtape(x, w1, w2):
    with tf.GradientTape() as tape:
        tape.watch([w1, w2])
        r = tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME"))
        y = tf.nn.conv2d(r, w2, 1, "SAME")
        loss = tf.reduce_sum(y * y)
    gw1, gw2 = tape.gradient(loss, [w1, w2])
    return loss, gw1, gw2


def pool_gradtape(x, w1):
    a = tf.nn.conv2d(x, w1, 1, "SAME")
    with tf.GradientTape() as tape:
        tape.watch(a)
        loss = tf.reduce_sum(tf.nn.max_pool2d(a, 2, 2, "SAME") ** 2) + \
            tf.reduce_sum(tf.nn.avg_pool2d(a, 3, 1, "SAME") ** 2)
    return tape.gradient(loss, a)


def _torch_step():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def step(x, w1, w2):
        w1.grad = w2.grad = None
        r = torch.relu(torch.nn.functional.conv2d(x, w1, padding=1))
        y = torch.nn.functional.conv2d(r, w2, padding=1)
        loss = (y * y).sum()
        loss.backward()
        return loss, w1.grad, w2.grad

    def prepare(x, w1, w2):  # NHWC / HWIO to NCHW / OIHW
        return (torch.tensor(x.transpose(0, 3, 1, 2)),
                torch.tensor(w1.transpose(3, 2, 0, 1), requires_grad=True),
                torch.tensor(w2.transpose(3, 2, 0, 1), requires_grad=True))
    return step, prepare


def main(argv=()):
    rounds, rep = (3, 3) if "--quick" in argv else (7, 9)
    x, w1, w2 = problem()
    xt, w1t, w2t = tf.constant(x), tf.constant(w1), tf.constant(w2)
    want = step_numpy(x, w1, w2)
    compiled = tf.function(step_gradtape)
    for fn in (step_gradtape, compiled):
        got = fn(xt, w1t, w2t)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.numpy(), w, rtol=2e-3, atol=1e-2)
    cases = {"gradtape": lambda: step_gradtape(xt, w1t, w2t),
             "gradtape.function": lambda: compiled(xt, w1t, w2t)}
    torch_step = _torch_step()
    if torch_step is None:
        print("PyTorch is not installed: its column is skipped")
    else:
        step, prepare = torch_step
        args = prepare(x, w1, w2)
        got = step(*args)
        np.testing.assert_allclose(got[2].numpy().transpose(2, 3, 1, 0), want[2],
                                   rtol=2e-3, atol=1e-2)
        cases["pytorch"] = lambda: step(*args)
    times = {"numpy": [], "pools (gradtape)": []}
    ratios = {k: [] for k in cases}
    for k in cases:
        times[k] = []
    for _ in range(rounds):
        t_np = median_time(lambda: step_numpy(x, w1, w2), rep)
        times["numpy"].append(t_np)
        for k, fn in cases.items():
            t = median_time(fn, rep)
            times[k].append(t)
            ratios[k].append(t / t_np)
        times["pools (gradtape)"].append(median_time(lambda: pool_gradtape(xt, w1t), rep))
    print("conv2d forward + backward: (32,28,28,1) -> 3x3x1x16 -> relu -> 3x3x16x32, "
          "float32 (medians)")
    print(f"{'numpy im2col':24s} {statistics.median(times['numpy']) * 1e3:8.2f} ms")
    for k in cases:
        print(f"{k:24s} {statistics.median(times[k]) * 1e3:8.2f} ms  "
              f"({statistics.median(ratios[k]):4.2f}x numpy)")
    print(f"{'max+avg pool fwd+bwd':24s} {statistics.median(times['pools (gradtape)']) * 1e3:8.2f} ms"
          "  (gradtape, on the (32,28,28,16) activations)")


if __name__ == "__main__":
    main(sys.argv[1:])
