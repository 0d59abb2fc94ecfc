"""``gradtape.train.Checkpoint`` (also ``gradtape.Checkpoint``): save and restore
the Variables of models and optimizers in one ``.npz`` file.

Writing is atomic: the arrays go to a temporary file in the same directory
(created if missing), which then replaces the target in one ``os.replace``;
a crash mid-write leaves the previous file as it was, and the next write
removes the temporary files of writers that died.

Reading checks every member's ``.npy`` header (dtype, shape, size) before
decompressing anything, so a small hostile file cannot make it allocate
much; big-endian and Fortran-ordered arrays are read as NumPy writes them.
Every Variable that exists must find a value of its shape and dtype in the
file, or nothing is assigned and the error lists what did not match.  Values
whose Variable does not exist yet (a layer builds its weights on its first
call, an optimizer its slots on its first step) are restored when it is
created, as TensorFlow's deferred restoration; ``read`` returns a status
whose ``assert_consumed()`` checks that every value found its Variable.

Values are keyed by stable paths, not by Variable names (which depend on how
many layers a program created): ``model/layers/0/kernel``,
``optimizer/iteration``; an optimizer's slot by its variable's path,
``optimizer/momentum/model/layers/0/kernel``, so a restore never depends on
the order in which the optimizer was built.
"""
from __future__ import annotations

import io
import os
import secrets
import weakref
import zipfile
import zlib

import numpy as np

from . import module as _module
from .. import checkpoint_management as _checkpoint_management
from ..checkpoint_management import CheckpointManager, latest_checkpoint, list_variables  # noqa: F401
from .module import Module
from ..variables import Variable
from typing import Any

_SUFFIX = ".npy"
_TEMPORARY = ".tmp"
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError)


def _object_items(name, obj):
    """``(key, variable)`` pairs for one object given to Checkpoint."""
    if isinstance(obj, Variable):
        return [(name, obj)]
    if isinstance(obj, Module):
        return [(f"{name}/{path}", var) for path, var in obj.named_variables()]
    items = getattr(obj, "_checkpoint_items", None)
    if items is not None:
        return [(f"{name}/{key}", var) for key, var in items()]
    if hasattr(obj, "variables"):
        return [(f"{name}/{i}", var) for i, var in enumerate(obj.variables)]
    raise TypeError(f"Checkpoint: cannot save {name}={type(obj).__name__}; expected a "
                    "Variable, a Module, an optimizer or an object with `variables`")


def _collect_items(objects, strict=True):
    """Every ``(key, variable)`` of ``objects``; slots keyed by their variable's key.

    A slot whose variable is not among ``objects`` is an error if ``strict``
    (it could not be restored), else left out.
    """
    items, owners, slots = [], {}, []

    def add(key, var):
        if owners.setdefault(key, var) is not var:
            raise ValueError(f"Checkpoint: two different variables would be saved "
                             f"under the key {key!r}; rename a dict key or an object")
        items.append((key, var))

    for name, obj in objects.items():
        for key, var in _object_items(name, obj):
            add(key, var)
        triples = getattr(obj, "_slot_variables", None)
        slots.extend((name, *triple) for triple in (triples() if triples else ()))
    path_of = {id(var): key for key, var in items}
    for name, slot, var, slot_var in slots:
        path = path_of.get(id(var))
        if path is not None:
            add(f"{name}/{slot}/{path}", slot_var)
        elif strict:
            raise ValueError(
                f"Checkpoint: {name} has a {slot!r} slot for Variable '{var.name}', which "
                "none of the checkpointed objects holds; a slot is saved under its "
                "variable's path: add the model to the Checkpoint, e.g. "
                f"Checkpoint(model=model, {name}={name})")
    return items


