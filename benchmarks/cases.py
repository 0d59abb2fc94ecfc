"""The benchmark cases: each one computation written three ways.

Every timing case builds, once, the data and one callable per implementation
(``gradtape``, ``numpy`` written by hand, ``torch`` when importable).  A
callable runs the forward pass and all gradients and returns the gradients as
NumPy arrays, so the runner can check that the implementations agree.

The memory cases measure, with ``tracemalloc``, what gradtape holds while
recording and after ``gradient()`` against the activations reverse mode has
to keep.
"""
import gc
import tracemalloc

import numpy as np

import gradtape as tf

try:  # an extra column, never required
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

F32 = np.float32


def _rng():
    return np.random.default_rng(0)


# ---------------------------------------------------------------------------
# Timing cases
# ---------------------------------------------------------------------------

class TimingCase:
    """A computation written for each implementation, timed by the runner.

    ``per`` divides the time of one call for the table (100 for µs per op),
    ``unit`` names what the table shows, ``rtol`` is the agreement asked of
    the gradients (float32 sums in different orders differ a little).
    """

    unit = "ms"
    per = 1
    rtol = 1e-4

    def __init__(self, quick):
        self.quick = quick

    def implementations(self):
        impls = {"gradtape": self.gradtape(), "gradtape.function": self.gradtape_function(),
                 "numpy": self.numpy()}
        if torch is not None:
            impls["torch"] = self.torch()
        return impls

    def gradtape(self):
        """Eager gradtape: ``step`` (forward, tape, gradients) run as written.

        The gradients are handed over as read-only views (``np.asarray``), as
        the other columns hand over their arrays: ``.numpy()`` would add a
        copy per gradient that is no part of the step."""
        step, inputs = self.step()
        return lambda: [np.asarray(g) for g in step(*inputs)]

    def gradtape_function(self):
        """The same ``step`` compiled with ``gradtape.function``.  The data are
        arguments, as a training step's batches are: a value captured from
        outside would be a constant, and a compiled function may compute
        everything that depends on constants only once."""
        step, inputs = self.step()
        step = tf.function(step)
        return lambda: [np.asarray(g) for g in step(*inputs)]


