"""Every op-spec sample on CuPy (a GPU): values, gradients and JVPs equal
NumPy's.  Runs where CuPy and a CUDA device are present, is skipped elsewhere
(see docs/backends.md for how to run it on a GPU machine)."""
import pytest

from tests.backends import _harness


def _cupy_or_reason():
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed (pip install cupy-cuda12x on a machine with a GPU)"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy is installed but no CUDA device is visible"
    except Exception as e:  # no driver, no runtime: CuPy raises its own errors
        return None, f"CuPy is installed but CUDA is unusable here: {e}"
    return cupy, None


cp, _REASON = _cupy_or_reason()
if cp is None:
    pytest.skip(_REASON, allow_module_level=True)


@pytest.mark.parametrize("spec,index", _harness.cases())
def test_op_spec_matches_numpy_on_the_gpu(spec, index):
    _harness.check_against_numpy(spec, index, cp.asarray, "cupy")
