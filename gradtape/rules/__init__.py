"""Every op of gradtape: forward computation, VJP and JVP side by side.

Importing this package installs the Python operators on tensors and gives the
backward sweep the few ops it needs itself.
"""
from .._core import reverse as _reverse
from . import creation, elementwise, indexing, linalg, operators, reductions, shape  # noqa: F401
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .indexing import getitem, newaxis  # noqa: F401
from .creation import *  # noqa: F401,F403
from .linalg import einsum, matmul, norm, tensordot  # noqa: F401
from .reductions import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from ._util import wrap as _wrap, xp as _xp

operators.install()

_reverse.hooks.add = elementwise.add
_reverse.hooks.sum_to_shape = reductions.sum_to_shape
_reverse.hooks.cast = elementwise.cast
_reverse.hooks.zeros = lambda shape, dtype: _wrap(_xp.zeros(shape, dtype))

# ``from .rules import *`` re-exports the ops, never these submodules: a
# submodule named like a namespace (``linalg``) would hide ``gradtape.linalg``
__all__ = sorted(n for n, v in globals().items()
                 if not n.startswith("_") and not isinstance(v, type(_reverse)))
