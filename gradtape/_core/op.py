"""The op record and the registry of every declared op.

An ``Op`` holds everything the engine knows about a primitive: its forward
computation, its differentiation rules and the flags that say how the sweeps
may treat it.  ``OPS`` maps each declared name to its op; ``register`` refuses
a second op under a name already taken, so two rule modules cannot declare
the same primitive twice by accident.
"""
from __future__ import annotations
import functools
import operator

from .backend import NP
from typing import Any, Callable, Optional

#: Every declared op by name (``gradtape.extend.defop`` and the rule modules fill it).
OPS = {}

# NumPy's operators give the same results as these ufuncs on arrays, and are
# far faster on the 0-d values scalar work produces (a binary ufunc call on two
# NumPy scalars costs about 1 µs, the operator about 30 ns).
_OPERATOR_FORMS = {NP.add: operator.add, NP.subtract: operator.sub,
                   NP.multiply: operator.mul, NP.true_divide: operator.truediv}


def _by_name(ufunc):
    """The impl of an op declared by a NumPy ufunc: the namespace's function
    of the ufunc's name (the NumPy path calls the ufunc itself)."""
    name = ufunc.__name__

    def impl(xp, *arrays):
        return getattr(xp, name)(*arrays)
    impl.__name__ = impl.__qualname__ = name
    return impl


class Op:
    """A primitive: its forward computation and its differentiation rules.

    ``impl(xp, *arrays, **params)`` computes on raw arrays with the functions
    of the array namespace ``xp`` it is given; ``portable``, when given, is
    what namespaces other than NumPy run instead (an impl whose NumPy form
    uses what the array-API standard lacks).  A NumPy ufunc as ``impl``
    stands for the function of its name in each namespace.  The NumPy path
    calls ``numpy_impl(*arrays, **params)``: ``impl`` with NumPy bound, or
    the ufunc itself (Python's operator for ``+ - * /``).

    ``vjps[i](ct, ans, *inputs, **params)`` returns the cotangent of input
    ``i`` as a Tensor (or None); ``jvp(tangents, ans, *inputs, **params)``
    returns the output tangent from the input tangents (None where an input
    has none).  Rules are written with gradtape's own ops, so a tape watching
    them differentiates them again.

    ``numpy_vjps[i](ct, ans, *inputs, **params)``, optional, is input ``i``'s
    VJP on NumPy arrays (``ans`` and the inputs as arrays, or ``Meta``
    stand-ins for inputs not saved): the first-order sweep, which no tape
    watches, runs it instead of ``vjps[i]`` and skips a Tensor and a dispatch
    per step.  It must compute what ``vjps[i]`` computes (the op-spec tests
    compare them).

    ``real_numpy_vjps``, optional, is what the array sweep runs instead of
    ``numpy_vjps`` when no value the tape recorded is complex: rules that
    follow TensorFlow's convention for complex cotangents by conjugating
    around a real rule give that real rule here, so real sweeps skip the
    test for complex cotangents (``numpy_vjps`` when not given).

    ``save`` says which inputs the VJPs read (``"all"``, ``"none"`` or a tuple
    of indices); the tape keeps only those (and the output if ``save_ans``),
    and a stand-in with ``shape`` and ``dtype`` for the others.

    ``broadcasts`` says the op broadcasts its inputs against each other
    NumPy-style (or broadcasts batch axes, like matmul): forward-mode
    Jacobians pad a lower-rank input's batched tangent for it.

    ``elementwise`` says the Jacobian w.r.t. every input of the output's size
    is diagonal in row-major order (elementwise ops, reshape), so a vectorized
    Jacobian's one-hot cotangent rows stay one-hot; ``onehot_vjps[i](rows, ans,
    *inputs, **params)``, when given, computes input ``i``'s batched cotangent
    from such rows directly (see ``_core/onehot.py``), or returns None.

    An op taking a list (``stack``, ``concat``, ``einsum``) is one Op per
    number of inputs; the registered one's ``per_arity(n)`` gives the one for ``n``.

    ``nondiff`` marks an op with no gradient: its floating output is a new
    start for gradients, as a TensorFlow op whose registered gradient is None
    (``round``); ``nondiff="stop"`` is TensorFlow's ``NotDifferentiable``
    (``stop_gradient``), whose output no gradient reaches at all.

    ``stateful`` marks an impl whose result is not a function of its inputs
    and parameters alone (a random draw): ``gradtape.function`` never
    computes it ahead of a call.

    >>> import numpy as np
    >>> from gradtape.extend import Op
    >>> Op("twice", lambda xp, x: 2 * x, vjps=(lambda ct, ans, x: 2 * ct,))
    <Op twice>
    """

    __slots__ = ("name", "impl", "vjps", "jvp", "save", "save_ans", "multi",
                 "nondiff", "batch_vjp", "batch_jvp", "broadcasts", "elementwise",
                 "onehot_vjps", "stateful", "per_arity", "portable", "numpy_impl", "numpy_vjps",
                 "real_numpy_vjps",
                 "__weakref__")

    def __init__(self, name: str, impl: Callable[..., Any], vjps: Any = None,
                 jvp: Optional[Callable[..., Any]] = None, save: Any = "all", save_ans: bool = False,
                 multi: bool = False, nondiff: bool = False, batch_vjp: bool = True,
                 batch_jvp: bool = True, broadcasts: bool = False, elementwise: bool = False,
                 onehot_vjps: Any = None, stateful: bool = False,
                 portable: Optional[Callable[..., Any]] = None,
                 numpy_vjps: Any = None, real_numpy_vjps: Any = None) -> None:
        self.name = name
        if isinstance(impl, NP.ufunc):
            self.numpy_impl = _OPERATOR_FORMS.get(impl, impl)
            impl = _by_name(impl)
        else:
            self.numpy_impl = None if impl is None else functools.partial(impl, NP)
        self.impl = impl
        self.portable = portable
        self.vjps = vjps
        if numpy_vjps is not None and not isinstance(numpy_vjps, tuple):
            numpy_vjps = (numpy_vjps,)
        self.numpy_vjps = numpy_vjps
        if real_numpy_vjps is not None and not isinstance(real_numpy_vjps, tuple):
            real_numpy_vjps = (real_numpy_vjps,)
        self.real_numpy_vjps = numpy_vjps if real_numpy_vjps is None else real_numpy_vjps
        self.jvp = jvp
        self.save = save
        self.save_ans = save_ans
        self.multi = multi
        self.nondiff = nondiff
        self.batch_vjp = batch_vjp
        self.batch_jvp = batch_jvp
        self.broadcasts = broadcasts
        self.elementwise = elementwise
        self.onehot_vjps = onehot_vjps
        self.stateful = stateful
        self.per_arity = None  # n -> the op for n inputs, for an op made per number of inputs

    def __repr__(self):
        return f"<Op {self.name}>"


def register(op):
    """Add ``op`` to ``OPS``; a name already taken by another op is an error."""
    known = OPS.get(op.name)
    if known is not None and known is not op:
        raise ValueError(
            f"an op named '{op.name}' is already declared ({known!r}, impl "
            f"{getattr(known.impl, '__qualname__', known.impl)!r}); give the new op "
            "another name, or reuse the existing one")
    OPS[op.name] = op
    return op
