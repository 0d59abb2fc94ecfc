"""``Dataset.shuffle``'s buffer and random numbers, as TensorFlow's shuffle kernel.

The buffer holds up to ``buffer_size`` elements, filled from the input in
order.  Each step draws one 32-bit Philox word ``r`` of the pass's seeds
``(seed, seed2)`` (key ``seed``, counter ``seed2 << 64``), outputs the buffered
element at position ``r % count`` counting from the oldest, moves the oldest
into its place, and refills.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..random import _philox_words

_CHUNK = 1024  # words drawn at a time (a multiple of 4: whole Philox blocks)


def philox_words(seed: int, seed2: int, start: int, count: int) -> np.ndarray:
    """Words ``start .. start + count`` of the Philox stream of ``(seed, seed2)``
    (``start`` a multiple of 2: the words used are in whole blocks of 4 otherwise).

    >>> philox_words(87654321, 42, 0, 2).tolist() == philox_words(87654321, 42, 0, 4)[:2].tolist()
    True
    """
    block, skip = divmod(start, 4)
    words = _philox_words(((seed2 & 0xFFFFFFFFFFFFFFFF) << 64) + block,
                          seed & 0xFFFFFFFFFFFFFFFF, skip + count)
    return words[skip:]


def _words(seed: int, seed2: int) -> Iterator[int]:
    drawn = 0
    while True:
        yield from philox_words(seed, seed2, drawn, _CHUNK).tolist()
        drawn += _CHUNK


def shuffled(elements: Iterator[Any], buffer_size: int, seed: int, seed2: int) -> Iterator[Any]:
    """``elements`` through a shuffle buffer of ``buffer_size`` with the seeds of one pass
    (below: TensorFlow's ``range(6).shuffle(3, seed=42, reshuffle_each_iteration=False)``).

    >>> list(shuffled(iter(range(6)), 3, 87654321, 42))
    [2, 0, 3, 4, 5, 1]
    """
    words = _words(seed, seed2)
    buffer: dict = {}  # position -> element; positions oldest..oldest + count - 1
    oldest = count = 0
    exhausted = False
    while True:
        while not exhausted and count < buffer_size:
            try:
                buffer[oldest + count] = next(elements)
                count += 1
            except StopIteration:
                exhausted = True
        if count == 0:
            return
        chosen = oldest + next(words) % count
        element = buffer[chosen]
        buffer[chosen] = buffer[oldest]
        del buffer[oldest]
        oldest += 1
        count -= 1
        yield element
