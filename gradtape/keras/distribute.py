"""Data-parallel gradients and training on a Dask cluster.

Every worker holds a shard of the data, computes the gradient of the loss on
its shard with its own ``GradientTape``, and the driver combines the shards'
gradients weighted by their sizes: the result is the gradient of the mean loss
over all the data, as on one machine.  Dask's distributed scheduler does the
shipping, placement and failure detection; this module only decides what goes
where.

Per step the driver sends the current variable values once (broadcast to the
workers) and receives one gradient per shard; the shards themselves were
scattered once and stay on the workers.  A worker that dies mid-step makes the
step run again with its shards re-scattered to the workers left, so a step
never applies a partial gradient.

Requires the ``distributed`` extra (``pip install "gradtape[distributed]"``).

>>> import numpy as np, gradtape as tf
>>> from gradtape.distribute import DataParallel
>>> w = tf.Variable([0.5, -0.5])
>>> x = np.arange(8.0, dtype=np.float32).reshape(4, 2)
>>> def loss_fn(variables, x):
...     return tf.reduce_mean(tf.square(tf.constant(x) * variables[0]))
>>> with DataParallel(n_workers=2) as strategy:                  # doctest: +SKIP
...     shards = strategy.scatter(x)
...     grads = strategy.gradients(loss_fn, [w], shards)
"""
import math
import threading
import traceback

import numpy as np

from ..indexed_slices import densified
from ..tape import GradientTape
from ..variables import Variable

__all__ = ["DataParallel", "ShardedData", "WorkerLostError"]


class WorkerLostError(RuntimeError):
    """No worker is left to run a step (every worker of the cluster died).

    >>> from gradtape.distribute import WorkerLostError
    >>> issubclass(WorkerLostError, RuntimeError)
    True
    """


class ShardedData:
    """Arrays split along their first axis into shards that live on the workers.

    Made by ``DataParallel.scatter``; the driver keeps the shards' sizes and
    its own copy of each shard, used only to re-scatter a shard whose worker
    died.

    >>> from gradtape.distribute import ShardedData
    >>> ShardedData.split_sizes(10, 3)
    [4, 3, 3]
    """

    def __init__(self, shards, futures, workers):
        self.shards = shards          # the driver's copy: a tuple of arrays per shard
        self.futures = futures        # one Dask future per shard
        self.workers = workers        # the worker address holding each shard
        self.sizes = [len(s[0]) for s in shards]

    @property
    def n_examples(self):
        """The number of examples over all shards."""
        return sum(self.sizes)

    @staticmethod
    def split_sizes(n, parts):
        """Sizes of ``parts`` nearly equal consecutive shards of ``n`` examples."""
        base, extra = divmod(n, parts)
        return [base + (i < extra) for i in range(parts)]


# --------------------------------------------------------------------------
# What runs on a worker
# --------------------------------------------------------------------------

_worker_lock = threading.Lock()  # one step at a time per shared model object


def _shard_gradients(loss_fn, values, shard, batch_index=None, model=None):
    """Gradients of ``loss_fn`` on one shard: ``(grads * n, n, loss * n)``.

    Multiplying by the shard's example count lets the driver form the mean over
    all examples by summing and dividing once.
    """
    arrays = shard if batch_index is None else tuple(a[batch_index] for a in shard)
    n = len(arrays[0])
    if n == 0:
        return None, 0, 0.0
    with _worker_lock:
        if model is None:
            variables = [Variable(v) for v in values]
        else:
            variables = list(model.trainable_variables)
            for var, v in zip(variables, values):
                var.assign(v)
        with GradientTape() as tape:
            loss = loss_fn(variables if model is None else model, *arrays)
        grads = densified(tape.gradient(loss, variables))
    return ([None if g is None else g.numpy() * n for g in grads], n,
            float(loss.numpy()) * n)


def _fetch(shard):
    return shard


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------

def _is_worker_fault(exc):
    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError
    from concurrent.futures import CancelledError
    return isinstance(exc, (KilledWorker, CommClosedError, CancelledError, OSError)) or \
        type(exc).__name__ in ("FutureCancelledError", "CancelledError")


