"""Debugging aids: a debug mode that keeps full stacks, and check_numerics.

``set_debug_mode(True)`` makes every tape keep the full user stack of each
recorded op (costly; off by default), so ``explain`` and error messages can
show how the op was reached.  ``check_numerics()`` makes ``gradient()`` stop
at the first op whose VJP turns finite cotangents into NaN or Inf.
"""
from __future__ import annotations
import contextlib
import threading

import numpy as np

from .._core import sites
from .._core.convert import convert_to_tensor
from .._core.errors import InvalidArgumentError
from .._core.reverse import Meta
from .._core.sites import Site
from .._core.tensor import TensorLike
from ..rules.elementwise import is_finite
from ..rules.reductions import reduce_all
from typing import Any, Optional
from .._core.types import TensorInput

__all__ = ["set_debug_mode", "debug_mode", "check_numerics", "enable_check_numerics",
           "disable_check_numerics", "checking_numerics", "numerics_checker",
           "NonFiniteGradientError", "set_log_device_placement"]

def set_debug_mode(enabled: bool = True) -> None:
    """Keep the full user stack of every recorded op (slow; for debugging).

    >>> import gradtape as tf
    >>> tf.debugging.set_debug_mode(True)
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> len(tape._rec.stacks)
    1
    >>> tf.debugging.set_debug_mode(False)
    """
    sites.keep_full_stacks(enabled)


def set_log_device_placement(enabled: bool) -> None:
    """TensorFlow's switch for logging the device of each op: gradtape runs every
    op on the CPU, so there is nothing to log: it changes nothing.

    >>> import gradtape as tf
    >>> tf.debugging.set_log_device_placement(False)
    """


def debug_mode() -> bool:
    """Whether debug mode is on.

    >>> import gradtape as tf
    >>> tf.debugging.debug_mode()
    False
    """
    return sites.keep_stacks


# ---------------------------------------------------------------------------
# check_numerics
# ---------------------------------------------------------------------------

class NonFiniteGradientError(InvalidArgumentError):
    """An op's VJP produced NaN or Inf from finite cotangents.

    ``op`` is the op's name, ``site`` its place in user code (a ``Site``),
    ``where_trap`` whether a ``where`` selected the op's non-finite values away.

    >>> import numpy as np, gradtape as tf
    >>> x = tf.Variable([0.0, 4.0])
    >>> with tf.GradientTape() as tape, np.errstate(all="ignore"):
    ...     y = tf.reduce_sum(tf.where(x > 0.0, tf.math.log(x), 0.0))
    >>> with tf.debugging.check_numerics():
    ...     try:
    ...         tape.gradient(y, x)
    ...     except tf.debugging.NonFiniteGradientError as e:
    ...         print(e.op, e.where_trap)
    log True
    """

    def __init__(self, message: str, op: Any = None, site: Any = None, where_trap: bool = False) -> None:
        super().__init__(message)
        self.op = op
        self.site = site
        self.where_trap = where_trap


def _finite(x):
    return bool(np.all(np.isfinite(x._value)))


def _all_finite(ct):
    return all(_finite(c) for c in (ct if type(ct) is tuple else (ct,)))


def _checker(recorder):
    """A VJP caller for one sweep over ``recorder`` that stops at the first NaN/Inf."""
    index_of = {}  # the entry a VJP call is for, known by its saved inputs
    consumers = {}
    views = {idx: e for idx, e in enumerate(recorder.views()) if e is not None}
    # (views: the sweep may free the entries as it goes)
    for idx, e in views.items():
        index_of[id(e.saved)] = idx
        for u in e.inputs:
            consumers.setdefault(u, []).append(e)

    def checked(op, i, ct, ans, saved, params, call):
        with np.errstate(all="ignore"):
            g = call(op, i, ct, ans, saved, params)
        if g is None or _finite(g):
            return g
        idx = index_of.get(id(saved))
        entry = views.get(idx)
        site = None if entry is None else Site.of(entry.code, entry.lasti,
                                                  recorder.stacks.get(idx))
        _raise(op, i, ct, g, saved, entry, site, consumers)
    return checked


_local = threading.local()  # checks are per thread, as TensorFlow's
#: How many checks are active in all threads together: while none is (the usual
#: case), ``checking_numerics`` answers without reading the thread's own list.
checks_anywhere = [0]
_count_lock = threading.Lock()


def _active_checks():
    """This thread's active checks, innermost last: each enable or block adds one."""
    checks = getattr(_local, "checks", None)
    if checks is None:
        checks = _local.checks = []
    return checks


def checking_numerics() -> bool:
    """Whether ``check_numerics`` is active (gradients are checked for NaN/Inf).

    >>> import gradtape as tf
    >>> with tf.debugging.check_numerics():
    ...     print(tf.debugging.checking_numerics())
    True
    """
    return bool(checks_anywhere[0] and getattr(_local, "checks", None))


def _add_check(kind):
    _active_checks().append(kind)
    with _count_lock:
        checks_anywhere[0] += 1


def _drop_check(kind):
    _active_checks().remove(kind)
    with _count_lock:
        checks_anywhere[0] -= 1


