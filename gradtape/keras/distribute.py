"""Data-parallel gradients and training on a Dask cluster.

Every worker holds a shard of the data, computes the gradient of the loss on
its shard with its own ``GradientTape``, and the driver combines the shards'
gradients weighted by their sizes: the result is the gradient of the mean loss
over all the data, as on one machine.  Dask's distributed scheduler starts the
workers, places the replicas and detects failures; this module only decides
what goes where.

Each worker keeps a long-lived replica (a Dask actor) holding its shards, its
copy of the variables, the loss function and the model.  A step is one direct
call per worker, with no scheduler round trip: it carries only the values of
the variables that changed on the driver since that replica last saw them
(found by the identity of each variable's buffer, which every assignment
replaces), and brings back one gradient per shard.  A worker that dies mid-step
makes the step run again, with its shards and a replica rebuilt on a survivor
from the driver's values, so a step never applies a partial gradient.

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
import itertools
import math
import os
import pickle
import time
import traceback
import weakref

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


_data_ids = itertools.count()


class ShardedData:
    """Arrays split along their first axis into shards that live on the workers.

    Made by ``DataParallel.scatter``; the driver keeps the shards' sizes and
    its own copy of each shard, used only to send a shard again when its worker
    died.  ``keys`` name the shards in the workers' replicas and ``workers``
    says which worker holds each one now.

    >>> from gradtape.distribute import ShardedData
    >>> ShardedData.split_sizes(10, 3)
    [4, 3, 3]
    """

    def __init__(self, shards, keys, workers):
        self.shards = shards          # the driver's copy: a tuple of arrays per shard
        self.keys = keys              # the name of each shard in the replicas
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
# Arrays through shared memory, between processes of one machine
# --------------------------------------------------------------------------

_HEADER = 64   # a step number, then the arrays, each 64-byte aligned


class _Packed:
    """Where a ``_SharedBlock`` put some arrays: all a message carries of them."""

    def __init__(self, name, number, layout):
        self.name, self.number, self.layout = name, number, layout


class _SharedBlock:
    """A block of shared memory this process writes arrays into, grown as needed.

    A worker on the driver's machine gets the variables' values and returns
    its gradients this way: one memory copy instead of serializing them
    through a socket.  The step number in the header lets a reader refuse a
    block already rewritten for a later step.
    """

    def __init__(self):
        self.shm, self.number = None, 0

    def pack(self, arrays):
        layout, end = [], _HEADER
        for a in arrays:
            offset = -(-end // 64) * 64
            layout.append((offset, a.dtype.str, a.shape))
            end = offset + a.nbytes
        if self.shm is None or self.shm.size < end:
            self.close()
            from multiprocessing.shared_memory import SharedMemory
            self.shm = SharedMemory(create=True, size=end + end // 4)
        self.number += 1
        np.ndarray((), np.int64, buffer=self.shm.buf)[()] = self.number
        for (offset, dtype, shape), a in zip(layout, arrays):
            np.ndarray(shape, dtype, buffer=self.shm.buf, offset=offset)[...] = a
        return _Packed(self.shm.name, self.number, layout)

    def close(self):
        if self.shm is not None:
            _close(self.shm)
            try:
                self.shm.unlink()
            except FileNotFoundError:
                pass
            self.shm = None


class _SharedReader:
    """Reads the arrays another process packed, keeping its block open."""

    def __init__(self):
        self.shm = None

    def arrays(self, packed, copy):
        if self.shm is None or self.shm.name != packed.name:
            self.close()
            self.shm = _attach(packed.name)
        buf = self.shm.buf
        if np.ndarray((), np.int64, buffer=buf)[()] != packed.number:
            raise RuntimeError("a shared-memory block was rewritten before it was read "
                               "(a step abandoned after a timeout); the step is not used")
        views = [np.ndarray(shape, dtype, buffer=buf, offset=offset)
                 for offset, dtype, shape in packed.layout]
        return [v.copy() for v in views] if copy else views

    def close(self, unlink=False):
        """Stop reading; ``unlink``: remove the block too (its writer died)."""
        if self.shm is not None:
            _close(self.shm)
            if unlink:
                try:
                    self.shm.unlink()
                except FileNotFoundError:
                    pass
            self.shm = None


def _attach(name):
    """Open another process's block (its creator unlinks it)."""
    import sys
    from multiprocessing.shared_memory import SharedMemory
    if sys.version_info >= (3, 13):
        return SharedMemory(name=name, track=False)
    # older Pythons register it with this process's resource tracker too: the
    # tracker that worker processes share with the driver, or one that unlinks
    # it when a worker started apart ends (the creator's unlink then finds it gone)
    return SharedMemory(name=name)


