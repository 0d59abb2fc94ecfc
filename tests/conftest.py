"""Shared pytest configuration: the hypothesis profiles, the order of the tests
(other array namespaces last) and the ``numpy_alone`` fixture.

``ci`` (the default) is quick and deterministic, for every run of the suite;
``long`` explores many more cases and runs the long memory test, for local runs::

    HYPOTHESIS_PROFILE=long python -m pytest tests/hardening
"""
import os

import pytest
from hypothesis import HealthCheck, Phase, settings

_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

_NO_EXPLAIN = [p for p in Phase if p is not Phase.explain]

settings.register_profile("ci", max_examples=10, deadline=None, derandomize=True,
                          database=None, phases=_NO_EXPLAIN, suppress_health_check=_RELAXED)
settings.register_profile("long", max_examples=300, deadline=None,
                          suppress_health_check=_RELAXED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Tests that make tensors of other array namespaces (CuPy, Dask, array-api-strict):
# these files, and tests marked ``other_namespace``.  Once such an array became a
# tensor, ops leave their NumPy-only fast paths for the rest of the process
# (``state.foreign``), so these run after everything else: the rest of the suite
# must test the paths NumPy users take (``numpy_alone`` checks it).
_OTHER_NAMESPACES = ("tests/backends/", "docs/backends.md")


def pytest_configure(config):
    config.addinivalue_line("markers", "other_namespace: makes tensors of another array "
                                       "namespace (run after the NumPy-only tests)")


def _other_namespace(item):
    return (item.nodeid.startswith(_OTHER_NAMESPACES)
            or item.get_closest_marker("other_namespace") is not None)


def pytest_collection_modifyitems(session, config, items):
    items[:] = ([item for item in items if not _other_namespace(item)]
                + [item for item in items if _other_namespace(item)])


@pytest.fixture
def numpy_alone():
    """Fail, rather than pass without testing anything, a test of a NumPy-only
    path run after another array namespace came into use."""
    from gradtape._core import state
    assert not state.foreign[0], ("another array namespace is in use, so ops no longer "
                                  "take their NumPy-only paths: run this test before "
                                  "tests/backends (see tests/conftest.py)")