class DataParallel:
    """Data-parallel gradients on a Dask cluster.

    With neither ``client`` nor ``address``, starts a ``LocalCluster`` of
    ``n_workers`` worker processes on the loopback interface (closed on exit);
    with ``address``, connects to a running scheduler; with ``client``, uses it.

    >>> from gradtape.distribute import DataParallel
    >>> DataParallel.__name__
    'DataParallel'
    """

    #: How many times a step is retried after workers died during it.
    max_retries = 3
    #: Seconds to wait for a worker when none is alive, before giving up.
    worker_wait = 10

    def __init__(self, client=None, address=None, n_workers=None, threads_per_worker=1):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("gradtape.distribute needs Dask's distributed scheduler: "
                              'pip install "gradtape[distributed]"') from None
        self._cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif address is not None:
            self.client = Client(address)
        else:
            self._cluster = LocalCluster(n_workers=n_workers or 2,
                                         threads_per_worker=threads_per_worker,
                                         processes=True, host="127.0.0.1",
                                         dashboard_address=None)
            self.client = Client(self._cluster)
        self.bytes_sent = 0

    # -- life cycle -----------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the client and the cluster this strategy started."""
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def workers(self):
        """Addresses of the workers alive now, sorted."""
        return sorted(self.client.scheduler_info()["workers"])

    # -- data -----------------------------------------------------------
    def scatter(self, *arrays, n_shards=None):
        """Split ``arrays`` (same first dimension) into shards, one per worker,
        and send each to its worker once.  Returns a ``ShardedData``."""
        arrays = tuple(np.asarray(a) for a in arrays)
        if not arrays:
            raise ValueError("scatter: give at least one array")
        n = len(arrays[0])
        for a in arrays[1:]:
            if len(a) != n:
                raise ValueError(f"scatter: arrays must share their first dimension, got "
                                 f"{[len(a) for a in arrays]}")
        workers = self._live_workers()
        n_shards = n_shards or len(workers)
        bounds = np.cumsum([0] + ShardedData.split_sizes(n, n_shards))
        shards = [tuple(a[lo:hi] for a in arrays) for lo, hi in zip(bounds[:-1], bounds[1:])]
        futures, owners = [], []
        for i, shard in enumerate(shards):
            worker = workers[i % len(workers)]
            futures.append(self._put(shard, worker))
            owners.append(worker)
            self.bytes_sent += sum(a.nbytes for a in shard)
        return ShardedData(shards, futures, owners)

    def _put(self, shard, worker):
        # a list of one item makes Dask keep the tuple of arrays as one piece
        return self.client.scatter([shard], workers=[worker], hash=False)[0]

    def _live_workers(self):
        workers = self.workers
        if not workers:
            # a nanny may be restarting a worker that died: give it a moment
            try:
                self.client.wait_for_workers(1, timeout=self.worker_wait)
            except (TimeoutError, OSError):
                raise WorkerLostError(
                    f"no Dask worker is left to run the step (none came back within "
                    f"{self.worker_wait} s); restart the cluster or connect to one with "
                    "workers") from None
            workers = self.workers
        return workers

    def _rescatter_lost(self, data):
        """Send again the shards whose worker is gone, to workers still alive.

        Dask forgets scattered data whose only holder died (it cannot be
        recomputed), so a lost shard shows as a future no longer finished.
        """
        live = self._live_workers()
        for i, fut in enumerate(data.futures):
            if fut.status != "finished" or data.workers[i] not in live:
                worker = live[i % len(live)]
                data.futures[i] = self._put(data.shards[i], worker)
                data.workers[i] = worker
                self.bytes_sent += sum(a.nbytes for a in data.shards[i])

    # -- gradients ------------------------------------------------------
    def gradients(self, loss_fn, variables, data, batch_indices=None, model=None):
        """The gradient of the mean of ``loss_fn`` over all examples of ``data``
        w.r.t. ``variables`` (a list, in that order), and the mean loss.

        ``loss_fn(variables, *shard_arrays)`` returns the mean loss over the
        arrays it gets (with ``model``, ``loss_fn(model, *arrays)``, and the
        model's trainable variables are the variables).  ``batch_indices`` is
        one index array per shard to use part of each shard (a mini-batch).
        """
        variables = list(variables)
        values = [v.numpy() for v in variables]
        expected = (data.sizes if batch_indices is None
                    else [len(ix) for ix in batch_indices])
        for attempt in range(self.max_retries + 1):
            try:
                results = self._run_step(loss_fn, values, data, batch_indices, model)
                break
            except Exception as exc:  # noqa: BLE001 - sorted below
                if not _is_worker_fault(exc) or attempt == self.max_retries:
                    raise
                self._recover(data)
        counts = [r[1] for r in results]
        if counts != expected:
            raise RuntimeError(f"a data-parallel step summed {sum(counts)} examples "
                               f"({counts}) instead of {sum(expected)} ({expected}); "
                               "the step was not applied")
        total = sum(counts)
        grads = []
        for i, var in enumerate(variables):
            parts = [r[0][i] for r in results if r[0] is not None and r[0][i] is not None]
            grads.append(None if not parts else
                         _as_tensor(np.sum(parts, axis=0) / total, var))
        self.bytes_sent += sum(g.numpy().nbytes for g in grads if g is not None)
        return grads, sum(r[2] for r in results) / max(total, 1)

    def _run_step(self, loss_fn, values, data, batch_indices, model):
        values_f = self.client.scatter(values, broadcast=True, hash=False)
        self.bytes_sent += sum(v.nbytes for v in values) * len(self.workers)
        futures = []
        for i, shard in enumerate(data.futures):
            ix = None if batch_indices is None else batch_indices[i]
            futures.append(self.client.submit(
                _shard_gradients, loss_fn, values_f, shard, ix, model,
                workers=[data.workers[i]], allow_other_workers=True, pure=False,
                retries=0))
        return self.client.gather(futures)

    def _recover(self, data):
        self._live_workers()
        self._rescatter_lost(data)

    # -- training -------------------------------------------------------
    def fit(self, model, optimizer, loss, data, epochs=1, batch_size=32, seed=0,
            progress=True):
        """Train ``model`` data-parallel: each step every shard contributes its
        part of a global batch of ``batch_size`` examples, the gradients are
        combined on the driver and ``optimizer`` applies them once.

        ``loss(model, x, y)`` returns the mean loss of the batch.  ``data`` is
        ``(x, y)`` arrays (scattered once) or a ``ShardedData``.  Returns the
        mean loss of each epoch.
        """
        if not model.trainable_variables:
            raise ValueError("fit: the model has no trainable variables yet; call it once on a "
                             "batch (model(x[:1])) to build its layers before fit")
        if not isinstance(data, ShardedData):
            data = self.scatter(*data)
        model_f = self.client.scatter(model, broadcast=True, hash=False)
        per_shard = [max(1, round(batch_size * s / data.n_examples)) for s in data.sizes]
        steps = max(1, math.ceil(max(s / b for s, b in zip(data.sizes, per_shard))))
        rng = np.random.default_rng(seed)
        history = []
        bar = _progress(epochs * steps, progress)
        for _ in range(epochs):
            orders = [rng.permutation(s) for s in data.sizes]
            total, count = 0.0, 0
            for step in range(steps):
                batch = [o[(step * b) % max(len(o), 1):][:b] for o, b in zip(orders, per_shard)]
                grads, value = self.gradients(loss, model.trainable_variables, data,
                                              batch_indices=batch, model=model_f)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                total += value
                count += 1
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{value:.4f}")
            history.append(total / count)
        if bar is not None:
            bar.close()
        return history


def _as_tensor(array, var):
    from .._core.tensor import wrap
    return wrap(array.astype(var.dtype.as_numpy_dtype, copy=False))


def _progress(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="data-parallel training")


def format_remote_error(exc):
    """The traceback text of an error raised on a worker (Dask keeps it).

    >>> from gradtape.distribute import format_remote_error
    >>> "ValueError" in format_remote_error(ValueError("boom"))
    True
    """
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