class ScalarChain(TimingCase):
    """100 scalar ops (sin, *1.01, +0.1, tanh repeated) and d out / d in."""

    name = "chain of 100 scalar ops (µs per op)"
    unit = "µs/op"
    per = 100
    rounds = 25  # 4 ops per round

    def step(self):
        def run(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = x
                for _ in range(self.rounds):
                    y = tf.tanh(tf.sin(y) * 1.01 + 0.1)
            return [tape.gradient(y, x)]
        return run, (tf.constant(0.3),)

    def numpy(self):
        x = F32(0.3)
        sin, cos, tanh = np.sin, np.cos, np.tanh

        def run():
            y, saved = x, []
            for _ in range(self.rounds):
                t = tanh(sin(y) * 1.01 + 0.1)
                saved.append((y, t))
                y = t
            g = F32(1.0)
            for y, t in reversed(saved):
                g = g * (1.0 - t * t) * 1.01 * cos(y)
            return [g]
        return run

    def torch(self):
        x = torch.tensor(0.3, requires_grad=True)

        def run():
            y = x
            for _ in range(self.rounds):
                y = torch.tanh(torch.sin(y) * 1.01 + 0.1)
            return [torch.autograd.grad(y, x)[0].numpy()]
        return run


def _log_softmax_cross_entropy(logits, labels, onehot):
    """Mean sparse softmax cross-entropy, as a user of gradtape writes it."""
    sparse = getattr(tf.nn, "sparse_softmax_cross_entropy_with_logits", None)
    if sparse is not None:
        return tf.reduce_mean(sparse(labels=labels, logits=logits))
    if hasattr(tf, "reduce_max"):
        shift = tf.stop_gradient(tf.reduce_max(logits, axis=-1, keepdims=True))
    else:
        shift = tf.constant(logits.numpy().max(axis=-1, keepdims=True))
    z = logits - shift
    log_p = z - tf.math.log(tf.reduce_sum(tf.exp(z), axis=-1, keepdims=True))
    return -tf.reduce_mean(tf.reduce_sum(onehot * log_p, axis=-1))


class MLP(TimingCase):
    """A ReLU MLP with sparse softmax cross-entropy; gradients of all parameters."""

    def __init__(self, quick, sizes, batch, rtol=1e-4):
        super().__init__(quick)
        self.sizes, self.batch, self.rtol = sizes, batch, rtol
        self.name = f"MLP {'-'.join(map(str, sizes))}, batch {batch}"
        rng = _rng()
        self.params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            w = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(F32)
            b = (rng.standard_normal(n_out) * 0.1).astype(F32)
            self.params += [w, b]
        self.x = rng.standard_normal((batch, sizes[0])).astype(F32)
        self.labels = rng.integers(0, sizes[-1], batch).astype(np.int32)
        self.onehot = np.eye(sizes[-1], dtype=F32)[self.labels]

    def step(self):
        variables = [tf.Variable(p) for p in self.params]
        n_layers = len(variables) // 2

        def run(x, labels, onehot):
            with tf.GradientTape() as tape:
                h = x
                for i in range(n_layers):
                    h = tf.matmul(h, variables[2 * i]) + variables[2 * i + 1]
                    if i < n_layers - 1:
                        h = tf.nn.relu(h)
                loss = _log_softmax_cross_entropy(h, labels, onehot)
            return tape.gradient(loss, variables)
        return run, (tf.constant(self.x), tf.constant(self.labels), tf.constant(self.onehot))

    def numpy(self):
        params, x, labels, batch = self.params, self.x, self.labels, self.batch
        rows = np.arange(batch)
        n_layers = len(params) // 2

        def run():
            inputs, h = [], x
            for i in range(n_layers):
                inputs.append(h)
                h = h @ params[2 * i] + params[2 * i + 1]
                if i < n_layers - 1:
                    h = np.maximum(h, 0)
            e = np.exp(h - h.max(axis=-1, keepdims=True))
            p = e / e.sum(axis=-1, keepdims=True)
            _loss = -np.log(p[rows, labels]).mean()
            g = p
            g[rows, labels] -= 1.0
            g *= F32(1.0 / batch)
            grads = [None] * len(params)
            for i in reversed(range(n_layers)):
                h_in = inputs[i]
                grads[2 * i] = h_in.T @ g
                grads[2 * i + 1] = g.sum(axis=0)
                if i:
                    g = g @ params[2 * i].T
                    g *= h_in > 0
            return grads
        return run

    def torch(self):
        params = [torch.tensor(p, requires_grad=True) for p in self.params]
        x, labels = torch.tensor(self.x), torch.tensor(self.labels, dtype=torch.int64)
        n_layers = len(params) // 2
        F = torch.nn.functional

        def run():
            h = x
            for i in range(n_layers):
                h = h @ params[2 * i] + params[2 * i + 1]
                if i < n_layers - 1:
                    h = torch.relu(h)
            loss = F.cross_entropy(h, labels)
            return [g.numpy() for g in torch.autograd.grad(loss, params)]
        return run


class TanhMatmul(TimingCase):
    """reduce_sum(tanh(A @ B)) and its gradients in A and B."""

    rtol = 2e-3

    def __init__(self, quick, n=1024):
        super().__init__(quick)
        self.n = n
        self.name = f"reduce_sum(tanh(A @ B)), {n}x{n}"
        rng = _rng()
        self.a = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(F32)
        self.b = rng.standard_normal((n, n)).astype(F32)

    def step(self):
        a, b = tf.Variable(self.a), tf.Variable(self.b)

        def run():
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.tanh(tf.matmul(a, b)))
            return tape.gradient(loss, [a, b])
        return run, ()

    def numpy(self):
        a, b = self.a, self.b

        def run():
            t = np.tanh(a @ b)
            _loss = t.sum()
            g = 1.0 - t * t
            return [g @ b.T, a.T @ g]
        return run

    def torch(self):
        a = torch.tensor(self.a, requires_grad=True)
        b = torch.tensor(self.b, requires_grad=True)

        def run():
            loss = torch.tanh(a @ b).sum()
            return [g.numpy() for g in torch.autograd.grad(loss, [a, b])]
        return run


