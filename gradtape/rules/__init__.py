"""Every op of gradtape: forward computation, VJP and JVP side by side.

Importing this package declares every op in the registry (``_core/op.py``),
the engine's few own ops among them (``_core/basic_ops.py``), and installs
the Python operators on tensors.
"""
import types as _types
from typing import TYPE_CHECKING

from . import (clipping, complex_ops, creation, elementwise, indexing, linalg, operators,  # noqa: F401
               special,
               rearrange, reductions, shape)
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .indexing import getitem, newaxis  # noqa: F401
from .creation import *  # noqa: F401,F403
from .clipping import *  # noqa: F401,F403
from .rearrange import *  # noqa: F401,F403
from .complex_ops import complex  # noqa: F401 - tf.complex; tf.math has the rest
from .linalg import einsum, matmul, norm, tensordot  # noqa: F401
from .reductions import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403

operators.install()

# ``from .rules import *`` re-exports the ops, never these submodules: a
# submodule named like a namespace (``linalg``) would hide ``gradtape.linalg``
if not TYPE_CHECKING:  # a type checker reads the ops' names from the imports above
    __all__ = sorted(n for n, v in globals().items()
                     if not n.startswith("_") and not isinstance(v, _types.ModuleType))
