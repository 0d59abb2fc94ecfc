"""``Model.summary()``: Keras 3's table of a ``Sequential`` or functional model's layers,
their output shapes and their numbers of weights, then the totals.

>>> import gradtape as tf
>>> model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3, name="d")],
...                             name="tiny")
>>> model.summary()   # doctest: +NORMALIZE_WHITESPACE
Model: "tiny"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ d (Dense)                       │ (None, 3)              │            15 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 15 (60.00 B)
 Trainable params: 15 (60.00 B)
 Non-trainable params: 0 (0.00 B)
"""
from __future__ import annotations

import numpy as np

from typing import Any, Callable, List, Optional, Tuple

_WIDTHS = (31, 22, 13)   # the three columns' text widths in Keras 3's table
# a functional model whose layers do not form a chain: Keras 3 adds a "Connected to" column
_CONNECTED_WIDTHS = (19, 17, 10, 17)


def _wrap(text, width):
    """Rich's wrapping: words on lines of ``width``, a word too long cut with an ellipsis."""
    lines, line = [], ""
    for word in text.split(" "):
        if len(word) > width:
            word = word[:width - 1] + "…"
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            if line:
                lines.append(line)
            line = word
    lines.append(line)
    return lines


def _row(widths, cells, left="│", middle="│", right="│"):
    """A row's lines: each cell wrapped to its column, the third (``Param #``) right-aligned."""
    wrapped = [_wrap(cell, width) for cell, width in zip(cells, widths)]
    out = []
    for i in range(max(len(w) for w in wrapped)):
        parts = [(w[i] if i < len(w) else "") for w in wrapped]
        texts = [part.rjust(width) if k == 2 else part.ljust(width)
                 for k, (part, width) in enumerate(zip(parts, widths))]
        out.append(left + middle.join(f" {t} " for t in texts) + right)
    return out


def _rule(widths, left, middle, right, fill):
    return left + middle.join(fill * (w + 2) for w in widths) + right


def _memory(count, weights):
    size = sum(int(np.prod(w.shape)) * w.dtype._np.itemsize for w in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{count:,} ({size:.2f} {unit})"
        size /= 1024


def _count(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


def _shape_text(shape):
    """An output shape as Keras 3 prints it; ``?`` for an unbuilt model's layer (a text,
    that of several outputs, is kept)."""
    if shape is None:
        return "?"
    if isinstance(shape, str):
        return shape
    return "(" + ", ".join(str(d) for d in shape) + ")"   # Keras 3: "(None)" for one axis


def _params_text(layer):
    return f"{_count(layer.weights):,}" if getattr(layer, "built", True) else "0 (unbuilt)"


def _summary_lines(name: str, rows: List[Tuple[Any, ...]], weights: List[Any],
                   trainable: List[Any], optimizer_weights: Optional[List[Any]] = None) -> List[str]:
    """The table's lines for ``rows`` of ``(layer, output shape)`` (``None`` if unbuilt), or
    of ``(layer, output shape, connections)`` for a model whose layers are not a chain; a
    built optimizer's variables count in the total, and on a line of their own."""
    connected = any(len(row) == 3 for row in rows)
    widths = _CONNECTED_WIDTHS if connected else _WIDTHS
    header = ["Layer (type)", "Output Shape", "Param #"] + ["Connected to"] * connected
    lines = [f'Model: "{name}"', _rule(widths, "┏", "┳", "┓", "━")]
    lines += _row(widths, header, "┃", "┃", "┃")
    lines.append(_rule(widths, "┡", "╇", "┩", "━"))
    for i, (layer, shape, *connections) in enumerate(rows):
        if i:
            lines.append(_rule(widths, "├", "┼", "┤", "─"))
        lines += _row(widths, [f"{layer.name} ({type(layer).__name__})", _shape_text(shape),
                               _params_text(layer)] + connections)
    lines.append(_rule(widths, "└", "┴", "┘", "─"))
    trainable_ids = {id(w) for w in trainable}
    frozen = [w for w in weights if id(w) not in trainable_ids]
    total = list(weights) + list(optimizer_weights or [])
    lines += [f" Total params: {_memory(_count(total), total)}",
              f" Trainable params: {_memory(_count(trainable), trainable)}",
              f" Non-trainable params: {_memory(_count(frozen), frozen)}"]
    if optimizer_weights is not None:
        lines.append(f" Optimizer params: {_memory(_count(optimizer_weights), optimizer_weights)}")
    return lines


def _print_summary(model: Any, rows: List[Tuple[Any, ...]],
                  print_fn: Optional[Callable[..., Any]] = None) -> None:
    """Print (or give each line to ``print_fn``) the summary of ``model``."""
    optimizer = getattr(model, "optimizer", None)
    optimizer_weights = (list(optimizer.variables) if getattr(model, "compiled", False)
                         and getattr(optimizer, "built", False) else None)
    text = "\n".join(_summary_lines(model.name, rows, model.weights, model.trainable_weights,
                                     optimizer_weights))
    (print_fn or print)(text)