def _close(shm):
    try:
        shm.close()
    except BufferError:   # arrays still view it: the mapping goes when they do
        pass


# --------------------------------------------------------------------------
# What lives on a worker
# --------------------------------------------------------------------------

class _Replica:
    """One worker's state, kept between steps: shards, variables, loss, model.

    Runs as a Dask actor: Dask calls its methods one at a time, in one thread.
    """

    def __init__(self):
        self.shards = {}
        self.variables = {}   # the driver's variable uid -> this worker's Variable
        self.loss_fn = None
        self.model = None
        self.shared = False   # whether the driver shares memory with this worker
        self.inbox, self.outbox = _SharedReader(), _SharedBlock()

    def probe(self, packed, token):
        """Whether the driver's shared block is readable here (one machine)."""
        try:
            self.shared = int(self.inbox.arrays(packed, copy=False)[0]) == token
        except (OSError, ValueError, RuntimeError):
            self.shared = False
        return self.shared

    def close(self):
        self.inbox.close()
        self.outbox.close()

    def load(self, key, arrays):
        # own aligned copies: arrays read from a message may be unaligned views into it
        self.shards[key] = tuple(np.array(a) for a in arrays)

    def drop(self, keys):
        for key in keys:
            self.shards.pop(key, None)

    def step(self, loss_fn, model, use_model, uids, updates, packed, jobs):
        """Take the driver's changes, then the gradients of every job's shard.

        ``loss_fn`` and ``model`` are None when unchanged; ``updates`` are
        ``(uid, value, trainable)`` of the variables that changed, the values
        being positions in the ``packed`` shared block when there is one.
        ``jobs`` are ``(shard key, row indices or None)``.  Returns the list of
        ``(grads * n, n, loss * n)``, the seconds spent here (wall, CPU) and the shared
        block holding the gradients (None: they are in the list); or a
        ``_RemoteError`` holding the exception and its traceback.
        """
        start, start_cpu = time.perf_counter(), time.thread_time()
        try:
            if packed is not None:
                values = self.inbox.arrays(packed, copy=True)
                updates = [(uid, values[at], trainable) for uid, at, trainable in updates]
            self._take(loss_fn, model, use_model, uids, updates)
            results = [self._shard_gradients(key, index) for key, index in jobs]
            packed = self._pack(results) if self.shared else None
        except Exception as exc:  # noqa: BLE001 - every error goes back to the driver
            return _RemoteError(exc)
        return results, (time.perf_counter() - start, time.thread_time() - start_cpu), packed

    def _pack(self, results):
        """Move the gradients into the shared block; ``results`` keep their positions."""
        arrays = [g for grads, _, _ in results if grads is not None
                  for g in grads if g is not None]
        positions = iter(range(len(arrays)))
        for grads, _, _ in results:
            if grads is not None:
                grads[:] = [None if g is None else next(positions) for g in grads]
        return self.outbox.pack(arrays)

    def _take(self, loss_fn, model, use_model, uids, updates):
        if loss_fn is not None:
            self.loss_fn = pickle.loads(loss_fn)
        if model is not None:
            self.model = model
            self.variables = dict(zip(uids, model.trainable_variables))
        elif not use_model:
            self.model = None
            self.variables = {uid: self.variables.get(uid) for uid in uids}
        for uid, value, trainable in updates:
            if self.model is None:
                self.variables[uid] = Variable(value, trainable=trainable)
            else:
                self.variables[uid].assign(value)
        self.current = [self.variables.get(uid) for uid in uids]
        if any(v is None for v in self.current):
            raise RuntimeError("a data-parallel replica is missing variables the driver "
                               "believes it sent; this is a bug in gradtape.distribute")

    def _shard_gradients(self, key, index):
        """Gradients on one shard scaled by its example count, so the driver
        forms the mean over all examples by summing and dividing once."""
        shard = self.shards[key]
        arrays = shard if index is None else tuple(a[index] for a in shard)
        n = len(arrays[0])
        if n == 0:
            return None, 0, 0.0
        with GradientTape() as tape:
            loss = self.loss_fn(self.current if self.model is None else self.model, *arrays)
        if tuple(loss.shape) != ():
            raise ValueError(f"loss_fn must return the mean loss of its arrays, a scalar; "
                             f"it returned a tensor of shape {tuple(loss.shape)} (reduce it "
                             "with tf.reduce_mean)")
        grads = densified(tape.gradient(loss, self.current))
        return [None if g is None else _scaled(g.numpy(), n) for g in grads], n, \
            float(loss.numpy()) * n


