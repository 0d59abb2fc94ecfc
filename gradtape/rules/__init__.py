"""Every op of gradtape: forward computation, VJP and JVP side by side.

Importing this package installs the Python operators on tensors and gives the
backward sweep the few ops it needs itself.
"""
from .._core import reverse
from . import elementwise, indexing, linalg, operators, reductions, shape  # noqa: F401
from .elementwise import *  # noqa: F401,F403
from .indexing import getitem, newaxis  # noqa: F401
from .linalg import einsum, matmul, norm, tensordot  # noqa: F401
from .reductions import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from ._util import wrap as _wrap, xp as _xp

operators.install()

reverse.hooks.add = elementwise.add
reverse.hooks.sum_to_shape = reductions.sum_to_shape
reverse.hooks.cast = elementwise.cast
reverse.hooks.zeros = lambda shape, dtype: _wrap(_xp.zeros(shape, dtype))
