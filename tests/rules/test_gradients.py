"""Every op of the op-spec table against central differences in float64:
reverse mode, forward mode, the transpose identity, and second order."""
import pytest

from gradtape.testing import check_gradients
from tests.opspec import all_specs

SPECS = all_specs()


def _cases():
    for spec in SPECS:
        for i, sample in enumerate(spec.samples):
            yield pytest.param(spec, sample, id=f"{spec.name}-{i}")


@pytest.mark.parametrize("spec,sample", list(_cases()))
def test_first_order(spec, sample):
    arrays = [a for a in sample if hasattr(a, "shape")]
    params = sample[len(arrays):]
    check_gradients(lambda *xs: spec.fn(*xs, *params), arrays, order=1)


@pytest.mark.parametrize("spec,sample", [c for c in _cases() if c.values[0].order >= 2])
def test_second_order(spec, sample):
    arrays = [a for a in sample if hasattr(a, "shape")]
    params = sample[len(arrays):]
    check_gradients(lambda *xs: spec.fn(*xs, *params), arrays, order=2)
