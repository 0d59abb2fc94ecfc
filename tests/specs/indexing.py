"""Op specs: indexing ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

SPECS = [
    OpSpec("getitem_basic", lambda x: x[1:, ::-1, None], [(rand((3, 4)),)], 2),
    OpSpec("getitem_int_ellipsis", lambda x: x[..., 1] * x[0], [(rand((3, 3)),)], 2),
    OpSpec("getitem_int_array", lambda x: x[[0, 2, 0]], [(rand((3, 2)),)], 2),
    OpSpec("getitem_split_advanced", lambda x: x[[0, 1], :, [1, 0]], [(rand((2, 3, 2)),)], 2),]