def _scaled(array, n):
    array *= n
    return array


class _RemoteError:
    """An exception raised in a replica, with its traceback, to raise on the driver."""

    def __init__(self, exc):
        from distributed.core import error_message
        message = error_message(exc)   # pickled exception and traceback, or their text
        self.exception, self.traceback = (getattr(message[k], "data", message[k])
                                          for k in ("exception", "traceback"))

    def reraise(self):
        from distributed.core import clean_exception
        _, exc, tb = clean_exception(self.exception, self.traceback)
        raise exc.with_traceback(tb)


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------

class _WorkerFault(Exception):
    """Workers were lost during a step: run it again after placing their shards."""

    def __init__(self, workers, shards):
        super().__init__(f"lost workers {sorted(workers)} holding shards {sorted(shards)}")
        self.workers, self.shards = set(workers), set(shards)


def _is_worker_fault(exc):
    """Whether ``exc`` from a call to a replica says its worker was lost; a
    user's error never is one (it comes back as a ``_RemoteError``)."""
    from concurrent.futures import CancelledError
    if isinstance(exc, (OSError, CancelledError)):   # CommClosedError is an OSError
        return True
    return isinstance(exc, RuntimeError) and "Actor was lost" in str(exc)


class _ReplicaHandle:
    """The driver's view of one worker's replica: what it was last sent."""

    def __init__(self, future, actor, worker):
        self.future, self.actor, self.worker = future, actor, worker
        self.outbox, self.inbox = _SharedBlock(), _SharedReader()
        self.shared = False     # set once the replica read a block of ours
        self.shards = set()
        self.sent = {}          # variable uid -> the buffer last sent (held: ids stay unique)
        self.loss_fn = None     # the pickled loss function last sent
        self.model = None

    def request(self, loss_fn, model, variables):
        """What to send for this step, its arrays' bytes, and how to record it
        once it arrived."""
        new_model = model is not None and model is not self.model
        sent = {} if new_model or (model is None) != (self.model is None) else self.sent
        updates, current = [], {}
        for var in variables:
            buffer = var._value
            current[var._uid] = buffer
            if sent.get(var._uid) is not buffer:
                updates.append((var._uid, _as_numpy(var, buffer), var.trainable))

        def record():
            self.sent, self.loss_fn = current, loss_fn
            self.model = model

        nbytes = sum(u[1].nbytes for u in updates)
        packed = None
        if self.shared and updates:
            packed = self.outbox.pack([u[1] for u in updates])
            updates = [(uid, at, trainable) for at, (uid, _, trainable) in enumerate(updates)]
        return ((None if loss_fn == self.loss_fn else loss_fn,
                 model if new_model else None, model is not None, list(current), updates,
                 packed), nbytes, record)

    def share_memory(self, timeout):
        """Use shared memory if the replica can read a block of ours (one machine)."""
        token = int.from_bytes(os.urandom(7), "little")
        try:
            probe = self.actor.probe(self.outbox.pack([np.array(token)]), token)
            self.shared = bool(probe.result(timeout=timeout))
        except OSError:
            self.shared = False
        if not self.shared:
            self.outbox.close()

    def results(self, per_shard, packed):
        """The replica's results with the gradients read from shared memory."""
        if packed is None:
            return per_shard
        views = self.inbox.arrays(packed, copy=False)
        return [(None if grads is None else [None if at is None else views[at] for at in grads],
                 n, loss) for grads, n, loss in per_shard]

    def close(self, worker_died=False):
        self.outbox.close()
        self.inbox.close(unlink=worker_died)
        self.future.release()

    def forget_sent(self):
        """After a failed call the replica's state is unknown: send everything next time."""
        self.sent, self.loss_fn, self.model = {}, None, None


def _as_numpy(var, buffer):
    return buffer if isinstance(buffer, np.ndarray) else var.numpy()


