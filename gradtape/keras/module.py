"""Module: a named container that finds the Variables held in its attributes.

As ``tf.Module``: a Module's variables are the Variables reachable from its
attributes, through lists, tuples, dicts and sub-modules, each once, in a
stable order (its own attributes sorted by name first, then each sub-module's).
"""
from __future__ import annotations
import collections
import functools
import re

from ..name_scope import name_scope as _name_scope
from ..variables import Variable
from typing import Any, Callable, Optional, Tuple

#: set by ``gradtape.train`` while a checkpoint waits for Variables to be created
on_new_variable = None

_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
_name_counts = collections.Counter()


def camel_to_snake(name: Optional[str]) -> str:
    """``'MyDenseLayer'`` -> ``'my_dense_layer'``: the default name of a Module.

    >>> camel_to_snake("MyDenseLayer")
    'my_dense_layer'
    """
    return _CAMEL.sub(r"_\1", name).lower()


def unique_name(base: str) -> str:
    """Keras' automatic names: ``base``, then ``base_1``, ``base_2``... on later calls.

    >>> first, second = unique_name("probe_layer"), unique_name("probe_layer")
    >>> first, second
    ('probe_layer', 'probe_layer_1')
    """
    count = _name_counts[base]
    _name_counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _leaves_with_paths(value, path):
    """The leaves of a nested list/tuple/dict with their key paths (dicts by sorted key)."""
    if isinstance(value, dict):
        for key in sorted(value, key=lambda k: (type(k).__name__, str(k))):
            yield from _leaves_with_paths(value[key], path + (key,))
    elif _is_namedtuple(value):
        for key, item in zip(type(value)._fields, value):
            yield from _leaves_with_paths(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _leaves_with_paths(item, path + (i,))
    else:
        yield path, value


class Module:
    """A named container of Variables and sub-modules, as ``tf.Module``.

    >>> import gradtape as tf
    >>> class Affine(tf.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = tf.Variable([[1.0, 2.0]], name="w")
    ...         self.b = tf.Variable([0.0, 0.0], name="b", trainable=False)
    ...     def __call__(self, x):
    ...         return x @ self.w + self.b
    >>> m = Affine()
    >>> m.name, [v.name for v in m.variables], [v.name for v in m.trainable_variables]
    ('affine', ['b:0', 'w:0'], ['w:0'])
    """

    _IGNORED = frozenset()

    def __init__(self, name: Optional[str] = None) -> None:
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not self._valid_name(name):
            raise ValueError(
                f"{type(self).__name__}: name {name!r} is not a valid module name; "
                "module names must be valid Python identifiers")
        self._name = name
        with _name_scope(name) as scope:
            self._scope_name = scope

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if on_new_variable is not None and isinstance(value, Variable):
            on_new_variable()

    @staticmethod
    def _valid_name(name):
        return isinstance(name, str) and name.isidentifier()

    @property
    def name(self) -> str:
        """The name given at construction (default: the class name in snake case)."""
        return self._name

    @property
    def name_scope(self) -> Any:
        """A ``name_scope`` for this module: Variables created in it are named
        ``'<module name>/...'`` (the scope is the one current when the module was built).

        >>> import gradtape as tf
        >>> m = tf.Module(name="block")
        >>> with m.name_scope:
        ...     v = tf.Variable(1.0, name="w")
        >>> m.name_scope.name, v.name
        ('block/', 'block/w:0')
        """
        return _name_scope(getattr(self, "_scope_name", None) or f"{self.name}/")

    @classmethod
    def with_name_scope(cls, method: Callable[..., Any]) -> Callable[..., Any]:
        """Decorate a method to run inside the module's ``name_scope``.

        >>> import gradtape as tf
        >>> class Scale(tf.Module):
        ...     @tf.Module.with_name_scope
        ...     def __call__(self, x):
        ...         if not hasattr(self, "w"):
        ...             self.w = tf.Variable(2.0, name="w")
        ...         return x * self.w
        >>> s = Scale()
        >>> s(3.0).numpy(), s.w.name
        (6.0, 'scale/w:0')
        """
        @functools.wraps(method)
        def method_with_name_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return method_with_name_scope

    # -- traversal -------------------------------------------------------
    def _flatten(self, predicate, with_path=False, recursive=True):
        """Everything reachable that satisfies ``predicate``, each object once.

        Own attributes (sorted by name) come first, then each sub-module's, in
        the order they were found; with ``with_path`` each item comes with its
        attribute path, a tuple of names and indices.
        """
        seen = {id(self)}
        out = []
        self._collect(predicate, recursive, (), seen, [], out)
        return out if with_path else [leaf for _, leaf in out]

    @staticmethod
    def _attribute_order(attrs):
        return sorted(attrs)

    def _collect(self, predicate, recursive, prefix, seen, stack, out):
        submodules = []
        attrs = vars(self)
        for key in self._attribute_order(attrs):
            if key in self._IGNORED:
                continue
            for path, leaf in _leaves_with_paths(attrs[key], prefix + (key,)):
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
                if predicate(leaf):
                    out.append((path, leaf))
                if recursive and isinstance(leaf, Module):
                    submodules.append((path, leaf))
        stack.append(id(self))
        for path, sub in submodules:
            if id(sub) not in stack:
                sub._collect(predicate, recursive, path, seen, stack, out)
        stack.pop()

    @property
    def variables(self) -> Tuple[Any, ...]:
        """Every Variable of this module and its sub-modules, once each (a tuple).

        >>> import gradtape as tf
        >>> m = tf.Module()
        >>> m.layers = [tf.Variable(1.0, name="a"), {"x": tf.Variable(2.0, name="b")}]
        >>> [v.name for v in m.variables]
        ['a:0', 'b:0']
        """
        return tuple(self._flatten(lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self) -> Tuple[Any, ...]:
        """The trainable Variables among ``variables`` (a tuple).

        >>> import gradtape as tf
        >>> m = tf.Module()
        >>> m.v, m.frozen = tf.Variable(1.0), tf.Variable(2.0, trainable=False)
        >>> len(m.trainable_variables)
        1
        """
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self) -> Tuple[Any, ...]:
        """The Variables among ``variables`` that are not trainable (a tuple).

        >>> import gradtape as tf
        >>> m = tf.Module()
        >>> m.v, m.frozen = tf.Variable(1.0), tf.Variable(2.0, trainable=False)
        >>> len(m.non_trainable_variables)
        1
        """
        return tuple(self._flatten(lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self) -> Tuple[Any, ...]:
        """Every Module reachable from this one, not counting itself (a tuple).

        >>> import gradtape as tf
        >>> outer = tf.Module(name="outer")
        >>> outer.inner = tf.Module(name="inner")
        >>> outer.inner.leaf = tf.Module(name="leaf")
        >>> [m.name for m in outer.submodules]
        ['inner', 'leaf']
        """
        return tuple(self._flatten(lambda x: isinstance(x, Module)))

    def named_variables(self) -> Any:
        """``(path, variable)`` pairs, the path made of attribute names and indices.

        The paths are stable across program runs, unlike Variable names, so
        checkpoints key on them.

        >>> import gradtape as tf
        >>> m = tf.Module()
        >>> m.blocks = [tf.Variable(1.0), tf.Variable(2.0)]
        >>> [path for path, _ in m.named_variables()]
        ['blocks/0', 'blocks/1']
        """
        pairs = self._flatten(lambda x: isinstance(x, Variable), with_path=True)
        return [("/".join(str(p) for p in path), var) for path, var in pairs]

    def __repr__(self):
        if "_name" not in vars(self):  # a subclass that skipped Module.__init__
            return object.__repr__(self)
        return f"<{type(self).__module__}.{type(self).__name__} '{self._name}'>"
