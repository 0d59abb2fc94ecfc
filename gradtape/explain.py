"""Why a gradient is None, and what a tape holds (see ``gradtape.diagnostics``).

The module path of the diagnostics' reasons, rendering and ``Site``, kept for
the code that imports them from here.

>>> from gradtape.explain import CATEGORIES
>>> "not_watched" in CATEGORIES
True
"""
from ._core.sites import Site
from .diagnostics.explain import CATEGORIES, Explanation, Reason, explain
from .diagnostics.history import Skeleton
from .diagnostics.render import MemoryReport, memory, summary, to_dot

__all__ = ["explain", "Explanation", "Reason", "Site", "CATEGORIES", "summary", "to_dot",
           "memory", "MemoryReport", "Skeleton"]