class DeepNarrowMLP(TimingCase):
    """A deep, narrow tanh MLP: the per-op overhead dominates."""

    def __init__(self, quick, depth=50, width=16, batch=8):
        super().__init__(quick)
        self.name = f"{depth}-layer tanh MLP, width {width}, batch {batch}"
        rng = _rng()
        self.params = []
        for _ in range(depth):
            self.params += [(rng.standard_normal((width, width)) / np.sqrt(width)).astype(F32),
                            (rng.standard_normal(width) * 0.1).astype(F32)]
        self.x = rng.standard_normal((batch, width)).astype(F32)

    def step(self):
        variables = [tf.Variable(p) for p in self.params]
        pairs = list(zip(variables[::2], variables[1::2]))

        def run(x):
            with tf.GradientTape() as tape:
                h = x
                for w, b in pairs:
                    h = tf.tanh(tf.matmul(h, w) + b)
                loss = tf.reduce_mean(tf.square(h))
            return tape.gradient(loss, variables)
        return run, (tf.constant(self.x),)

    def numpy(self):
        params, x = self.params, self.x
        pairs = list(zip(params[::2], params[1::2]))

        def run():
            saved, h = [], x
            for w, b in pairs:
                t = np.tanh(h @ w + b)
                saved.append((h, t))
                h = t
            _loss = np.mean(h * h)
            g = h * F32(2.0 / h.size)
            grads = []
            for (h_in, t), (w, _) in zip(reversed(saved), reversed(pairs)):
                g = g * (1.0 - t * t)
                grads += [g.sum(axis=0), h_in.T @ g]
                g = g @ w.T
            return grads[::-1]
        return run

    def torch(self):
        params = [torch.tensor(p, requires_grad=True) for p in self.params]
        x = torch.tensor(self.x)
        pairs = list(zip(params[::2], params[1::2]))

        def run():
            h = x
            for w, b in pairs:
                h = torch.tanh(h @ w + b)
            loss = torch.mean(h * h)
            return [g.numpy() for g in torch.autograd.grad(loss, params)]
        return run


def timing_cases(quick):
    """The timing cases, smaller under ``quick``."""
    return [
        ScalarChain(quick),
        MLP(quick, (64, 128, 128, 10), 32),
        MLP(quick, (784, 512, 512, 10), 128, rtol=1e-3),
        TanhMatmul(quick, 256 if quick else 1024),
        DeepNarrowMLP(quick),
    ]


# ---------------------------------------------------------------------------
# Memory cases
# ---------------------------------------------------------------------------

class TanhSteps:
    """``steps`` times ``x = tanh(x * 1.01)`` on a (rows, cols) float32 tensor.

    Reverse mode must keep every tanh output (``steps * rows * cols * 4``
    bytes, the activations); everything else the tape holds is overhead.
    """

    def __init__(self, quick, persistent):
        self.steps, self.shape = (50, (1000, 100)) if quick else (200, (1000, 100))
        self.persistent = persistent
        kind = "persistent" if persistent else "non-persistent"
        self.name = (f"{self.steps} x tanh(x * 1.01), {self.shape[0]}x{self.shape[1]} float32,"
                     f" {kind} tape")
        self.x = _rng().standard_normal(self.shape).astype(F32)

    @property
    def activations(self):
        return self.steps * self.x.nbytes

    def gradtape(self):
        """Peak bytes, bytes held after ``gradient()`` and after ``del tape``, the gradient."""
        x = tf.constant(self.x)
        base = _current()
        tape = tf.GradientTape(persistent=self.persistent)
        with tape:
            tape.watch(x)
            y = x
            for _ in range(self.steps):
                y = tf.tanh(y * 1.01)
        g = tape.gradient(y, x)
        results = y._value.nbytes + g._value.nbytes
        peak = tracemalloc.get_traced_memory()[1] - base
        held = _current() - base - results
        del tape
        gc.collect()
        after_del = _current() - base - results
        return {"peak": peak, "held": held, "after_del": after_del, "grad": g.numpy()}

    def numpy(self):
        x = self.x
        base = _current()
        saved, y = [], x
        for _ in range(self.steps):
            y = np.tanh(y * 1.01)
            saved.append(y)
        g = np.ones_like(y)
        while saved:
            t = saved.pop()
            g = g * (1.0 - t * t) * 1.01
        del t
        peak = tracemalloc.get_traced_memory()[1] - base
        return {"peak": peak, "grad": g}

    def run(self):
        results = {}
        for impl in ("numpy", "gradtape"):
            gc.collect()
            tracemalloc.start()
            try:
                results[impl] = getattr(self, impl)()
            finally:
                tracemalloc.stop()
        return results


def _current():
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def memory_cases(quick):
    """The memory cases (a non-persistent and a persistent tape)."""
    return [TanhSteps(quick, persistent=False), TanhSteps(quick, persistent=True)]
