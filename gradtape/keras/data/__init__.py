"""Small data sets shipped inside the package, loaded without any download.

``load_digits`` gives the 1797 handwritten digits of scikit-learn's bundled
copy of the UCI "Optical Recognition of Handwritten Digits" test set: 8x8
images with pixel counts 0..16, labels 0..9.
"""
from __future__ import annotations
from pathlib import Path

import numpy as np
from typing import Any, Optional

_DIGITS = Path(__file__).resolve().parent / "digits.npz"


def load_digits(test_fraction: float = 0.2, seed: Optional[int] = 0) -> Any:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images ``(n, 8, 8)`` and labels.

    The split is stratified (each digit keeps its share in both parts) and
    depends only on ``seed``.

    >>> from gradtape.data import load_digits
    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape, int(x_train.max())
    ((1438, 8, 8), (359, 8, 8), 16)
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction!r}")
    with np.load(_DIGITS) as data:
        images, labels = data["images"], data["labels"]
    rng = np.random.default_rng(seed)
    test = []
    for digit in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test.extend(members[:int(round(test_fraction * len(members)))].tolist())
    is_test = np.zeros(len(labels), bool)
    is_test[test] = True
    train_idx = rng.permutation(np.flatnonzero(~is_test))
    test_idx = rng.permutation(np.flatnonzero(is_test))
    return (images[train_idx], labels[train_idx]), (images[test_idx], labels[test_idx])


from ..._missing import missing_names as _missing_names  # noqa: E402
__getattr__ = _missing_names("gradtape.data", "tf.data")
