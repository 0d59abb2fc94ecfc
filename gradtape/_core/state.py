"""The engine's process-wide switches and each thread's recorder stack.

``active[0]`` counts the recorders entered in any thread: while it is 0 every
op takes the fast path (compute and wrap).  ``foreign[0]`` turns true once a
non-NumPy array became a tensor (``backend.py``); it keeps ``active[0]``
above 0 so ops leave the NumPy-only fast path for good.  ``tracing[0]``
counts the ``gradtape.function`` traces in progress, so values read on the
host are reported only then.  All three change under ``lock``.
"""
import threading

local = threading.local()
lock = threading.Lock()
active = [0]
foreign = [False]
tracing = [0]
EMPTY = ()


def applying():
    """The ops this thread is applying, outermost first (the C ``apply`` keeps
    them; the Python one is a frame of its own, with ``op`` among its locals)."""
    return []


def applied_fast():
    """Whether the innermost op being applied was applied from the user's own frame
    by an op function in C (``rules._util.fast_public``; the C ``apply`` knows)."""
    return False


def stack():
    """The recorders active in this thread, outermost first (a tuple)."""
    return getattr(local, "stack", EMPTY)


#: While a ``gradtape.function`` traces with relaxed sizes: what ``.shape``, ``len()``
#: and iteration of a tensor ask (set by ``gradtape.compiled``), else None.
shape_view = [None]


def tracer():
    """The ``gradtape.function`` being traced in this thread, or None."""
    st = getattr(local, "stack", EMPTY)
    return st[0] if st and st[0].traces_ops else None


def notify_escape(x, how):
    """Tell this thread's recorders that ``x`` left gradtape (``how``: a phrase)."""
    for rec in getattr(local, "stack", EMPTY):
        rec.note_escape(x, how)


def notify_host_read(value, predicate, result):
    """Tell a ``gradtape.function`` being traced that a rule read ``value``."""
    t = tracer()
    if t is not None:
        t.host_read(value, predicate, result)
