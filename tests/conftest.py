"""Shared pytest configuration: the hypothesis profiles.

``ci`` (the default) is quick and deterministic, for every run of the suite;
``long`` explores many more cases and runs the long memory test, for local runs::

    HYPOTHESIS_PROFILE=long python -m pytest tests/hardening
"""
import os

from hypothesis import HealthCheck, Phase, settings

_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

_NO_EXPLAIN = [p for p in Phase if p is not Phase.explain]

settings.register_profile("ci", max_examples=10, deadline=None, derandomize=True,
                          database=None, phases=_NO_EXPLAIN, suppress_health_check=_RELAXED)
settings.register_profile("long", max_examples=300, deadline=None,
                          suppress_health_check=_RELAXED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
