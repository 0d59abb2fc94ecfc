"""gradtape: automatic differentiation on NumPy with TensorFlow's GradientTape semantics.

>>> import gradtape as tf
>>> x = tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     y = x ** 2
>>> tape.gradient(y, x)
<tf.Tensor: shape=(), dtype=float32, numpy=6.0>
"""
from typing import TYPE_CHECKING

from ._core.dtypes import (DType, as_dtype, bool, complex64, complex128, float16,  # noqa: A004
                           float32, float64, int8, int16, int32, int64, string, uint8)
from ._core.tensor import Tensor, TensorShape, constant
from . import errors
if TYPE_CHECKING:  # the namespaces first: the ops' star import below must not hide them
    from . import linalg, math  # noqa: F811
from .rules import *  # noqa: F401,F403
from .rules import getitem as _getitem, newaxis  # noqa: F401
from .rules.shape import shape  # noqa: F401 - not star-exported: it names a module
from .variables import Variable
from .indexed_slices import IndexedSlices
from .tape import GradientTape, UnconnectedGradients
from .explain import explain  # noqa: F811 - the function; the module stays gradtape.explain
from . import debugging  # noqa: F401
from .functional import grad, value_and_grad, vjp, jvp, linearize, jacrev, jacfwd, hessian, hvp
from .checkpointing import recompute_grad, checkpoint
from .custom import custom_gradient
from . import autodiff, autograph, image, linalg, math, nn, random, testing  # noqa: F401
from . import test  # noqa: F401
from . import data  # noqa: F401
from . import keras  # noqa: F401
from .keras import Module
from .keras import initializers, layers, losses, metrics, optimizers, train  # noqa: F401
from .keras.train import Checkpoint
from .compiled import ConcreteFunction, TensorSpec, function, jit
from .control_flow import cond, print, while_loop  # noqa: A004
from . import compiled  # noqa: F401
from . import config  # noqa: F401
from . import dtypes, nest, types, typing  # noqa: F401
from .composite import clip_by_norm, meshgrid, repeat, scalar_mul, sequence_mask  # noqa: F401
from .eager import (control_dependencies, convert_to_tensor, device, executing_eagerly, get_logger,  # noqa: F401
                    get_static_value, grad_pass_through, gradients, init_scope, inside_function,
                    is_tensor, numpy_function, py_function)
from .functional_ops import foldl, foldr, map_fn, scan, vectorized_map  # noqa: F401
from .init_ops import (constant_initializer, ones_initializer, random_normal_initializer,  # noqa: F401
                       random_uniform_initializer, zeros_initializer)
from .name_scope import name_scope  # noqa: F401
from .assertions import (assert_equal, assert_greater, assert_less,  # noqa: F401
                         assert_rank, ensure_shape)
from .tensor_array import TensorArray  # noqa: F401
from ._missing import missing_names as _missing_names

__version__ = "0.1.0"


def _keep_old_import_paths():
    # ``import gradtape.optimizers`` and friends find the toolkit's modules where they were
    import sys
    for name in ("module", "initializers", "layers", "losses", "optimizers", "schedules",
                 "_update_math", "train", "distribute", "demo"):
        globals()[name] = sys.modules[f"{__name__}.{name}"] = getattr(keras, name)


_keep_old_import_paths()
__getattr__ = _missing_names("gradtape", "tf")
