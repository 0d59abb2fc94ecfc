"""Define your own differentiable ops.

An op is one declaration: its forward computation on raw arrays, one VJP per
input and a JVP, all written with gradtape's ops so that higher derivatives
work by nesting.  ``defop`` enters it in the registry ``OPS`` (a second op of
a name already declared is an error), and ``apply`` runs it on tensors,
recording it on every active tape and accumulator.  See docs/extending.md for
a complete example with its op-spec row.

* ``impl(xp, *arrays, **params)`` computes on raw arrays with the namespace
  ``xp`` it is given (a NumPy ufunc stands for the function of its name);
* ``vjp[i](ct, ans, *inputs, **params)`` is input ``i``'s cotangent;
* ``jvp(tangents, ans, *inputs, **params)`` is the output tangent (tangents
  are None for inputs without one);
* flags: ``save`` (which inputs the VJPs read), ``save_ans``, ``broadcasts``
  (the op broadcasts its inputs against each other), ``elementwise``,
  ``batch_vjp``/``batch_jvp`` (False: the rule cannot take extra leading
  batch axes, and vectorized Jacobians loop over them), ``nondiff``,
  ``stateful`` (see ``Op``).

>>> import numpy as np
>>> import gradtape as tf
>>> from gradtape.extend import apply, defop, OPS
>>> cube = defop("doc_extend_cube", lambda xp, x: x ** 3,
...              vjp=lambda ct, ans, x: ct * 3.0 * x * x,
...              jvp=lambda ts, ans, x: ts[0] * 3.0 * x * x)
>>> x = tf.constant(2.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = apply(cube, (x,), {})
>>> y.numpy(), tape.gradient(y, x).numpy()
(8.0, 12.0)
>>> del OPS["doc_extend_cube"]
"""
from ._core.backend import NP
from ._core.op import OPS, Op
from ._core.tensor import decide
from ._core.trace import apply
from .rules._util import defop, namespace

__all__ = ["Op", "OPS", "defop", "apply", "decide", "namespace", "NP"]
