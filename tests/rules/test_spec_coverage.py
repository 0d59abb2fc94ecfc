"""Every differentiable op of gradtape is exercised by the op-spec table, so the
generic tests check its VJP, JVP, second order and vectorized Jacobian."""
import json
import os
import subprocess
import sys

import pytest

import gradtape as tf
from gradtape._core import nest, trace
from tests.opspec import all_specs


def _differentiable_op_names():
    """The differentiable ops of the registry that importing gradtape declares
    (asked in a fresh process: tests may register ops of their own)."""
    code = ("import json, gradtape; from gradtape._core.op import OPS; "
            "print(json.dumps(sorted(n for n, op in OPS.items() if not op.nondiff and op.vjps)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    return set(json.loads(out.stdout))


class _Seen(trace.Recorder):
    def __init__(self):
        self.names = set()

    def record(self, op, inputs, out, params):
        self.names.add(op.name)


def _exercised_op_names():
    seen = _Seen()
    for spec in all_specs():
        for sample in spec.samples:
            xs = [tf.constant(a) for a in sample.arrays]
            params = sample.params
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
                    _forward_over_reverse(spec, xs, params)
            finally:
                trace.pop(seen)
    return seen.names


def _forward_over_reverse(spec, xs, params):
    """A Hessian-vector product by a JVP of the gradient of ``sum(out ** 2)``
    (the fused gradient ops' own JVP ops run only here: their cotangent input
    must carry a tangent too)."""
    tangents = [tf.ones_like(x) for x in xs]
    with tf.autodiff.ForwardAccumulator(xs, tangents):
        with tf.GradientTape() as tape:
            tape.watch(xs)
            outs = [o for o in nest.flatten(spec.fn(*xs, *params)) if o.dtype.is_floating]
            loss = tf.add_n([tf.reduce_sum(o * o) for o in outs])
        tape.gradient(loss, xs)


def test_every_differentiable_op_is_in_the_spec_table():
    missing = sorted(_differentiable_op_names() - _exercised_op_names())
    assert not missing, f"ops with no entry in tests/specs/: {missing}"


def test_the_registry_refuses_a_second_op_of_a_declared_name():
    from gradtape.extend import defop
    with pytest.raises(ValueError, match="an op named 'reduce_max' is already declared"):
        defop("reduce_max", lambda x: x, vjp=lambda ct, ans, x: ct)


def test_broadcasting_is_a_flag_of_the_op():
    from gradtape._core.op import OPS
    flagged = {n for n, op in OPS.items() if op.broadcasts}
    assert {"add", "multiply", "pow", "where", "matmul", "solve", "triangular_solve",
            "squared_difference", "atan2", "relu_grad"} <= flagged
    assert not {"exp", "reshape", "reduce_sum", "transpose"} & flagged
