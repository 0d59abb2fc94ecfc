"""``tf.cond``, ``tf.while_loop`` and ``tf.print``, as TensorFlow runs them eagerly.

``cond`` calls the branch its predicate picks and ``while_loop`` loops in
Python, so a tape sees the ops of the branch taken and of the iterations run,
and gradients flow through exactly those.  Inside a ``gradtape.function`` the
predicate is a Python condition on a tensor: a trace follows one branch (one
number of iterations), and every call checks the predicate again; when it
comes out differently the function is traced again.  ``print`` is an op that
a compiled function runs on every call, once its checks have passed.
"""
from __future__ import annotations
import sys

import numpy as np

from ._core import nest
from ._core.convert import convert_to_tensor
from ._core.tensor import TensorLike
from .compiled import EFFECTS
from .rules._util import apply, defop
from typing import Any, Callable, Optional
from ._core.types import Nested

__all__ = ["cond", "while_loop", "print"]


def cond(pred: Any, true_fn: Optional[Callable[..., Any]] = None,
         false_fn: Optional[Callable[..., Any]] = None, name: Optional[str] = None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``: the result of the branch taken.

    ``pred`` is a Python bool or a tensor of one element.

    >>> import gradtape as tf
    >>> x = tf.constant(3.0)
    >>> tf.cond(x > 0.0, lambda: x * 2.0, lambda: -x).numpy()
    6.0
    """
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("cond(): 'false_fn' argument required" if false_fn is None
                        else "'false_fn' must be callable.")
    if isinstance(pred, TensorLike) and int(np.prod(pred.shape)) != 1:
        raise ValueError(f"cond: pred must be a scalar (one element), got shape "
                         f"{tuple(pred.shape)}; reduce it first (tf.reduce_all, tf.reduce_any)")
    return true_fn() if pred else false_fn()


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Nested,
               shape_invariants: Any = None, parallel_iterations: int = 10, back_prop: bool = True,
               swap_memory: bool = False, maximum_iterations: Optional[int] = None,
               name: Optional[str] = None) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, at most
    ``maximum_iterations`` times; the final ``loop_vars``, values as Tensors.

    ``loop_vars`` is a list or tuple (its items may be nested); ``body``
    returns the same structure.  ``shape_invariants``, ``parallel_iterations``,
    ``back_prop`` and ``swap_memory`` are accepted and change nothing.

    >>> import gradtape as tf
    >>> i, total = tf.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i),
    ...                          (tf.constant(0), tf.constant(0)))
    >>> int(i), int(total)
    (4, 6)
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if not isinstance(loop_vars, (list, tuple)):
        if loop_vars is None:
            raise ValueError("'loop_vars' must be provided.")
        raise TypeError(f"while_loop: loop_vars must be a list or tuple of loop variables, got "
                        f"{type(loop_vars).__name__}; pass [x] and return [new_x] from body")
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")
    limit = None
    if maximum_iterations is not None:
        limit = convert_to_tensor(maximum_iterations)
        if limit.shape.rank != 0:
            raise ValueError("'maximum_iterations' must be a scalar. "
                             f"Received shape: {tuple(limit.shape)}")
        limit = int(limit)
    structure = list(loop_vars)
    count = 0
    while (limit is None or count < limit) and cond(*loop_vars):
        loop_vars = body(*loop_vars)
        count += 1
        if not isinstance(loop_vars, (list, tuple)):
            raise ValueError(
                f"while_loop: body must return a list or tuple with the structure of loop_vars "
                f"({len(structure)} item(s)), got a {type(loop_vars).__name__}")
        nest.assert_same_structure(structure, list(loop_vars),
                                   "structures (loop_vars and what body returned)")
    return nest.map_structure(_as_tensor, loop_vars)


def _as_tensor(x):
    if isinstance(x, (TensorLike, bool, int, float, complex, np.ndarray, np.generic)):
        return convert_to_tensor(x)
    return x  # a TensorArray or another object the loop carries


# ---------------------------------------------------------------------------
# tf.print
# ---------------------------------------------------------------------------

class _Slot:
    """Where the i-th tensor goes in what ``print`` prints."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _float_text(v):
    """TensorFlow's text of a float: 6 (15) significant digits, 9 (17) when
    fewer would not read back as the same number."""
    short, long = (6, 9) if v.dtype.itemsize <= 4 else (15, 17)
    text = f"{float(v):.{short}g}"
    if v.dtype.type(text) != v and not np.isnan(v):
        text = f"{float(v):.{long}g}"
    return text


def _scalar_text(v):
    kind = v.dtype.kind
    if kind == "b":
        return str(int(v))
    if kind in "iu":
        return str(int(v))
    if kind == "f":
        return _float_text(v)
    return str(v)


def _array_text(a, summarize, depth=1):
    if a.ndim == 0:
        return _scalar_text(a[()])
    n = a.shape[0]
    rows = list(range(n)) if summarize < 0 or n <= 2 * summarize else \
        [*range(summarize), None, *range(n - summarize, n)]
    if a.ndim == 1:
        return "[" + " ".join("..." if i is None else _scalar_text(a[i]) for i in rows) + "]"
    parts = ["..." if i is None else _array_text(a[i], summarize, depth + 1) for i in rows]
    return "[" + ("\n" * (a.ndim - 1) + " " * depth).join(parts) + "]"


def _text(item, arrays, summarize, top):
    if type(item) is _Slot:
        return _array_text(np.asarray(arrays[item.index]), summarize)
    if isinstance(item, dict):
        return "{" + ", ".join(f"{k!r}: {_text(v, arrays, summarize, False)}"
                               for k, v in item.items()) + "}"
    if isinstance(item, (list, tuple)):
        inner = ", ".join(_text(v, arrays, summarize, False) for v in item)
        return f"[{inner}]" if isinstance(item, list) else f"({inner}{',' if len(item) == 1 else ''})"
    return str(item) if top or not isinstance(item, str) else repr(item)


def _print_impl(xp, *arrays, template, sep, end, summarize, stream):
    text = sep.join(_text(item, arrays, summarize, True) for item in template) + end
    if stream in ("stderr", "stdout"):
        target = getattr(sys, stream)
        target.write(text)
        target.flush()
    elif callable(stream):
        stream(text[:-len(end)] if end and text.endswith(end) else text)
    else:
        stream.write(text)
    return np.zeros((), np.int32)


_PRINT = defop("print", _print_impl, nondiff=True, stateful=True)
EFFECTS.add(_PRINT)  # a compiled function prints on every call


def print(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ", end: str = "\n",
          name: Optional[str] = None) -> None:
    """Print tensors and Python values, as ``tf.print``: also on every call of a
    ``gradtape.function`` (a Python ``print`` there runs while tracing only).

    Tensors print as TensorFlow prints them, the first and last ``summarize``
    items of each dimension (all for ``summarize=-1``); ``output_stream`` is
    ``sys.stderr`` (the default), ``sys.stdout``, a file, or a function such
    as ``logging.info``.

    >>> import sys, gradtape as tf
    >>> tf.print("x:", tf.constant([1.5, 2.0, 3.0]), output_stream=sys.stdout)
    x: [1.5 2 3]
    >>> tf.print(tf.range(10), {"n": tf.constant(4)}, output_stream=sys.stdout)
    [0 1 2 ... 7 8 9] {'n': 4}
    """
    tensors = []

    def slot(x):
        if isinstance(x, TensorLike):
            tensors.append(x)
            return _Slot(len(tensors) - 1)
        return x
    template = [nest.map_structure(slot, item) if nest.is_nested(item) else slot(item)
                for item in inputs]
    if output_stream is None or output_stream is sys.stderr:
        stream = "stderr"
    elif output_stream is sys.stdout:
        stream = "stdout"
    else:
        stream = output_stream
    apply(_PRINT, tuple(tensors), {"template": template, "sep": sep, "end": end,
                                   "summarize": summarize, "stream": stream})