class DataParallel:
    """Data-parallel gradients on a Dask cluster.

    With neither ``client`` nor ``address``, starts a ``LocalCluster`` of
    ``n_workers`` worker processes on the loopback interface (closed on exit);
    with ``address``, connects to a running scheduler; with ``client``, uses it.

    Each worker keeps a replica of the data shards and variables; a step sends
    a worker only the values that changed since its last step.  Workers on the
    driver's machine get values and return gradients through shared memory
    (``share_memory = False`` sends them through Dask's connections instead).

    ``bytes_sent`` and ``bytes_received`` count the array bytes moved to and
    from the workers; ``last_step`` times the last step: ``round_trip`` (calls
    sent to all results back), ``worker`` (the longest time a replica spent on
    it, and ``worker_cpu`` its CPU time), ``combine`` (summing the shards'
    gradients), in seconds, and its bytes.

    >>> from gradtape.distribute import DataParallel
    >>> DataParallel.__name__
    'DataParallel'
    """

    #: How many times a step is retried after workers died during it.
    max_retries = 3
    #: Seconds to wait for a worker when none is alive, before giving up.
    worker_wait = 10
    #: Seconds one step may take before it fails (a stopped worker never answers).
    step_timeout = 600
    #: Whether workers on the driver's machine exchange arrays through shared memory.
    share_memory = True
    _dead = frozenset()   # addresses of workers seen dying

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
            with _worker_config():
                self._cluster = LocalCluster(n_workers=n_workers or 2,
                                             threads_per_worker=threads_per_worker,
                                             processes=True, host="127.0.0.1",
                                             dashboard_address=None)
            # replicas are called worker to driver directly, not through the scheduler
            self.client = Client(self._cluster, direct_to_workers=True)
        self.bytes_sent = 0
        self.bytes_received = 0
        self.last_step = {}
        self._replicas = {}     # worker address -> _ReplicaHandle
        self._closed = False

    # -- life cycle -----------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the client and the cluster this strategy started."""
        self._closed = True
        for handle in self._replicas.values():
            try:
                handle.actor.close().result(timeout=5)
            except Exception:  # noqa: BLE001 - a replica already gone holds nothing
                pass
            handle.close()
        self._replicas.clear()
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
        workers = self._usable_workers()
        n_shards = n_shards or len(workers)
        bounds = np.cumsum([0] + ShardedData.split_sizes(n, n_shards))
        shards = [tuple(a[lo:hi] for a in arrays) for lo, hi in zip(bounds[:-1], bounds[1:])]
        data_id = next(_data_ids)
        keys = [f"shard-{data_id}-{i}" for i in range(n_shards)]
        owners = [workers[i % len(workers)] for i in range(n_shards)]
        data = ShardedData(shards, keys, owners)
        for attempt in range(self.max_retries + 1):
            try:
                self._place(data)
                break
            except _WorkerFault as fault:
                self._forget(fault.workers)
                if attempt == self.max_retries:
                    raise WorkerLostError(f"scatter failed {attempt + 1} times because "
                                          "workers died") from fault
        weakref.finalize(data, _drop_shards, weakref.ref(self), keys, data.workers)
        return data

    def _load(self, data, i, worker):
        handle = self._replica_on(worker)
        try:
            handle.actor.load(data.keys[i], data.shards[i]).result(timeout=self.step_timeout)
        except Exception as exc:  # noqa: BLE001 - sorted here
            if _is_worker_fault(exc) or isinstance(exc, TimeoutError):
                raise _WorkerFault([worker], [i]) from exc
            raise
        handle.shards.add(data.keys[i])
        data.workers[i] = worker
        self.bytes_sent += sum(a.nbytes for a in data.shards[i])

    def _replica_on(self, worker):
        handle = self._replicas.get(worker)
        if handle is None:
            future = self.client.submit(_Replica, actor=True, workers=[worker],
                                        allow_other_workers=False, pure=False)
            try:
                actor = future.result(timeout=self.worker_wait)
            except Exception as exc:  # noqa: BLE001 - a worker gone before its replica
                future.release()
                raise _WorkerFault([worker], []) from exc
            handle = self._replicas[worker] = _ReplicaHandle(future, actor, worker)
            if self.share_memory:
                handle.share_memory(self.worker_wait)
        return handle

    def _usable_workers(self):
        """Live workers not seen dying; waits ``worker_wait`` s for one if none."""
        deadline = time.monotonic() + self.worker_wait
        while True:
            workers = [w for w in self.workers if w not in self._dead]
            if workers:
                return workers
            if time.monotonic() >= deadline:
                raise WorkerLostError(
                    f"no Dask worker is left to run the step (none came back within "
                    f"{self.worker_wait} s); restart the cluster or connect to one with "
                    "workers")
            time.sleep(0.05)

    def _place(self, data):
        """Load every shard not yet on its replica: on its own worker if that
        is usable, else on the usable worker holding fewest of ``data``'s
        shards (its worker died, during this step or another's)."""
        for i, key in enumerate(data.keys):
            handle = self._replicas.get(data.workers[i])
            if handle is not None and key in handle.shards:
                continue
            workers = self._usable_workers()
            if data.workers[i] not in workers:
                held = [data.workers[j] for j in range(len(data.keys)) if j != i]
                data.workers[i] = min(workers, key=held.count)
            self._load(data, i, data.workers[i])

    def _forget(self, workers):
        self._dead = self._dead | set(workers)
        for worker in workers:
            handle = self._replicas.pop(worker, None)
            if handle is not None:
                handle.close(worker_died=True)

    # -- gradients ------------------------------------------------------
    def gradients(self, loss_fn, variables, data, batch_indices=None, model=None):
        """The gradient of the mean of ``loss_fn`` over all examples of ``data``
        w.r.t. ``variables`` (a list, in that order), and the mean loss.

        ``loss_fn(variables, *shard_arrays)`` returns the mean loss over the
        arrays it gets.  With ``model``, ``loss_fn(model, *arrays)``, and
        ``variables`` must be ``model.trainable_variables``.  ``batch_indices``
        is one index array per shard to use part of each shard (a mini-batch).
        """
        variables = list(variables)
        if model is not None and [v._uid for v in variables] != \
                [v._uid for v in model.trainable_variables]:
            raise ValueError("gradients: with model=, variables must be "
                             "model.trainable_variables, in that order")
        expected = (data.sizes if batch_indices is None
                    else [len(ix) for ix in batch_indices])
        suspects = None
        for attempt in range(self.max_retries + 1):
            try:
                self._place(data)
                results = self._run_step(loss_fn, variables, data, batch_indices, model)
                break
            except _WorkerFault as fault:
                self._forget(fault.workers)
                suspects = fault.shards if suspects is None else suspects & fault.shards
                if attempt == self.max_retries:
                    raise WorkerLostError(
                        f"the step failed {attempt + 1} times because workers died"
                        f"{_suspect_text(suspects, data)}; no update was applied") from fault
        counts = [r[1] for r in results]
        if counts != expected:
            raise RuntimeError(f"a data-parallel step summed {sum(counts)} examples "
                               f"({counts}) instead of {sum(expected)} ({expected}); "
                               "the step was not applied")
        start = time.perf_counter()
        grads = _combine(results, variables, sum(counts))
        self.last_step["combine"] = time.perf_counter() - start
        return grads, sum(r[2] for r in results) / max(sum(counts), 1)

    def _run_step(self, loss_fn, variables, data, batch_indices, model):
        pickled_fn = _pickled(loss_fn)
        per_replica = {}
        for i, worker in enumerate(data.workers):
            per_replica.setdefault(worker, []).append(i)
        start = time.perf_counter()
        calls, sent = [], 0
        for worker, shards in per_replica.items():
            handle = self._replicas[worker]
            request, nbytes, record = handle.request(pickled_fn, model, variables)
            fn = request[0]
            jobs = [(data.keys[i], None if batch_indices is None else batch_indices[i])
                    for i in shards]
            sent += nbytes + len(fn or b"") + sum(
                0 if ix is None else np.asarray(ix).nbytes for _, ix in jobs)
            handle.forget_sent()   # until this call is known to have arrived
            try:
                future = handle.actor.step(*request, jobs)
            except Exception as exc:  # noqa: BLE001 - sorted here
                if not _is_worker_fault(exc):
                    raise
                raise _WorkerFault([worker], shards) from exc
            calls.append((handle, shards, future, record))
        self.bytes_sent += sent
        results, worker_time = self._collect(calls, data)
        received = sum(g.nbytes for r in results if r[0] is not None for g in r[0]
                       if g is not None)
        self.bytes_received += received
        self.last_step = {"round_trip": time.perf_counter() - start, "worker": worker_time[0],
                          "worker_cpu": worker_time[1], "bytes_sent": sent,
                          "bytes_received": received}
        return results

    def _collect(self, calls, data):
        """Each call's results in shard order, within ``step_timeout``."""
        deadline = time.monotonic() + self.step_timeout
        results, worker_time, error, lost = [None] * len(data.keys), (0.0, 0.0), None, []
        for handle, shards, future, record in calls:
            try:
                out = future.result(timeout=max(deadline - time.monotonic(), 1e-3))
            except TimeoutError:
                late = sorted(i for _, s, f, _ in calls if not f.done() for i in s)
                raise TimeoutError(
                    f"a data-parallel step did not finish within step_timeout="
                    f"{self.step_timeout} s: shards {late} on workers "
                    f"{sorted({data.workers[i] for i in late})} never answered (a stopped "
                    "or hung worker); no update was applied") from None
            except Exception as exc:  # noqa: BLE001 - sorted here
                if not _is_worker_fault(exc):
                    raise
                lost.append((handle.worker, shards))
                continue
            if isinstance(out, _RemoteError):
                error = error or out
                continue
            per_shard, seconds, packed = out
            try:
                per_shard = handle.results(per_shard, packed)
            except (OSError, RuntimeError):   # its block is gone: its worker died
                lost.append((handle.worker, shards))
                continue
            record()
            worker_time = max(worker_time, seconds)   # the slowest replica's
            for i, result in zip(shards, per_shard):
                results[i] = result
        if error is not None:
            error.reraise()
        if lost:
            raise _WorkerFault([w for w, _ in lost], [i for _, s in lost for i in s])
        return results, worker_time

    # -- training -------------------------------------------------------
    def fit(self, model, optimizer, loss, data, epochs=1, batch_size=32, seed=0,
            progress=True):
        """Train ``model`` data-parallel: each step every shard contributes its
        part of a global batch of ``batch_size`` examples, the gradients are
        combined on the driver and ``optimizer`` applies them once there; the
        replicas receive the new values with the next step.

        ``loss(model, x, y)`` returns the mean loss of the batch.  ``data`` is
        ``(x, y)`` arrays (scattered once) or a ``ShardedData``.  Returns the
        mean loss of each epoch.
        """
        if not model.trainable_variables:
            raise ValueError("fit: the model has no trainable variables yet; call it once on a "
                             "batch (model(x[:1])) to build its layers before fit")
        if not isinstance(data, ShardedData):
            data = self.scatter(*data)
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
                                              batch_indices=batch, model=model)
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


