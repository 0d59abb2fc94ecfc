"""``python -m gradtape demo``: train a multilayer perceptron on handwritten digits.

The training loop is the one TensorFlow users write by hand::

    with GradientTape() as tape:
        loss = loss_fn(labels, model(images, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

The data (8x8 digits) ship with the package.  The demo prints the test
accuracy and saves a picture: the training curves, and the gradient field of
a 2-D function computed with gradtape.  tqdm (progress bar) and matplotlib
(picture) come with the ``demo`` extra: ``pip install "gradtape[demo]"``.
"""
from __future__ import annotations
import argparse
import importlib.util
import math
import os
import sys
import time

import numpy as np

from . import layers, losses, optimizers
from .. import random as _random
from .data import load_digits
from ..rules import elementwise as _ew
from ..compiled import function
from ..tape import GradientTape
from ..variables import Variable
from typing import Any, Callable, Optional, Sequence, Union
from .._core.types import Tensor, TensorInput


def digits_arrays(seed: Optional[int] = 0) -> Any:
    """The digits as float32 features of shape ``(n, 64)`` and int64 labels.

    Pixels are standardized with the training part's mean and spread (plus a
    small floor, as some border pixels are always blank).

    >>> (x, y), (x_test, y_test) = digits_arrays()
    >>> x.shape, x.dtype, y.dtype, bool(abs(x.mean()) < 1e-6)
    ((1438, 64), dtype('float32'), dtype('int64'), True)
    """
    (x, y), (x_test, y_test) = load_digits(seed=seed)
    x = x.reshape(len(x), -1).astype(np.float32) / 16
    x_test = x_test.reshape(len(x_test), -1).astype(np.float32) / 16
    mean, spread = x.mean(axis=0), x.std(axis=0) + np.float32(0.1)
    return ((x - mean) / spread, y.astype(np.int64)), ((x_test - mean) / spread, y_test.astype(np.int64))


def build_model(hidden: int = 256, dropout: float = 0.2) -> Any:
    """The classifier: ``Dense(hidden, relu) -> Dropout -> Dense(10)`` (logits).

    >>> build_model().layers[0].units
    256
    """
    return layers.Sequential([
        layers.Dense(hidden, activation="relu", kernel_initializer="he_normal"),
        layers.Dropout(dropout),
        layers.Dense(10),
    ])


def accuracy(model: Any, x: Any, y: Any) -> float:
    """The fraction of ``x`` that ``model`` classifies as ``y``.

    >>> import numpy as np
    >>> accuracy(lambda x: np.eye(3, dtype=np.float32)[x.astype(int)], np.array([0, 1, 2]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    return float(np.mean(np.argmax(np.asarray(model(x)), axis=-1) == y))


def train(epochs: int = 20, seed: Optional[int] = 0, batch_size: int = 32,
          learning_rate: Union[TensorInput, Callable[[Any], Any]] = 5e-3, hidden: int = 256,
          dropout: float = 0.2, on_epoch: Optional[Callable[..., Any]] = None,
          compiled: bool = True) -> Any:
    """Train the digits classifier with a GradientTape loop; returns ``(model, history)``.

    Adam with decoupled weight decay (AdamW) on a cosine learning-rate decay
    minimizes the cross-entropy with label smoothing.  ``history`` holds
    per-epoch lists ``loss``, ``accuracy`` (training) and ``test_accuracy``.
    ``on_epoch(epoch, history)`` is called after each epoch.  With
    ``compiled`` the whole step (forward, tape, gradients, AdamW update) runs
    under ``gradtape.function``; the numbers are the same as eagerly.

    >>> model, history = train(epochs=1, hidden=16)
    >>> sorted(history), len(history["loss"])
    (['accuracy', 'loss', 'test_accuracy'], 1)
    """
    (x, y), (x_test, y_test) = digits_arrays()
    _random.set_seed(seed)
    rng = np.random.default_rng(seed)
    model = build_model(hidden, dropout)
    steps_per_epoch = math.ceil(len(x) / batch_size)
    schedule = optimizers.schedules.CosineDecay(learning_rate, decay_steps=epochs * steps_per_epoch,
                                                alpha=0.05)
    optimizer = optimizers.AdamW(learning_rate=schedule, weight_decay=1e-2)
    loss_fn = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
    one_hot = np.eye(10, dtype=np.float32)
    history = {"loss": [], "accuracy": [], "test_accuracy": []}

    def step(inputs, targets):
        with GradientTape() as tape:
            logits = model(inputs, training=True)
            loss = loss_fn(targets, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, logits

    if compiled:
        step = function(step)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        total_loss, correct = 0.0, 0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            loss, logits = step(x[batch], one_hot[y[batch]])
            total_loss += float(loss) * len(batch)
            correct += int(np.sum(np.argmax(logits.numpy(), axis=-1) == y[batch]))
        history["loss"].append(total_loss / len(x))
        history["accuracy"].append(correct / len(x))
        history["test_accuracy"].append(accuracy(model, x_test, y_test))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return model, history


# ---------------------------------------------------------------------------
# The gradient field
# ---------------------------------------------------------------------------

def landscape(x: TensorInput, y: TensorInput) -> Tensor:
    """The 2-D function of the picture: ``sin(x) cos(y) + 0.1 (x**2 + y**2)``.

    >>> import gradtape as tf
    >>> float(landscape(tf.constant(0.0), tf.constant(0.0)))
    0.0
    """
    return _ew.sin(x) * _ew.cos(y) + 0.1 * (x * x + y * y)


def gradient_field(f: Callable[..., Any], xs: Any, ys: Any) -> Any:
    """``(X, Y, Z, dZ/dX, dZ/dY)`` on the grid ``xs`` x ``ys``, the gradient by one tape.

    ``f`` works elementwise, so the gradient of ``sum(f)`` is each point's gradient.

    >>> import numpy as np
    >>> X, Y, Z, U, V = gradient_field(lambda x, y: x * x + 3.0 * y, np.array([1.0, 2.0]), np.array([0.0]))
    >>> U.tolist(), V.tolist()
    ([[2.0, 4.0]], [[3.0, 3.0]])
    """
    grid_x, grid_y = np.meshgrid(np.asarray(xs, np.float32), np.asarray(ys, np.float32))
    vx, vy = Variable(grid_x), Variable(grid_y)
    with GradientTape() as tape:
        z = f(vx, vy)
    dx, dy = tape.gradient(z, [vx, vy])
    return grid_x, grid_y, np.asarray(z), np.asarray(dx), np.asarray(dy)


def _save_figure(history, path):
    """Save the training curves and the gradient field of ``landscape`` to ``path`` (PNG)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (curves, field) = plt.subplots(1, 2, figsize=(12, 5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    curves.plot(epochs, history["loss"], color="tab:red", label="training loss")
    curves.set_xlabel("epoch")
    curves.set_ylabel("loss (cross-entropy, smoothed labels)")
    acc_axis = curves.twinx()
    acc_axis.plot(epochs, history["accuracy"], color="tab:blue", label="training accuracy")
    acc_axis.plot(epochs, history["test_accuracy"], color="tab:green", label="test accuracy")
    acc_axis.set_ylabel("accuracy")
    handles = curves.get_legend_handles_labels()[0] + acc_axis.get_legend_handles_labels()[0]
    curves.legend(handles, [h.get_label() for h in handles], loc="center right")
    curves.set_title(f"MLP on 8x8 digits: test accuracy {history['test_accuracy'][-1]:.1%}")

    X, Y, Z, U, V = gradient_field(landscape, np.linspace(-4, 4, 121), np.linspace(-4, 4, 121))
    contour = field.contourf(X, Y, Z, levels=30, cmap="viridis")
    fig.colorbar(contour, ax=field, label="f(x, y)")
    step = 6
    field.quiver(X[::step, ::step], Y[::step, ::step], U[::step, ::step], V[::step, ::step],
                 color="white", width=0.003)
    field.set_title(r"$\nabla f$ of $f = \sin x \cos y + 0.1\,(x^2 + y^2)$, by GradientTape")
    field.set_xlabel("x")
    field.set_ylabel("y")
    field.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _progress(epochs):
    """An ``on_epoch`` callback: a tqdm bar if tqdm is installed, else one line per epoch."""
    try:
        from tqdm import tqdm
    except ImportError:
        def report(epoch, history):
            print(f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f}, "
                  f"accuracy {history['accuracy'][-1]:.4f}, "
                  f"test accuracy {history['test_accuracy'][-1]:.4f}", flush=True)
        return report, lambda: None
    bar = tqdm(total=epochs, desc="training", unit="epoch")

    def report(epoch, history):
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", acc=f"{history['accuracy'][-1]:.4f}",
                        test_acc=f"{history['test_accuracy'][-1]:.4f}")
        bar.update(1)
    return report, bar.close


