"""``tf.autograph``: what code written for AutoGraph calls.

``gradtape.function`` runs the Python function itself while tracing (Python
``if``/``while``/``for`` on tensors are checked on every call, see
docs/compiled.md), so there is no code to convert: ``to_graph`` returns the
function unchanged, ``do_not_convert`` and the conversion options change
nothing, and ``to_code`` (which shows the converted source) raises.
"""
from __future__ import annotations

import enum
import types
from typing import Any, Callable, Optional


def to_graph(entity: Callable[..., Any], recursive: bool = True,
             experimental_optional_features: Any = None) -> Callable[..., Any]:
    """``entity`` itself: gradtape runs Python control flow on tensors as it is,
    eagerly and inside ``gradtape.function``.

    >>> import gradtape as tf
    >>> def square_if_positive(x):
    ...     return x * x if x > 0 else 0.0
    >>> float(tf.autograph.to_graph(square_if_positive)(tf.constant(9.0)))
    81.0
    """
    return entity


def to_code(entity: Callable[..., Any], recursive: bool = True,
            experimental_optional_features: Any = None) -> str:
    """Not supported: gradtape converts no code, so there is none to show.

    >>> import gradtape as tf
    >>> tf.autograph.to_code(lambda x: x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    NotImplementedError: tf.autograph.to_code: gradtape does not convert Python code ...
    """
    raise NotImplementedError(
        "tf.autograph.to_code: gradtape does not convert Python code (gradtape.function "
        "runs the function itself while tracing), so there is no converted code to show; "
        "read the function's own source")


def set_verbosity(level: int, alsologtostdout: bool = False) -> None:
    """Accepted for TensorFlow code; gradtape converts nothing, so logs nothing.

    >>> import gradtape as tf
    >>> tf.autograph.set_verbosity(3)
    """


def trace(*args: Any) -> None:
    """Print the arguments, as ``tf.autograph.trace`` (a ``print`` at trace time).

    >>> import gradtape as tf
    >>> tf.autograph.trace("tracing", 1)
    tracing 1
    """
    print(*args)


def do_not_convert(func: Optional[Callable[..., Any]] = None) -> Any:
    """``func`` unchanged (a decorator with or without a call): gradtape converts
    no code.

    >>> import gradtape as tf
    >>> @tf.autograph.experimental.do_not_convert
    ... def double(x):
    ...     return x * 2
    >>> int(double(tf.constant(2)))
    4
    """
    if func is None:
        return lambda f: f
    return func


class Feature(enum.Enum):
    """AutoGraph's optional conversions (``experimental_autograph_options``);
    accepted, and they change nothing in gradtape.

    >>> import gradtape as tf
    >>> tf.autograph.experimental.Feature.EQUALITY_OPERATORS.value
    'EQUALITY_OPERATORS'
    """

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


#: ``tf.autograph.experimental``
experimental = types.SimpleNamespace(do_not_convert=do_not_convert, Feature=Feature)
