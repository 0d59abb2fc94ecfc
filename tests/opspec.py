"""The op-spec table: one row per differentiable op, with sample inputs.

The rows live in ``tests/specs/<family>.py`` (one file per rule module);
``all_specs()`` gathers them and ``cases()`` turns them into pytest parameters.

Every generic test (gradient checks in both modes, second order, vectorized
vs looped Jacobians, compiled replay, fuzzing, the array-API backends) is
driven by this table.  A row is ``OpSpec(name, fn, samples, order)`` plus the
capabilities that set which checks it gets:

* ``fn`` takes Tensors (then the sample's other arguments);
* ``samples`` are ``Sample``s: the float64 arrays the op is differentiated
  in, then its other arguments (a plain tuple is split at its first non-array);
* ``order`` is the highest derivative order checked (1 or 2);
* ``array_api`` is True when every sample runs on an array-API namespace,
  False when none does, or the indices of the samples that cannot (they must
  raise ``UnimplementedError``; see docs/backends.md);
* ``numpy_ref`` (a ``NumpyRef``) marks an elementwise op that the fuzz tests
  compare with NumPy over random shapes, dtypes and special values.
"""
import math
from collections import namedtuple

import numpy as np
import pytest

import gradtape as tf


class Sample(tuple):
    """One call of a row: ``arrays`` (differentiated), then ``params``.

    It is the tuple ``arrays + params``, so ``fn(*sample)`` calls the row.
    """

    def __new__(cls, arrays, params=()):
        self = super().__new__(cls, tuple(arrays) + tuple(params))
        self.n_arrays = len(arrays)
        return self

    @classmethod
    def of(cls, values):
        """A sample from a plain tuple: the leading arrays, then the rest."""
        if isinstance(values, Sample):
            return values
        n = 0
        while n < len(values) and hasattr(values[n], "shape"):
            n += 1
        return cls(values[:n], values[n:])

    @property
    def arrays(self):
        """The arrays the op is differentiated in (a list)."""
        return list(self[:self.n_arrays])

    @property
    def params(self):
        """The other arguments (a tuple)."""
        return tuple(self[self.n_arrays:])


#: An elementwise op's NumPy reference: ``fn``, whether it takes integer
#: tensors, and the TensorFlow kernel names its error messages may use.
NumpyRef = namedtuple("NumpyRef", "fn accepts_ints tf_names", defaults=((),))

def via64(fn):
    """A reference computed in float64 and rounded to the input's dtype."""
    def ref(*xs):
        return fn(*[np.asarray(x, np.float64) for x in xs]).astype(xs[0].dtype)
    return ref


erf64 = np.vectorize(math.erf, otypes=[np.float64])

_Row = namedtuple("OpSpec", "name fn samples order array_api numpy_ref")


class OpSpec(_Row):
    """A row of the table (see the module docstring)."""

    __slots__ = ()

    def __new__(cls, name, fn, samples, order=2, *, array_api=True, numpy_ref=None):
        if order not in (1, 2):
            raise ValueError(f"{name}: order must be 1 or 2, got {order!r}")
        if array_api not in (True, False):
            array_api = frozenset(array_api)
        return super().__new__(cls, name, fn, [Sample.of(s) for s in samples], order,
                               array_api, numpy_ref)

    def runs_on_array_api(self, index):
        """Whether sample ``index`` can run on an array-API namespace."""
        if self.array_api in (True, False):
            return self.array_api
        return index not in self.array_api


_rng = np.random.default_rng(1234)

UNARY_SHAPES = [(), (3,), (2, 3)]
BINARY_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]
AXES = [(None, False), (0, False), (1, True), (-1, False), ((0, 1), True)]


def rand(shape, lo=-2.0, hi=2.0):
    """Uniform float64 samples in [lo, hi)."""
    return _rng.uniform(lo, hi, size=shape)


def away_from(shape, lo, hi, gap=0.2):
    """Samples in [lo, hi) whose |value| is at least ``gap`` (for kinks at 0)."""
    x = rand(shape, lo, hi)
    return np.where(np.abs(x) < gap, np.copysign(gap, x) + np.sign(x) * 0.1 + (x == 0) * gap, x)


def unary(name, fn, lo=-2.0, hi=2.0, order=2, kink=False, **capabilities):
    gen = (lambda s: away_from(s, lo, hi)) if kink else (lambda s: rand(s, lo, hi))
    return OpSpec(name, fn, [(gen(s),) for s in UNARY_SHAPES], order, **capabilities)


def binary(name, fn, lo=-2.0, hi=2.0, order=2, lo2=None, hi2=None, kink=False, **capabilities):
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2
    gen = away_from if kink else rand
    return OpSpec(name, fn, [(gen(a, lo, hi), gen(b, lo2, hi2)) for a, b in BINARY_SHAPES],
                  order, **capabilities)


def reduction(name, fn, order=2, lo=-2.0, hi=2.0):
    samples = [(rand((2, 3), lo, hi), ax, kd) for ax, kd in AXES] + [(rand((4,), lo, hi), None, False)]
    return OpSpec(name, lambda x, axis, keepdims: fn(x, axis=axis, keepdims=keepdims),
                  samples, order)


FAMILIES = ("elementwise", "reductions", "shape", "indexing", "linalg", "nn", "conv")


def all_specs():
    """Every OpSpec of every family, in family order."""
    import importlib
    out = []
    for family in FAMILIES:
        out.extend(importlib.import_module(f"tests.specs.{family}").SPECS)
    return out


def cases(specs=None, *, order=1, array_api=None, marks=()):
    """``(spec, sample)`` pytest parameters, one per sample, id ``name-index``.

    ``order=2`` keeps the rows checked to second order; ``array_api=True``
    (``False``) keeps the samples that can (cannot) run on an array-API namespace.
    """
    rows = all_specs() if specs is None else specs
    return [pytest.param(spec, sample, id=f"{spec.name}-{i}", marks=marks)
            for spec in rows if spec.order >= order
            for i, sample in enumerate(spec.samples)
            if array_api is None or spec.runs_on_array_api(i) == array_api]
