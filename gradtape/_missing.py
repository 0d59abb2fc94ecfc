"""The ``AttributeError`` a TensorFlow name gradtape does not have yet raises.

``import gradtape as tf`` runs TensorFlow code unchanged as far as gradtape
goes; where it stops, the error says which TensorFlow name is missing rather
than a bare "module has no attribute".  It stays an ``AttributeError``, so
``hasattr`` and ``getattr(module, name, default)`` work as before.
"""
import importlib.util


def missing_names(module_name, tf_name):
    """A module-level ``__getattr__`` for ``module_name``, which mirrors ``tf_name``.

    >>> getattr_ = missing_names("gradtape.math", "tf.math")
    >>> try:
    ...     getattr_("bessel_i0")
    ... except AttributeError as e:
    ...     print(e)
    gradtape.math has no attribute 'bessel_i0' yet (TensorFlow's tf.math.bessel_i0 is not implemented in gradtape)
    """
    def __getattr__(name):
        if name.startswith("_"):
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        if _is_submodule(module_name, name):
            raise AttributeError(f"{module_name}.{name} is a module of its own: "
                                 f"`import {module_name}.{name}` before using it")
        raise AttributeError(f"{module_name} has no attribute {name!r} yet (TensorFlow's "
                             f"{tf_name}.{name} is not implemented in gradtape)")
    return __getattr__


def _is_submodule(package, name):
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except (ImportError, ValueError):  # ``package`` is a module, not a package
        return False