DEFAULT_PICTURE = "gradtape_demo.png"


def parse_args(argv: Optional[Sequence[str]] = None) -> Any:
    """The demo's flags: ``--epochs``, ``--seed``, ``--out``.

    >>> parse_args(["--epochs", "3"]).epochs
    3
    """
    parser = argparse.ArgumentParser(prog="python -m gradtape demo",
                                     description="Train an MLP on handwritten digits with "
                                                 "a GradientTape loop and plot the results.")
    parser.add_argument("--epochs", type=int, default=20, help="training epochs (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default=".", metavar="DIR_OR_PNG",
                        help=f"a directory to write {DEFAULT_PICTURE} into, or the path of "
                             "the PNG; a missing directory is created (default: the "
                             "current directory)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    return args


def picture_path(out: Optional[str]) -> str:
    """Where ``--out`` puts the picture: a directory (existing, or a name without
    a file suffix) gets ``gradtape_demo.png`` inside it.

    >>> import os
    >>> picture_path("results") == os.path.join("results", "gradtape_demo.png")
    True
    >>> picture_path("curves.png")
    'curves.png'
    """
    if os.path.isdir(out) or not os.path.splitext(os.path.basename(out))[1]:
        return os.path.join(out, DEFAULT_PICTURE)
    return out


def _missing_plotting():
    """Why no picture can be drawn (matplotlib is missing), or None."""
    if importlib.util.find_spec("matplotlib") is None:
        return ('no picture will be saved: the demo draws it with matplotlib, '
                'pip install "gradtape[demo]"')
    return None


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the demo; returns the process exit code (1 if matplotlib is missing).

    >>> import contextlib, io, os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "new")
    >>> with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    ...     code = main(["--epochs", "1", "--out", out])
    >>> code == (0 if os.path.exists(os.path.join(out, "gradtape_demo.png")) else 1)
    True
    """
    args = parse_args(argv)
    path = picture_path(args.out)
    missing = _missing_plotting()
    if missing:  # said before training, not after minutes of it
        print(missing, file=sys.stderr, flush=True)
    start = time.perf_counter()
    report, close = _progress(args.epochs)
    try:
        _, history = train(epochs=args.epochs, seed=args.seed, on_epoch=report)
    finally:
        close()
    seconds = time.perf_counter() - start
    print(f"test accuracy: {history['test_accuracy'][-1]:.4f} "
          f"({args.epochs} epochs, {seconds:.1f} s of training)")
    if missing:
        return 1
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    _save_figure(history, path)
    print(f"saved {path}")
    return 0
