"""Every differentiable op of gradtape is exercised by the op-spec table, so the
generic tests check its VJP, JVP, second order and vectorized Jacobian."""
import importlib
import pkgutil

import gradtape as tf
from gradtape import rules
from gradtape._core import trace
from tests.opspec import all_specs


def _differentiable_op_names():
    names = set()
    for info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"gradtape.rules.{info.name}")
        for value in vars(module).values():
            ops = [value] if isinstance(value, trace.Op) else []
            cache = getattr(value, "cache", None)
            if isinstance(cache, dict):  # list-taking ops keep one Op per arity
                ops += [o for o in cache.values() if isinstance(o, trace.Op)]
            ops += [getattr(value, "op", None)] if isinstance(getattr(value, "op", None), trace.Op) else []
            names.update(o.name for o in ops if not o.nondiff and o.vjps)
    return names


class _Seen:
    def __init__(self):
        self.names = set()

    def record(self, op, inputs, out, params):
        self.names.add(op.name)

    def watch_variable(self, var):
        pass


def _exercised_op_names():
    seen = _Seen()
    for spec in all_specs():
        for sample in spec.samples:
            arrays = [a for a in sample if hasattr(a, "shape")]
            params = sample[len(arrays):]
            xs = [tf.constant(a) for a in arrays]
            # first and second order run the transposes too (scatter for gather, ...)
            trace.push(seen)
            try:
                with tf.GradientTape() as outer:
                    outer.watch(xs)
                    with tf.GradientTape() as inner:
                        inner.watch(xs)
                        out = spec.fn(*xs, *params)
                    grads = [g for g in inner.gradient(out, xs) if g is not None]
                if spec.order >= 2:
                    outer.gradient(grads, xs)
            finally:
                trace.pop(seen)
    return seen.names


def test_every_differentiable_op_is_in_the_spec_table():
    missing = sorted(_differentiable_op_names() - _exercised_op_names())
    assert not missing, f"ops with no entry in tests/specs/: {missing}"
