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


def _row(cells, left="│", middle="│", right="│"):
    wrapped = [_wrap(cell, width) for cell, width in zip(cells, _WIDTHS)]
    out = []
    for i in range(max(len(w) for w in wrapped)):
        parts = [(w[i] if i < len(w) else "") for w in wrapped]
        texts = [parts[0].ljust(_WIDTHS[0]), parts[1].ljust(_WIDTHS[1]),
                 parts[2].rjust(_WIDTHS[2])]
        out.append(left + middle.join(f" {t} " for t in texts) + right)
    return out


def _rule(left, middle, right, fill):
    return left + middle.join(fill * (w + 2) for w in _WIDTHS) + right


def _memory(count, weights):
    size = sum(int(np.prod(w.shape)) * w.dtype._np.itemsize for w in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{count:,} ({size:.2f} {unit})"
        size /= 1024


def _count(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


def _shape_text(shape):
    """An output shape as Keras 3 prints it; ``?`` for an unbuilt model's layer."""
    if shape is None:
        return "?"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _params_text(layer):
    return f"{_count(layer.weights):,}" if getattr(layer, "built", True) else "0 (unbuilt)"


def _summary_lines(name: str, rows: List[Tuple[Any, Optional[Tuple[Any, ...]]]],
                   weights: List[Any], trainable: List[Any]) -> List[str]:
    """The table's lines for ``rows`` of ``(layer, output shape)`` (``None`` if unbuilt)."""
    lines = [f'Model: "{name}"', _rule("┏", "┳", "┓", "━")]
    lines += _row(["Layer (type)", "Output Shape", "Param #"], "┃", "┃", "┃")
    lines.append(_rule("┡", "╇", "┩", "━"))
    for i, (layer, shape) in enumerate(rows):
        if i:
            lines.append(_rule("├", "┼", "┤", "─"))
        lines += _row([f"{layer.name} ({type(layer).__name__})", _shape_text(shape),
                       _params_text(layer)])
    lines.append(_rule("└", "┴", "┘", "─"))
    trainable_ids = {id(w) for w in trainable}
    frozen = [w for w in weights if id(w) not in trainable_ids]
    lines += [f" Total params: {_memory(_count(weights), weights)}",
              f" Trainable params: {_memory(_count(trainable), trainable)}",
              f" Non-trainable params: {_memory(_count(frozen), frozen)}"]
    return lines


def _print_summary(model: Any, rows: List[Tuple[Any, Tuple[Any, ...]]],
                  print_fn: Optional[Callable[..., Any]] = None) -> None:
    """Print (or give each line to ``print_fn``) the summary of ``model``."""
    text = "\n".join(_summary_lines(model.name, rows, model.weights, model.trainable_weights))
    (print_fn or print)(text)
