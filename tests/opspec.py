"""The op-spec table: one entry per differentiable op, with sample inputs.

The entries live in ``tests/specs/<family>.py`` (one file per rule module);
``all_specs()`` gathers them.

Every generic test (gradient checks in both modes, second order, vectorized
vs looped Jacobians) is driven by this table.  An entry is
``OpSpec(name, fn, samples, order)``: ``fn`` takes Tensors, ``samples`` is a
list of argument tuples (float64 ndarrays), ``order`` the highest derivative
order checked.
"""
from collections import namedtuple

import numpy as np

import gradtape as tf

OpSpec = namedtuple("OpSpec", "name fn samples order")

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


def unary(name, fn, lo=-2.0, hi=2.0, order=2, kink=False):
    gen = (lambda s: away_from(s, lo, hi)) if kink else (lambda s: rand(s, lo, hi))
    return OpSpec(name, fn, [(gen(s),) for s in UNARY_SHAPES], order)


def binary(name, fn, lo=-2.0, hi=2.0, order=2, lo2=None, hi2=None, kink=False):
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2
    gen = away_from if kink else rand
    return OpSpec(name, fn, [(gen(a, lo, hi), gen(b, lo2, hi2)) for a, b in BINARY_SHAPES], order)


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
