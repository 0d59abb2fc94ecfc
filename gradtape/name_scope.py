"""``name_scope``: the prefix TensorFlow gives the names of Variables created
inside a ``with tf.name_scope("block"):`` (``'block/w:0'``), and under a
``Module``'s ``name_scope``.

The current scope belongs to the thread, as TensorFlow's does.
"""
from __future__ import annotations
import threading
from typing import Optional

__all__ = ["name_scope"]

_local = threading.local()


def current_scope():
    """The prefix of names created now: ``''``, or scopes joined by ``/`` with a trailing ``/``.

    >>> import gradtape as tf
    >>> with tf.name_scope("outer"), tf.name_scope("inner"):
    ...     current_scope()
    'outer/inner/'
    """
    return getattr(_local, "scope", "")


class name_scope:  # noqa: N801 - TensorFlow's name
    """A context manager that prefixes the names of Variables created in it.

    ``name`` ending in ``/`` is absolute (it replaces the current scope);
    otherwise it is nested in the current one.  Entering returns the scope's
    full name.

    >>> import gradtape as tf
    >>> with tf.name_scope("block") as scope:
    ...     v = tf.Variable(1.0, name="w")
    >>> scope, v.name
    ('block/', 'block/w:0')
    """

    def __init__(self, name: Optional[str]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name_scope: name must be a string, got {type(name).__name__}")
        self._name = name
        self._saved = []

    @property
    def name(self) -> str:
        """The name given."""
        return self._name

    def __enter__(self):
        old = current_scope()
        if not self._name:
            new = ""
        elif self._name.endswith("/"):
            new = self._name
        else:
            new = f"{old}{self._name}/"
        self._saved.append(old)
        _local.scope = new
        return new

    def __exit__(self, *exc):
        _local.scope = self._saved.pop()
        return False
