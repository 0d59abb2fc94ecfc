"""``CheckpointManager``, ``latest_checkpoint`` and ``list_variables``, as ``tf.train`` has them.

A manager numbers the checkpoints it writes (``<directory>/ckpt-1``,
``ckpt-2``...), keeps the newest ``max_to_keep`` and deletes older ones, and
records them in a ``checkpoint`` state file in the directory, in TensorFlow's
text format, so ``latest_checkpoint(directory)`` finds the newest after a
restart.  Each checkpoint is the one file ``Checkpoint.write`` makes, at the
path the manager returns (TensorFlow writes ``.index`` and ``.data`` files
beside that prefix).

Numbering follows the checkpoint's count of saves (TensorFlow's
``save_counter``), which starts at 0 for each new ``Checkpoint`` object; it is
not stored in the file, so after restoring, a save continues from that
object's own count.
"""
from __future__ import annotations
import collections
import os
import re
import time
import weakref

import numpy as np

from .errors import NotFoundError
from typing import Any, Callable, List, Optional, Tuple

__all__ = ["CheckpointManager", "latest_checkpoint", "list_variables"]

_STATE_FILE = "checkpoint"
_save_counts = weakref.WeakKeyDictionary()


class CheckpointManager:
    """Save numbered checkpoints of one ``Checkpoint`` into ``directory``, keeping
    the newest ``max_to_keep`` (all of them with ``None``).

    >>> import os, tempfile
    >>> import gradtape as tf
    >>> v = tf.Variable(1.0)
    >>> directory = tempfile.mkdtemp()
    >>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), directory, max_to_keep=2)
    >>> paths = [manager.save() for _ in range(3)]
    >>> [os.path.basename(p) for p in manager.checkpoints]
    ['ckpt-2', 'ckpt-3']
    >>> tf.train.latest_checkpoint(directory) == manager.latest_checkpoint == paths[-1]
    True
    """

    def __init__(self, checkpoint: Any, directory: str, max_to_keep: int,
                 keep_checkpoint_every_n_hours: Optional[float] = None, checkpoint_name: str = "ckpt",
                 step_counter: Optional[int] = None, checkpoint_interval: Optional[int] = None,
                 init_fn: Optional[Callable[..., Any]] = None,
                 last_checkpoint_step: Optional[int] = None) -> None:
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, "
                             f"got {max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is "
                             "not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._last_checkpoint_step = last_checkpoint_step
        self._init_fn = init_fn
        self._recover_state()

    def _recover_state(self):
        now = time.time()
        self._kept = collections.OrderedDict()  # path -> timestamp, oldest first
        state = _read_state(self._directory)
        if state is None:
            self._latest = None
            self._last_preserved = now - 1.0
            return
        self._latest = state["latest"]
        self._last_preserved = min(state["last_preserved"], now)
        timestamps = state["timestamps"] or [self._last_preserved] * len(state["paths"])
        for path, stamp in zip(state["paths"], timestamps):
            stamp = min(stamp, now)
            if stamp > self._last_preserved:
                self._kept[path] = stamp

    @property
    def directory(self) -> str:
        """The directory the checkpoints are written to."""
        return self._directory

    @property
    def checkpoint(self) -> Any:
        """The ``Checkpoint`` this manager saves."""
        return self._checkpoint

    @property
    def checkpoint_interval(self) -> Optional[int]:
        """The least number of steps between two saves (None: every ``save``)."""
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self) -> Optional[str]:
        """The path of the newest checkpoint, or None."""
        return self._latest

    @property
    def checkpoints(self) -> List[str]:
        """The paths of the checkpoints kept, oldest first."""
        return list(self._kept)

    def save(self, checkpoint_number: Optional[int] = None, check_interval: Any = True,
             options: Any = None) -> Optional[str]:
        """Write a checkpoint numbered ``checkpoint_number`` (default: the count of
        saves), delete those beyond ``max_to_keep``; returns its path (None if
        ``checkpoint_interval`` steps have not passed since the last save)."""
        if self._checkpoint_interval is not None:
            step = int(np.asarray(self._step_counter))
            last = self._last_checkpoint_step
            if last is not None and (step == last or (
                    check_interval and step < last + self._checkpoint_interval)):
                return None
            self._last_checkpoint_step = step
        count = _next_save_number(self._checkpoint)
        number = count if checkpoint_number is None else int(np.asarray(checkpoint_number))
        path = f"{self._prefix}-{number}"
        os.makedirs(self._directory, exist_ok=True)
        self._checkpoint.write(path)
        self._kept.pop(path, None)
        self._kept[path] = time.time()
        self._latest = path
        self._sweep()
        _write_state(self._directory, self._latest, self._kept, self._last_preserved)
        return path

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._kept) > self._max_to_keep:
            path, stamp = self._kept.popitem(last=False)
            if self._keep_hours and stamp - self._keep_hours * 3600.0 >= self._last_preserved:
                self._last_preserved = stamp
                continue
            _remove_quietly(path)

    def restore_or_initialize(self) -> Optional[str]:
        """Restore the newest checkpoint and return its path; with none, call
        ``init_fn`` (if given) and return None."""
        if self._latest is not None:
            self._checkpoint.read(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None


def _next_save_number(checkpoint):
    """Count one more save of ``checkpoint`` (TensorFlow's ``save_counter``) and return it."""
    count = _save_counts.get(checkpoint, 0) + 1
    _save_counts[checkpoint] = count
    return count


def _save_numbered(checkpoint, file_prefix):
    """``Checkpoint.save``: write ``<file_prefix>-<n>`` and record it in the directory's
    state file as the newest (and only listed) checkpoint, as TensorFlow does."""
    path = f"{os.fspath(file_prefix)}-{_next_save_number(checkpoint)}"
    checkpoint.write(path)
    _write_state(os.path.dirname(path) or ".", path, {path: None})
    return path


def latest_checkpoint(checkpoint_dir: str, latest_filename: Optional[str] = None) -> Optional[str]:
    """The path of the newest checkpoint a ``CheckpointManager`` recorded in
    ``checkpoint_dir``, or None if there is none (or its file is gone).

    >>> import tempfile
    >>> import gradtape as tf
    >>> print(tf.train.latest_checkpoint(tempfile.mkdtemp()))
    None
    """
    state = _read_state(os.fspath(checkpoint_dir), latest_filename or _STATE_FILE)
    if state is None or state["latest"] is None or not os.path.isfile(state["latest"]):
        return None
    return state["latest"]


def list_variables(ckpt_dir_or_file: str) -> List[Tuple[str, List[int]]]:
    """``(key, shape)`` of every value in a checkpoint file, or in the newest
    checkpoint of a directory, sorted by key.

    >>> import os, tempfile
    >>> import gradtape as tf
    >>> path = tf.train.Checkpoint(w=tf.Variable([[1.0, 2.0]])).write(
    ...     os.path.join(tempfile.mkdtemp(), "ckpt-1"))
    >>> tf.train.list_variables(path)
    [('w', [1, 2])]
    """
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        path = latest_checkpoint(path)
    if path is None or not os.path.isfile(path):
        raise NotFoundError(f"Unsuccessful TensorSliceReader constructor: Failed to find any "
                            f"matching files for {ckpt_dir_or_file}")
    with np.load(path, allow_pickle=False) as data:
        return sorted((key, list(data[key].shape)) for key in data.files)


# -- the state file, in TensorFlow's text format ---------------------------------
_LINE = re.compile(r'^(\w+):\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$')


def _read_state(directory, filename=_STATE_FILE):
    path = os.path.join(directory, filename)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return None
    fields = collections.defaultdict(list)
    for line in lines:
        match = _LINE.match(line.strip())
        if match:
            key, quoted, bare = match.groups()
            fields[key].append(quoted if quoted is not None else bare)

    def absolute(p):
        return p if os.path.isabs(p) else os.path.join(directory, p)

    latest = fields.get("model_checkpoint_path")
    return {
        "latest": absolute(latest[-1]) if latest else None,
        "paths": [absolute(p) for p in fields.get("all_model_checkpoint_paths", [])],
        "timestamps": [float(t) for t in fields.get("all_model_checkpoint_timestamps", [])],
        "last_preserved": float(fields.get("last_preserved_timestamp", [0.0])[-1]),
    }


def _write_state(directory, latest, kept, last_preserved=None):
    """The state file: ``kept`` maps each path to its timestamp (None: not written)."""
    def relative(p):
        return os.path.relpath(p, directory) if os.path.dirname(p) == directory else p

    lines = [f'model_checkpoint_path: "{relative(latest)}"']
    lines += [f'all_model_checkpoint_paths: "{relative(p)}"' for p in kept]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in kept.values() if t is not None]
    if last_preserved is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved!r}")
    target = os.path.join(directory, _STATE_FILE)
    tmp = f"{target}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, target)


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
