"""Where in user code an op ran: the first frame outside gradtape, and ``Site``.

``TapeRecorder.record`` notes, for every recorded op, the code object and
instruction offset of the user's frame (a few tens of ns: the frame three up
is usually the user's, and the last user code seen skips the walk); the
diagnostics turn them into file:line.  ``user_site`` is the same question
asked off the hot path (cut points, escapes, watches).
"""
from __future__ import annotations
import bisect
import dis
import functools
import linecache
import os
import sys
import traceback

import numpy as np
from typing import Any

#: Whether each recorded op notes where in user code it ran (a few tens of ns).
enabled = True
#: Whether each recorded op keeps the full user stack (``gradtape.debugging``'s
#: debug mode: slow, off by default); set it with ``keep_full_stacks``.
keep_stacks = False

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _own_files():
    # spelled like the code objects' co_filename (a set lookup is cheaper than startswith)
    top = os.path.dirname(os.path.dirname(__file__))
    return frozenset(os.path.join(root, name) for root, _, names in os.walk(top)
                     for name in names if name.endswith(".py"))


OWN_FILES = _own_files()
getframe = sys._getframe
last_user = None  # a code object known to be outside gradtape
#: Python frames the op dispatch (``trace.apply``) puts between a recorder and
#: the public op: 1 for the Python one, 0 for the C one (``_apply.c``).
apply_frames = 1


def user_frame(f):
    """The first frame from ``f`` outwards whose code is not gradtape's."""
    global last_user
    code = f.f_code
    while code.co_filename in OWN_FILES:
        f = f.f_back
        code = f.f_code
    if not keep_stacks:  # in debug mode every op takes this path, to keep its stack
        last_user = code
    return f


def keep_full_stacks(on):
    """Turn the debug mode's full stacks on or off."""
    global keep_stacks, last_user
    keep_stacks = bool(on)
    last_user = None


def stack_at(f):
    """The full stack down to the frame ``f`` (debug mode)."""
    return traceback.extract_stack(f)


# frames that are never the user's: gradtape's, contextlib's, NumPy's (np.mean(t))
NOT_USER = (PACKAGE_DIR,
             os.path.join(os.path.dirname(os.path.abspath(os.__file__)), "contextlib.py"),
             os.path.dirname(os.path.abspath(np.__file__)) + os.sep,
             "<__array_function__ internals>")  # NumPy 1's dispatch frames


def user_site(depth=1):
    """``(code, lasti)`` of the first frame outside gradtape above ``depth``."""
    try:
        f = getframe(depth + 1)
        while f.f_code.co_filename.startswith(NOT_USER):
            f = f.f_back
        return f.f_code, f.f_lasti
    except AttributeError:
        return None, None


# -- a site as the user reads it ------------------------------------------------

@functools.lru_cache(maxsize=512)
def _line_starts(code):
    """The offsets where ``code``'s lines start, and their line numbers."""
    pairs = [(start, number) for start, number in dis.findlinestarts(code)
             if number is not None]
    return [start for start, _ in pairs], [number for _, number in pairs]


def _line_of(code, lasti):
    starts, numbers = _line_starts(code)
    i = bisect.bisect_right(starts, lasti)
    return numbers[i - 1] if i else None


def _short_path(path):
    return _relative_path(path, os.getcwd())


@functools.lru_cache(maxsize=512)
def _relative_path(path, cwd):
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class Site:
    """A place in user code: file, line and function, and its source text.

    >>> import gradtape as tf
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * 2.0
    >>> site = tape.memory().per_op[0][3]
    >>> site.line, site.function, site.filename.startswith("<doctest")
    (2, '<module>', True)
    """

    __slots__ = ("filename", "line", "function", "stack")

    def __init__(self, filename: str, line: int, function: str, stack: Any = None) -> None:
        self.filename = filename
        self.line = line
        self.function = function
        self.stack = stack

    @classmethod
    def of(cls, code: Any, lasti: int, stack: Any = None) -> Any:
        """The site of instruction ``lasti`` of ``code`` (None for no code)."""
        if code is None:
            return None
        return cls(code.co_filename, _line_of(code, lasti), code.co_name, stack)

    @property
    def source(self) -> str:
        """The line of code, stripped ('' if the file cannot be read)."""
        return linecache.getline(self.filename, self.line or 0).strip()

    def __str__(self):
        return f"{_short_path(self.filename)}:{self.line}"

    def describe(self) -> str:
        """``file:line``, the source line and (debug mode) the full stack."""
        text = str(self)
        if self.source:
            text += f"  `{self.source}`"
        if self.stack:
            text += "\n      full stack (debug mode):\n" + "".join(
                "        " + line for line in _format_stack(self.stack))
        return text


def _format_stack(stack):
    return "".join(traceback.format_list(stack)).splitlines(keepends=True)
