"""NumPy's floating-point warnings (log of 0, overflow...) at the user's line.

NumPy warns at the Python line that called the ufunc: inside gradtape, for
every op alike.  Two mechanisms, neither with a cost until a warning fires,
issue it again at the first frame outside gradtape and NumPy, led by the
op's name, where the user's warning filters judge it as they would NumPy's:

* ``apply`` (``trace.py``) runs an op's NumPy code under a filter that turns
  a RuntimeWarning raised on its own lines into an error, and catches it
  (``warn_at_user_line``), when no filter of the user's matches first;
* every other shown RuntimeWarning raised while gradtape runs (a VJP, the
  backward sweep, a replay of ``gradtape.function``, NumPy or another array
  namespace called by a rule, or any warning once the user set a filter of
  their own) passes ``_show_at_user_line``, a hook on what the ``warnings``
  module calls to show a warning.
"""
import os
import sys
import sysconfig
import warnings

from . import state
from .backend import NP
from .op import Op
from .sites import NOT_USER

# frames a warning is never issued at: gradtape's, NumPy's, a compiled replay's
_ENGINE = NOT_USER + ("<gradtape.function",)


def warn_at_user_line(op, warning, recompute):
    """Issue ``warning`` at the first frame outside gradtape and NumPy, then
    compute the op's result again (``recompute()``) without it."""
    _reissue(sys._getframe(2), f"{op.name}: {warning}", type(warning))
    with NP.errstate(all="ignore"):
        return recompute()


def _reissue(frame, text, category):
    """Warn ``text`` at the user's line above ``frame`` (the user's filters decide),
    naming the op whose derivative was being computed, if any."""
    outer = None
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_ENGINE):
        outer = _op_of(frame) or outer
        frame = frame.f_back
    if outer is None:  # the C apply has no frame: its ops are listed instead
        outer = next(iter(state.applying()), None)
    if outer is not None and not text.startswith(outer.name + ":"):
        text = f"{text} (in the derivative of {outer.name})"
    warnings.warn_explicit(text, category, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__", "<string>"),
                           registry=frame.f_globals.setdefault("__warningregistry__", {}))


_show_warning = getattr(warnings, "_showwarnmsg", None)  # what every shown warning goes through
_GRADTAPE = (NOT_USER[0], "<gradtape.function")
# code gradtape calls that is not the user's: NumPy, an array namespace, the standard library
_LIBRARY = NOT_USER[1:] + ("<frozen ",) + tuple(
    {os.path.join(sysconfig.get_paths()[k], "") for k in ("stdlib", "purelib", "platlib")})


def _show_at_user_line(message):
    """Show a RuntimeWarning that a user's filter let through at an engine line
    (a VJP, the sweep, a replay, NumPy or an array namespace called by a rule)
    at the user's line instead.

    The filter above turns only ``apply``'s own warnings into errors, and only
    when no filter of the user's matches first (``simplefilter("default")``...).
    Anything else NumPy warns while gradtape runs arrives here, as the
    user's filters let it through; it is issued again at the user's line, which
    the user's filters judge (and the engine line's "seen once" mark is
    dropped, so the next op warning there is not hidden by this one).
    """
    if issubclass(message.category, RuntimeWarning) and message.filename.startswith(_GRADTAPE + _LIBRARY):
        frame = sys._getframe(1)
        engine = _engine_frame(frame)
        if engine is not None:
            text = str(message.message)
            _forget(frame, message.filename, text, message.category, message.lineno)
            _reissue(engine, _named(frame, text), message.category)
            return
    elif issubclass(message.category, RuntimeWarning) and _unnamed_op_warning(message):
        return
    _show_warning(message)


def _unnamed_op_warning(message):
    """Name the op in a warning its NumPy code gave at the user's own line: an
    op function in C (``fast_public``) applies the op from the user's frame, with
    no gradtape frame between.  Issued again, named, for the user's filters to
    judge; whether it was."""
    applying = state.applying()
    text = str(message.message)
    if not applying or not state.applied_fast() or text.startswith(applying[-1].name + ":"):
        return False
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename != message.filename:
        frame = frame.f_back
    if frame is None:
        return False
    _forget(frame, message.filename, text, message.category, message.lineno)
    warnings.warn_explicit(f"{applying[-1].name}: {text}", message.category, message.filename,
                           message.lineno, module=frame.f_globals.get("__name__", "<string>"),
                           registry=frame.f_globals.setdefault("__warningregistry__", {}))
    return True


def _engine_frame(frame):
    """The gradtape frame that ran the code warning at ``frame``; None when the user ran it."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_GRADTAPE):
            return frame
        if not name.startswith(_LIBRARY):
            return None
        frame = frame.f_back
    return None


def _op_of(frame):
    """The op a gradtape frame runs or differentiates (None for any other frame).

    The sweep on arrays keeps the op it differentiates in ``current``: its loop
    may be C, with no frame of its own."""
    if not frame.f_code.co_filename.startswith(NOT_USER[0]):
        return None
    f_locals = frame.f_locals
    op = f_locals.get("op")
    if op is None and frame.f_code.co_name == "_sweep_arrays":
        op = f_locals["current"][0]
    return op if isinstance(op, Op) else None


# the sweep on arrays (reverse.py): a warning under it comes from an op's NumPy VJP
_SWEEPS = ("_sweep_arrays", "python_sweep_arrays")


def _named(frame, text):
    """``text`` led by the name of the op that computed (the innermost one running)."""
    applying = state.applying()
    if applying:  # the C apply, which has no frame
        return f"{applying[-1].name}: {text}"
    while frame is not None:
        if frame.f_code.co_name in _SWEEPS:
            return text  # an op's NumPy VJP: ``_reissue`` names the op being differentiated
        op = _op_of(frame)
        if op is not None:
            return f"{op.name}: {text}"
        if frame.f_code.co_filename.startswith("<gradtape.function"):
            return f"{frame.f_code.co_filename[1:-1]}: {text}"
        frame = frame.f_back
    return text


def _forget(frame, filename, text, category, lineno):
    """Drop the marks "shown once" that the warning left at the engine line."""
    while frame is not None and frame.f_code.co_filename != filename:
        frame = frame.f_back
    registry = frame.f_globals.get("__warningregistry__", {}) if frame is not None else {}
    registry.pop((text, category, lineno), None)
    registry.pop((text, category, 0), None)
    warnings.onceregistry.pop((text, category), None)


if _show_warning is not None:
    warnings._showwarnmsg = _show_at_user_line
