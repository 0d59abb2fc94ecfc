"""Op specs: reductions ops (see tests/opspec.py for the format).

Reductions are swept over axis x keepdims on rank-2 inputs (``reduction``)
and, here, on a rank-3 input, a size-1 axis and edge shapes.
"""
import numpy as np

import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

RANK3_AXES = [(None, True), ((0, 2), False), (-2, True), ((-1, 0, 1), False)]


def reduction_sweep(name, fn, order=2, lo=-2.0, hi=2.0, empty=False, smooth_at_one=True):
    """``reduction`` plus rank-3 axes, size-1 axes, a 0-d input and, with
    ``empty``, reductions of an empty input.  ``smooth_at_one=False`` leaves
    out reductions of one element (where the standard deviation has a kink)."""
    base = reduction(name, fn, order, lo, hi)
    samples = list(base.samples)
    samples += [(rand((2, 3, 4), lo, hi), ax, kd) for ax, kd in RANK3_AXES]
    samples.append((rand((3, 1, 2), lo, hi), (0, 1), True))
    if smooth_at_one:
        samples += [(rand((3, 1, 2), lo, hi), 1, False), (rand((), lo, hi), None, False)]
    if empty:
        samples += [(np.zeros((0, 3)), 0, False), (np.zeros((0, 3)), 1, True)]
    return OpSpec(name, base.fn, samples, order)


def scan(name, fn, order=2, zeros=False):
    """A cumulative op over every axis x exclusive x reverse of a rank-3 input."""
    samples = [(rand((2, 3, 4)), axis, exclusive, reverse)
               for axis in (0, -1) for exclusive in (False, True) for reverse in (False, True)]
    samples.append((rand((5,)), 0, False, False))
    if zeros:
        samples.append((_with_zeros((2, 3, 4), [(0, 1, 2), (1, 0, 0), (1, 0, 3)]), 2, False, False))
        samples.append((_with_zeros((3, 4), [(1, 1), (2, 1), (2, 2)]), 0, True, True))
    return OpSpec(name, lambda x, axis, exclusive, reverse:
                  fn(x, axis=axis, exclusive=exclusive, reverse=reverse), samples, order)


def _with_zeros(shape, where):
    x = rand(shape)
    for index in where:
        x[index] = 0.0
    return x


# one slice with a lone zero, one with a pair of zeros, one with none
_PROD_ZEROS = _with_zeros((3, 4), [(0, 1), (1, 0), (1, 3)])

SPECS = [
    reduction_sweep("reduce_sum", tf.reduce_sum, empty=True),
    reduction_sweep("reduce_mean", tf.reduce_mean),
    reduction_sweep("reduce_max", tf.reduce_max),
    reduction_sweep("reduce_min", tf.reduce_min),
    reduction_sweep("reduce_prod", tf.reduce_prod, empty=True),
    OpSpec("reduce_prod_zeros", lambda x, axis: tf.reduce_prod(x, axis=axis),
           [(_PROD_ZEROS, 1), (_PROD_ZEROS, None), (_PROD_ZEROS, 0)], 2),
    reduction_sweep("reduce_logsumexp", tf.reduce_logsumexp),
    reduction_sweep("reduce_variance", tf.math.reduce_variance),
    reduction_sweep("reduce_std", tf.math.reduce_std, smooth_at_one=False),
    reduction_sweep("reduce_euclidean_norm", tf.math.reduce_euclidean_norm,
                    smooth_at_one=False),
    OpSpec("reduce_variance_complex",
           lambda x, y, axis: tf.math.reduce_variance(tf.complex(x, y), axis=axis),
           [(rand((2, 3)), rand((2, 3)), 1), (rand((4,)), rand((4,)), None)], 2),
    OpSpec("reduce_logsumexp_large", lambda x: tf.reduce_logsumexp(x, axis=-1),
           [(rand((2, 3), 700.0, 800.0),), (rand((2, 3), -800.0, -700.0),)], 2),
    scan("cumsum", tf.cumsum),
    scan("cumprod", tf.math.cumprod, zeros=True),
    # through exp: an exclusive scan starts at -inf, which finite differences cannot take
    scan("cumulative_logsumexp", lambda x, **kw: tf.exp(tf.math.cumulative_logsumexp(x, **kw))),
]
