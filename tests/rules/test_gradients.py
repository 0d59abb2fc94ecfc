"""Every op of the op-spec table against central differences in float64:
reverse mode, forward mode, the transpose identity, and second order."""
import pytest

from gradtape.testing import check_gradients
from tests.opspec import cases


@pytest.mark.parametrize("spec,sample", cases())
def test_first_order(spec, sample):
    arrays, params = sample.arrays, sample.params
    check_gradients(lambda *xs: spec.fn(*xs, *params), arrays, order=1)


@pytest.mark.parametrize("spec,sample", cases(order=2))
def test_second_order(spec, sample):
    arrays, params = sample.arrays, sample.params
    check_gradients(lambda *xs: spec.fn(*xs, *params), arrays, order=2)