class Checkpoint:
    """Save and restore named objects' Variables in one ``.npz`` file.

    >>> import os, tempfile
    >>> import gradtape as tf
    >>> model = tf.layers.Dense(2, kernel_initializer="ones")
    >>> _ = model(tf.ones((1, 3)))
    >>> ckpt = tf.Checkpoint(model=model)
    >>> path = ckpt.write(os.path.join(tempfile.mkdtemp(), "model.npz"))
    >>> _ = model.kernel.assign(tf.zeros((3, 2)))
    >>> status = ckpt.read(path)
    >>> model.kernel.numpy().sum()
    6.0
    """

    def __init__(self, **objects: Any) -> None:
        if not objects:
            raise ValueError("Checkpoint: give the objects to save as keyword arguments, "
                             "e.g. Checkpoint(model=model, optimizer=optimizer)")
        for name in objects:
            if "/" in name:
                raise ValueError(f"Checkpoint: object name {name!r} must not contain '/'")
        self._objects = dict(objects)

    def _items(self):
        return _collect_items(self._objects)

    # -- writing -------------------------------------------------------------
    def write(self, path: str | os.PathLike) -> str:
        """Write every Variable's value to ``path`` atomically; returns ``path``.

        A missing directory is created.

        >>> import os, tempfile
        >>> import gradtape as tf
        >>> ckpt = tf.Checkpoint(w=tf.Variable([1.0, 2.0]))
        >>> path = ckpt.write(os.path.join(tempfile.mkdtemp(), "new", "w.npz"))
        >>> os.path.exists(path)
        True
        """
        path = _file_path(path, "write")
        arrays = {key: np.asarray(var.numpy()) for key, var in self._items()}
        directory, base = os.path.split(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        _remove_dead_writers_files(directory, base)
        tmp, fd = _create_temporary(directory, base)
        try:
            with os.fdopen(fd, "wb") as f:
                _write_npz(f, arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            _remove_quietly(tmp)
            raise
        return path

    @property
    def save_counter(self) -> Any:
        """The number of ``save`` calls (and ``CheckpointManager`` saves) of this object, an
        int64 tensor (TensorFlow's is a Variable, also restored; this count is not stored).

        >>> import gradtape as tf
        >>> tf.train.Checkpoint(w=tf.Variable(1.0)).save_counter
        <tf.Tensor: shape=(), dtype=int64, numpy=0>
        """
        from .._core.convert import convert_to_tensor
        return convert_to_tensor(np.int64(_checkpoint_management._save_counts.get(self, 0)))

    def save(self, file_prefix: str | os.PathLike, options: Any = None) -> str:
        """Write ``<file_prefix>-<n>``, ``n`` counting this object's saves (TensorFlow's
        ``save_counter``), and record it as the newest checkpoint of its directory, so
        ``tf.train.latest_checkpoint`` finds it; returns the path.

        >>> import os, tempfile
        >>> import gradtape as tf
        >>> directory = tempfile.mkdtemp()
        >>> ckpt = tf.train.Checkpoint(w=tf.Variable(1.0))
        >>> [os.path.basename(ckpt.save(os.path.join(directory, "ckpt"))) for _ in range(2)]
        ['ckpt-1', 'ckpt-2']
        >>> os.path.basename(tf.train.latest_checkpoint(directory))
        'ckpt-2'
        """
        if options is not None:
            raise NotImplementedError("Checkpoint.save: options are not supported in gradtape")
        return _checkpoint_management._save_numbered(self, file_prefix)

    # -- reading -------------------------------------------------------------
    def read(self, path: str | os.PathLike | None) -> CheckpointLoadStatus | None:
        """Assign every Variable its value from ``path``; on any mismatch assign none.

        Values for Variables not created yet are assigned when they are;
        returns a ``CheckpointLoadStatus``.  ``None`` (no checkpoint yet:
        ``restore(manager.latest_checkpoint)`` on a first run) restores nothing,
        as TensorFlow's ``restore(None)``.

        >>> import os, tempfile
        >>> import gradtape as tf
        >>> trained = tf.layers.Dense(2)
        >>> _ = trained(tf.ones((1, 3)))
        >>> path = tf.Checkpoint(model=trained).write(os.path.join(tempfile.mkdtemp(), "m.npz"))
        >>> fresh = tf.layers.Dense(2)                    # no weights yet
        >>> status = tf.Checkpoint(model=fresh).read(path)
        >>> _ = fresh(tf.ones((1, 3)))                    # built: restored now
        >>> bool((fresh.kernel.numpy() == trained.kernel.numpy()).all())
        True
        >>> status.assert_consumed() is status
        True
        """
        if path is None:
            return None
        path = _file_path(path, "read")
        stored = _CheckpointFile(path)
        items = self._items()
        problems = [p for key, var in items for p in [stored.mismatch(key, var)] if p]
        if problems:
            raise ValueError(f"Checkpoint.read({path!r}): the file does not match the "
                             "objects to restore, nothing was restored:\n  "
                             + "\n  ".join(problems))
        values = [(var, stored.load(key, var)) for key, var in items]
        for var, value in values:
            var._restore(value)
        status = CheckpointLoadStatus(self._objects, stored, {key for key, _ in items})
        if status._pending:
            _DEFERRED.append(status)
            _module.on_new_variable = _restore_deferred
        return status

    restore = read


class CheckpointLoadStatus:
    """What ``Checkpoint.read`` returns: which values of the file found their
    Variables, and the deferred restoration of the others.

    Values whose Variables do not exist yet are kept (compressed, as in the
    file) and assigned when a layer builds or an optimizer creates its slots.

    >>> import os, tempfile
    >>> import gradtape as tf
    >>> path = tf.Checkpoint(a=tf.Variable(1.0), b=tf.Variable(2.0)).write(
    ...     os.path.join(tempfile.mkdtemp(), "ab.npz"))
    >>> status = tf.Checkpoint(a=tf.Variable(0.0)).read(path)
    >>> status.assert_consumed()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Checkpoint.read(...): 1 value of the file found no Variable: ['b']. Call the layers...
    >>> status.expect_partial() is status
    True
    """

    def __init__(self, objects: Any, stored: Any, consumed: Any) -> None:
        self._refs = {name: _ref(obj) for name, obj in objects.items()}
        self._stored = stored
        self._pending = set(stored.keys()) - consumed

    def _objects(self):
        """The restored objects, or None once one of them is gone."""
        objects = {name: ref() for name, ref in self._refs.items()}
        return None if any(obj is None for obj in objects.values()) else objects

    def _restore_new_variables(self):
        """Assign the values whose Variables now exist; False once nothing is left to do."""
        objects = self._objects()
        if objects is None:
            return False
        found = [(key, var) for key, var in _collect_items(objects, strict=False)
                 if key in self._pending]
        problems = [p for key, var in found for p in [self._stored.mismatch(key, var)] if p]
        if problems:
            raise ValueError(f"Checkpoint.read({self._stored.path!r}) (deferred restoration): "
                             "the file does not match the new variables:\n  "
                             + "\n  ".join(problems))
        values = [(key, var, self._stored.load(key, var)) for key, var in found]
        for key, var, value in values:
            var._restore(value)
            self._pending.discard(key)
        return bool(self._pending)

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Check that every value of the file was assigned to a Variable; returns self.

        Raises AssertionError naming the values that found no Variable (a layer
        not called yet, an optimizer not built, or a name that differs).
        """
        if self._pending:
            self._restore_new_variables()
        if self._pending:
            keys = sorted(self._pending)
            n = len(keys)
            raise AssertionError(
                f"Checkpoint.read({self._stored.path!r}): {n} value{'s' if n > 1 else ''} "
                f"of the file found no Variable: {keys}. Call the layers once (they build "
                "their weights then) and build the optimizer (optimizer.build(variables)) "
                "before asserting, or call expect_partial() if the file holds more than "
                "the objects restored")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Declare that the file may hold values the objects never create; returns self."""
        return self


#: restorations waiting for Variables to be created (see CheckpointLoadStatus)
_DEFERRED = []


def _restore_deferred():
    """Assign the waiting values whose Variables now exist (called when layers
    build, optimizers create slots and Variables are set on Modules)."""
    for status in list(_DEFERRED):
        if not status._restore_new_variables():
            _DEFERRED.remove(status)
    if not _DEFERRED:
        _module.on_new_variable = None


def _ref(obj):
    try:
        return weakref.ref(obj)
    except TypeError:  # an object that cannot be referenced weakly is kept
        return lambda: obj


def _file_path(path, how):
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"Checkpoint.{how}: {path!r} is a directory; give the path of a checkpoint "
            f"file, e.g. {os.path.join(path, 'ckpt.npz')!r}")
    return path


# -- the file ------------------------------------------------------------------

def _write_npz(f, arrays):
    """The ``.npz`` layout (one ``.npy`` member per array), as ``numpy.savez`` writes it."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, arr in arrays.items():
            with zf.open(key + _SUFFIX, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _create_temporary(directory, base):
    """A new file for the writer, named after its process (so a later write
    can tell a dead writer's leftovers), with the mode the umask gives."""
    while True:
        tmp = os.path.join(directory,
                           f".{base}.{os.getpid()}.{secrets.token_hex(4)}{_TEMPORARY}")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def _remove_dead_writers_files(directory, base):
    prefix = f".{base}."
    for name in os.listdir(directory):
        if name.startswith(prefix) and name.endswith(_TEMPORARY):
            pid = name[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                _remove_quietly(os.path.join(directory, name))


def _process_alive(pid):
    if pid == os.getpid() or os.name == "nt":  # on Windows, os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _CheckpointFile:
    """A checkpoint file in memory as it is on disk (compressed): every
    member's header read and checked up front, an array decompressed only
    once a Variable of its header's dtype and shape asks for it."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise FileNotFoundError(f"Checkpoint.read: no checkpoint file at {path!r}") from None
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._headers = {}
            for info in self._zip.infolist():
                self._add_member(info)
        except _UNREADABLE as err:
            self._unreadable(err)

    def _unreadable(self, err):
        raise ValueError(f"Checkpoint.read: {self.path!r} is not a readable checkpoint "
                         f"(.npz) file: {err}") from None

    def _add_member(self, info):
        name = info.filename
        if not name.endswith(_SUFFIX):
            raise ValueError(f"member {name!r} is not a .npy array")
        key = name[:-len(_SUFFIX)]
        if key in self._headers:
            raise ValueError(f"member {name!r} appears twice")
        with self._zip.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"member {name!r} has unsupported .npy version {version}")
            offset = member.tell()
        if dtype.hasobject:
            raise ValueError(f"member {name!r} holds Python objects, which a checkpoint "
                             "never does")
        nbytes = dtype.itemsize
        for d in shape:
            nbytes *= d
        if info.file_size != offset + nbytes:
            raise ValueError(f"member {name!r} holds {info.file_size - offset} bytes of data "
                             f"but its header declares {dtype} of shape {shape} "
                             f"({nbytes} bytes)")
        self._headers[key] = (info, offset, shape, fortran, dtype, nbytes)

    def keys(self):
        return self._headers.keys()

    def mismatch(self, key, var):
        """Why the file's value for ``key`` cannot be ``var``'s, or None."""
        if key not in self._headers:
            return (f"missing: {key!r} ({var.name}, shape {tuple(var.shape)}) has no value "
                    "in the file")
        _, _, shape, _, dtype, _ = self._headers[key]
        if shape != tuple(var.shape) or dtype.newbyteorder("=") != var.dtype._np:
            return (f"mismatch: {key!r} ({var.name}) is {var.dtype.name} of shape "
                    f"{tuple(var.shape)}, the file holds {dtype.name} of shape {shape}")
        return None

    def load(self, key, var):
        """The value for ``key`` (checked by ``mismatch``), in native byte order."""
        info, offset, shape, fortran, dtype, nbytes = self._headers[key]
        try:
            with self._zip.open(info) as member:
                member.read(offset)
                data = member.read(nbytes)
                if len(data) != nbytes or member.read(1):  # reading to the end checks the CRC
                    raise ValueError(f"member {key + _SUFFIX!r} is truncated")
        except _UNREADABLE as err:
            self._unreadable(err)
        flat = np.frombuffer(data, dtype=dtype)
        value = flat.reshape(shape, order="F" if fortran else "C")
        return value.astype(var.dtype._np, order="C")  # a writable copy in native order


def _remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

from .._missing import missing_names as _missing_names  # noqa: E402

__getattr__ = _missing_names("gradtape.train", "tf.train")