def numerics_checker(recorder: Any) -> Any:
    """The VJP caller a sweep over ``recorder`` uses: a checking one while
    ``check_numerics`` is active, else None (the sweep calls the rules itself).

    >>> import gradtape as tf
    >>> tape = tf.GradientTape()
    >>> tf.debugging.numerics_checker(tape._rec) is None
    True
    """
    if not checks_anywhere[0]:  # (asked on every gradient(): no call while no check is on)
        return None
    return _checker(recorder) if checking_numerics() else None


def _raise(op, i, ct, g, saved, entry, site, consumers):
    where = f" at {site.describe()}" if site else ""
    if not _all_finite(ct):
        raise NonFiniteGradientError(
            f"check_numerics: the cotangent reaching op '{op.name}'{where} is already "
            "NaN/Inf (from output_gradients or a sum of cotangents)", op.name, site)
    x = saved[i]
    inputs = "finite" if type(x) is Meta or _finite(x) else "non-finite"
    bad = ~np.isfinite(g._value)
    cts = ct if type(ct) is tuple else (ct,)
    outs = entry.outputs if entry is not None else ()
    outs = outs if type(outs) is tuple else (outs,)
    feeds_where = [e for u in outs for e in consumers.get(u, ()) if e.op.name == "where"]
    zero_ct = all(np.all(np.broadcast_to(c._value == 0, bad.shape)[bad]) for c in cts
                  if np.broadcast_shapes(c._value.shape, bad.shape) == bad.shape)
    if feeds_where and zero_ct:
        w = feeds_where[0]
        wsite = Site.of(w.code, w.lasti)
        raise NonFiniteGradientError(
            f"check_numerics: the VJP of op '{op.name}'{where} turned a zero cotangent into "
            f"NaN (0 * inf): this is the where trap. tf.where at {wsite} discards the "
            f"elements where '{op.name}' is not finite in the forward pass, but the backward "
            f"pass still multiplies their zero cotangent by '{op.name}''s infinite "
            "derivative. Fix: make the unselected inputs safe before the op, e.g. "
            "safe_x = tf.where(cond, x, tf.ones_like(x)); "
            f"y = tf.where(cond, tf.{op.name}(safe_x), other)",
            op.name, site, where_trap=True)
    raise NonFiniteGradientError(
        f"check_numerics: the VJP of op '{op.name}'{where} produced NaN/Inf for input "
        f"#{i} from a finite cotangent ({inputs} forward input): its derivative is not "
        f"finite at {int(bad.sum())} element(s) (e.g. log or sqrt at 0, division by 0). "
        "Fix: keep the input inside the op's domain (add an epsilon, clip, or use a "
        "numerically safe form such as tf.math.log1p or tf.nn.softplus)", op.name, site)


def check_numerics(tensor: Optional[TensorInput] = None, message: Optional[str] = None,
                   name: Optional[str] = None) -> Any:
    """Catch NaN and Inf: in a tensor now, or in every gradient computed in a block.

    With a ``tensor`` (TensorFlow's form), return it unchanged if all its values
    are finite, else raise ``InvalidArgumentError`` with ``message``.

    Without one, return a context manager inside which ``gradient()`` raises
    ``NonFiniteGradientError`` at the first op whose VJP produces NaN or Inf
    from finite cotangents, naming the op and its line.  The check is chosen
    once per backward sweep, so it costs nothing when not active.

    >>> import numpy as np, gradtape as tf
    >>> x = tf.Variable([0.0, 1.0])
    >>> with tf.GradientTape() as tape, np.errstate(divide="ignore"):
    ...     y = tf.reduce_sum(tf.math.log(x))
    >>> with tf.debugging.check_numerics():
    ...     try:
    ...         tape.gradient(y, x)
    ...     except tf.debugging.NonFiniteGradientError as e:
    ...         print(e.op)
    log
    >>> tf.debugging.check_numerics(tf.constant([1.0]), "weights").numpy()
    array([1.], dtype=float32)
    """
    if tensor is None:
        return _checking_gradients()
    t = tensor if isinstance(tensor, TensorLike) else convert_to_tensor(tensor)
    # the test is made of ops and read by bool(): a gradtape.function checks it on every call
    if t._value.dtype.kind in "fc" and not bool(reduce_all(is_finite(t))):
        what = "NaN" if np.any(np.isnan(t._value)) else "Inf"
        raise InvalidArgumentError(f"{message} : Tensor had {what} values")
    return tensor


@contextlib.contextmanager
def _checking_gradients():
    _add_check("block")
    try:
        yield
    finally:
        _drop_check("block")


def enable_check_numerics() -> None:
    """Check every gradient computation for NaN/Inf until ``disable_check_numerics``.

    >>> import gradtape as tf
    >>> tf.debugging.enable_check_numerics()
    >>> tf.debugging.disable_check_numerics()
    """
    if "enabled" not in _active_checks():
        _add_check("enabled")


def disable_check_numerics() -> None:
    """Stop the checks ``enable_check_numerics`` started.

    >>> import gradtape as tf
    >>> tf.debugging.disable_check_numerics()
    """
    if "enabled" in _active_checks():
        _drop_check("enabled")