def _worker_config():
    """Dask's config for the workers ``DataParallel`` starts itself.

    Without ``MALLOC_TRIM_THRESHOLD_``: Dask sets it so that workers give memory
    back to the system sooner, but it also turns off glibc's adaptive mmap
    threshold, so every temporary of a few MB a step allocates is mapped and
    page-faulted afresh (about 10% of the step of a large MLP).  Without the
    statistical profiler, which serves the dashboard (none is started) and
    takes the interpreter lock from the step every 10 ms.
    """
    import dask
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                            "distributed.worker.profile.enabled": False})


def _pickled(loss_fn):
    """The loss function as bytes: sent again only when they change (a closure
    whose captured values changed is a new function for the replicas)."""
    import cloudpickle
    return cloudpickle.dumps(loss_fn)


def _combine(results, variables, total):
    """The mean gradient: the shards' scaled gradients summed in shard order."""
    grads = []
    for i, var in enumerate(variables):
        parts = [r[0][i] for r in results if r[0] is not None and r[0][i] is not None]
        if not parts:
            grads.append(None)
            continue
        acc = parts[0] + parts[1] if len(parts) > 1 else parts[0].copy()
        for part in parts[2:]:
            acc += part
        acc /= total
        grads.append(_as_tensor(acc, var))
    return grads


def _drop_shards(strategy_ref, keys, workers):
    """Free the replicas' copies of a ``ShardedData`` the driver dropped."""
    strategy = strategy_ref()
    if strategy is None or strategy._closed:
        return
    for key, worker in zip(keys, workers):
        handle = strategy._replicas.get(worker)
        if handle is not None and key in handle.shards:
            handle.shards.discard(key)
            try:
                handle.actor.drop([key])   # not waited for
            except Exception:  # noqa: BLE001 - a replica already gone holds nothing
                pass


def _suspect_text(shards, data):
    """`` (shard i was on ...)`` when the same shards were on the lost workers every time."""
    if not shards or len(shards) == len(data.keys):
        return ""
    names = ", ".join(str(i) for i in sorted(shards))
    return (f" (shard {names} was on the worker that died each time: its data or "
            "loss_fn may crash the worker process)")


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
    """The traceback text of an error raised on a worker (it comes back with it).

    >>> from gradtape.distribute import format_remote_error
    >>> "ValueError" in format_remote_error(ValueError("boom"))
    True
    """
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


from .._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.distribute", "tf.distribute")
