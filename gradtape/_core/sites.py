"""Where in user code an op ran: the first frame outside gradtape.

``TapeRecorder.record`` notes, for every recorded op, the code object and
instruction offset of the user's frame (a few tens of ns: the frame three up
is usually the user's, and the last user code seen skips the walk); the
diagnostics turn them into file:line.  ``user_site`` is the same question
asked off the hot path (cut points, escapes, watches).
"""
import os
import sys
import traceback

import numpy as np

#: Whether each recorded op notes where in user code it ran (a few tens of ns).
enabled = True
#: Whether each recorded op keeps the full user stack (``gradtape.debugging``'s
#: debug mode: slow, off by default).
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


def user_frame(f):
    """The first frame from ``f`` outwards whose code is not gradtape's."""
    global last_user
    code = f.f_code
    while code.co_filename in OWN_FILES:
        f = f.f_back
        code = f.f_code
    last_user = code
    return f


def stack_at(f):
    """The full stack down to the frame ``f`` (debug mode)."""
    return traceback.extract_stack(f)


# frames that are never the user's: gradtape's, contextlib's, NumPy's (np.mean(t))
_NOT_USER = (PACKAGE_DIR,
             os.path.join(os.path.dirname(os.path.abspath(os.__file__)), "contextlib.py"),
             os.path.dirname(os.path.abspath(np.__file__)) + os.sep)


def user_site(depth=1):
    """``(code, lasti)`` of the first frame outside gradtape above ``depth``."""
    try:
        f = getframe(depth + 1)
        while f.f_code.co_filename.startswith(_NOT_USER):
            f = f.f_back
        return f.f_code, f.f_lasti
    except AttributeError:
        return None, None
