"""The public API is typed: every public callable has parameter and return
annotations that resolve, and a small typed user program type-checks.

The walk is ``test_public_api``'s (every public module's public names) plus
the faces ``gradtape.math``, ``nn``, ``linalg``, ``random`` and ``autodiff``
(which re-export the rules' functions), and each public class's public
methods, properties, ``__init__`` and ``__call__``.
"""
import importlib
import inspect
import os
import subprocess
import sys
import typing

import pytest

import gradtape
import gradtape.typing as gtyping
from tests.test_public_api import _public_objects

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACES = ("gradtape.math", "gradtape.nn", "gradtape.linalg", "gradtape.random", "gradtape.autodiff")

# Modules whose callables are not annotated yet, with the reason.
NOT_YET = {
    "gradtape.compiled": "gradtape.function's module is being reworked; its signatures follow",
    "gradtape.keras.distribute": "the Dask data-parallel module is being reworked; its signatures follow",
}


def _objects():
    seen = set()
    for qualname, obj in _public_objects():
        seen.add(id(obj))
        yield qualname, obj
    for face in FACES:
        mod = importlib.import_module(face)
        for name in dir(mod):
            obj = getattr(mod, name)  # (an op function with its common case in C wraps one)
            if (name.startswith("_") or not (inspect.isfunction(inspect.unwrap(obj))
                                             or inspect.isclass(obj))
                    or not getattr(obj, "__module__", "").startswith("gradtape") or id(obj) in seen):
                continue
            seen.add(id(obj))
            yield f"{face}.{name}", obj


def _callables():
    """(qualname, function, is_method) of every public callable, each once."""
    seen = set()
    for qualname, obj in _objects():
        for item in ([(qualname, obj, False)] if inspect.isfunction(inspect.unwrap(obj))
                     else _members(qualname, obj)):
            function = inspect.unwrap(item[1])
            if id(function) not in seen and function.__module__ not in NOT_YET:
                seen.add(id(function))
                yield item[0], function, item[2]


def _members(qualname, cls):
    for klass in cls.__mro__:
        if not klass.__module__.startswith("gradtape"):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") and name not in ("__init__", "__call__"):
                continue
            if isinstance(attr, property) and attr.fget is not None:
                yield f"{qualname}.{name}", attr.fget, True
            elif isinstance(attr, staticmethod):
                yield f"{qualname}.{name}", attr.__func__, False
            elif isinstance(attr, classmethod):
                yield f"{qualname}.{name}", attr.__func__, True
            elif inspect.isfunction(attr):
                yield f"{qualname}.{name}", attr, True


CALLABLES = list(_callables())
ALIASES = {name: getattr(gtyping, name) for name in gtyping.__all__}


def test_the_walk_covers_the_faces():
    names = {q for q, _, _ in CALLABLES}
    for expected in ("gradtape.GradientTape.gradient", "gradtape.Variable.assign", "gradtape.constant",
                     "gradtape.linalg.inv", "gradtape.nn.conv2d", "gradtape.random.normal",
                     "gradtape.keras.optimizers.Adam.__init__", "gradtape.keras.layers.Dense.__init__"):
        assert expected in names
    assert len(CALLABLES) > 500


@pytest.mark.parametrize("qualname,function,method", CALLABLES,
                         ids=[q for q, _, _ in CALLABLES])
def test_every_parameter_and_the_result_are_annotated(qualname, function, method):
    signature = inspect.signature(function)
    params = list(signature.parameters.values())[1 if method else 0:]
    missing = [p.name for p in params
               if p.annotation is inspect.Parameter.empty and not p.name.startswith("_")]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    assert not missing, f"{qualname} lacks annotations for {missing}"


@pytest.mark.parametrize("qualname,function,method", CALLABLES,
                         ids=[q for q, _, _ in CALLABLES])
def test_every_annotation_resolves(qualname, function, method):
    # the engine (gradtape._core) imports the aliases for type checkers only:
    # they resolve from gradtape.typing
    hints = typing.get_type_hints(function, localns=ALIASES)
    assert "return" in hints


EXAMPLE = '''\
from typing import List

import gradtape as tf
from gradtape.typing import TensorInput


def loss_fn(w: tf.Variable, x: TensorInput) -> tf.Tensor:
    return tf.reduce_mean(tf.square(tf.matmul(tf.convert_to_tensor(x), w)))


w = tf.Variable(tf.random.normal((3, 2), seed=1), name="w")
x = tf.constant([[1.0, 2.0, 3.0]])
optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
with tf.GradientTape() as tape:
    loss = loss_fn(w, x)
grads = tape.gradient(loss, [w])
optimizer.apply_gradients(zip(grads, [w]))
first: tf.Tensor = tf.nn.relu(tf.linalg.matmul(x, w))
values: List[float] = first.numpy().ravel().tolist()
step = tf.constant(1.0) + 2.0
layer = tf.keras.layers.Dense(2, activation="relu")
mse = tf.keras.losses.MeanSquaredError()
value: tf.Tensor = mse(tf.zeros((1, 2)), layer(x))
sgd = tf.keras.optimizers.SGD(learning_rate=tf.Variable(0.1), momentum=0.9)
'''

BROKEN = EXAMPLE + '''
n: int = tf.constant(1.0)
tf.reduce_sum(x, keepdims="yes")
tf.math.log(x, 2)
'''


def test_a_typed_user_program_type_checks_and_a_wrong_one_does_not(tmp_path):
    # one mypy run (about 10 s: it reads gradtape's signatures, not its bodies)
    # over a correct program and the same one with three type errors added
    (tmp_path / "good.py").write_text(EXAMPLE)
    (tmp_path / "bad.py").write_text(BROKEN)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental",
         "--ignore-missing-imports", "--cache-dir", os.devnull, "good.py", "bad.py"],
        capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=ROOT))
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("good.py")], done.stdout + done.stderr
    assert len(errors) == 3, done.stdout + done.stderr
    assert 'Incompatible types in assignment (expression has type "Tensor", variable has type "int")' \
        in errors[0]
    assert 'Argument "keepdims" to "reduce_sum" has incompatible type "str"' in errors[1]
    assert 'Argument 2 to "__call__" of "UnaryOp" has incompatible type "int"' in errors[2]
