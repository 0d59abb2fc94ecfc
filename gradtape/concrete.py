"""Concrete functions: one traced signature of a ``gradtape.function``, what
``get_concrete_function`` returns and ``pretty_printed_concrete_signatures``
lists, printed as TensorFlow prints them.

A concrete function takes the arguments it was traced for: tensors that fit
its specs, and the Python values it was traced with (which may be left out,
as TensorFlow's), and calls its :class:`~gradtape.compiled.Function`.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

import numpy as np

from ._core import nest
from ._core.convert import convert_to_tensor
from ._core.dtypes import as_dtype, float32
from ._core.tensor import TensorLike, TensorShape
from .errors import InvalidArgumentError
from .variables import Variable

#: the outputs of a signature traced on its first call (its specs' example did not fit)
PENDING = type("Pending", (), {"__repr__": lambda self: "<unknown until the first call>"})()
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_LITERALS = (type(None), bool, int, float, complex, str, bytes)


class TensorSpec:
    """The shape and dtype of a tensor argument, as ``tf.TensorSpec``: ``None``
    for a dimension of any size, ``shape=None`` for any rank.

    >>> import gradtape as tf
    >>> spec = tf.TensorSpec([None, 3], tf.float32)
    >>> spec
    TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    >>> spec.is_compatible_with(tf.zeros((5, 3))), spec.is_compatible_with(tf.zeros((5, 4)))
    (True, False)
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = float32, name: Optional[str] = None) -> None:
        self._shape = None if shape is None else tuple(
            None if d is None else int(d) for d in shape)
        self._dtype = as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: Optional[str] = None) -> TensorSpec:
        """The spec of a tensor's exact shape and dtype.

        >>> import gradtape as tf
        >>> tf.TensorSpec.from_tensor(tf.ones((2,)))
        TensorSpec(shape=(2,), dtype=tf.float32, name=None)
        """
        return cls(tensor.shape, tensor.dtype, name)

    @classmethod
    def from_spec(cls, spec: TensorSpec, name: Optional[str] = None) -> TensorSpec:
        """A copy of ``spec``, renamed ``name`` when one is given.

        >>> import gradtape as tf
        >>> tf.TensorSpec.from_spec(tf.TensorSpec([None, 3], name="x"), "y")
        TensorSpec(shape=(None, 3), dtype=tf.float32, name='y')
        """
        return cls(spec._shape, spec._dtype, spec._name if name is None else name)

    @property
    def shape(self) -> Optional[TensorShape]:
        """The shape, ``None`` dimensions included (``None``: any rank)."""
        return None if self._shape is None else TensorShape(self._shape)

    @property
    def dtype(self) -> Any:
        """The dtype, a ``DType``."""
        return self._dtype

    @property
    def name(self) -> Optional[str]:
        """The argument's name, or None."""
        return self._name

    def is_compatible_with(self, value: Any) -> bool:
        """Whether a tensor (or another spec) fits: the same dtype, and the same
        size in every dimension this spec fixes."""
        if isinstance(value, TensorSpec):
            shape, dtype = value._shape, value._dtype
        else:
            shape, dtype = tuple(value.shape), value.dtype
        return dtype == self._dtype and _shape_fits(shape, self._shape)

    def __eq__(self, other):
        return (type(other) is TensorSpec and self._shape == other._shape
                and self._dtype == other._dtype and self._name == other._name)

    def __hash__(self):
        return hash((self._shape, self._dtype.name, self._name))

    def __repr__(self):
        shape = "<unknown>" if self._shape is None else \
            "(" + ", ".join(map(str, self._shape)) + ("," if len(self._shape) == 1 else "") + ")"
        return f"TensorSpec(shape={shape}, dtype=tf.{self._dtype.name}, name={self._name!r})"


def _shape_fits(shape, pattern):
    if pattern is None:
        return True
    if shape is None or len(shape) != len(pattern):
        return False
    return all(p is None or p == d for d, p in zip(shape, pattern))


class Signature:
    """What one trace of a function took and gave: its parameters (name, kind,
    spec or Python value), its outputs' specs and the Variables it captured.

    >>> import gradtape as tf
    >>> f = tf.function(lambda x, n: x * n)
    >>> print(f.get_concrete_function(tf.TensorSpec([None, 2]), 3))
    ConcreteFunction Input Parameters:
      x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)
      n (POSITIONAL_OR_KEYWORD): Literal[3]
    Output Type:
      TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)
    Captures:
      None
    """

    def __init__(self, func: Callable[..., Any], args: tuple, kwargs: dict, outputs: Any,
                 captures: list[Variable]) -> None:
        self.params = _parameters(func, args, kwargs)
        self.outputs = outputs
        self.captures = captures

    def __str__(self) -> str:
        variables: dict[int, int] = {}
        lines = ["Input Parameters:"]
        lines += [f"  {name} ({kind}): {_type_of(v, variables)}" for name, kind, v in self.params]
        lines += ["Output Type:", f"  {_type_of(self.outputs, variables)}", "Captures:"]
        lines += [f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)"
                  for v in self.captures] or ["  None"]
        return "\n".join(lines)


class ConcreteFunction:
    """A :class:`~gradtape.compiled.Function` for one signature, from
    ``get_concrete_function``: tensors must fit its specs, Python values must
    be the ones it was traced with, and may be left out.

    >>> import gradtape as tf
    >>> f = tf.function(lambda x: x + 1.0, input_signature=[tf.TensorSpec([None])])
    >>> concrete = f.get_concrete_function()
    >>> concrete.structured_input_signature
    ((TensorSpec(shape=(None,), dtype=tf.float32, name='x'),), {})
    >>> concrete(tf.constant([1.0, 2.0])).numpy()
    array([2., 3.], dtype=float32)
    >>> power = tf.function(lambda a, b: a ** b).get_concrete_function(tf.constant(3.0), b=2)
    >>> float(power(tf.constant(4.0)))
    16.0
    >>> spec = tf.TensorSpec([])
    >>> minus = tf.function(lambda p: p[0] - p[1])
    >>> minus = minus.get_concrete_function((tf.TensorSpec([], name="a"), spec))
    >>> float(minus(a=tf.constant(5.0), p=tf.constant(2.0)))  # its tensors by name: a, p
    3.0
    """

    def __init__(self, function: Any, specs: tuple[tuple, dict], signature: Signature) -> None:
        self.function = function
        self._signature = signature
        self._specs = specs
        self._python = _python_signature(function.python_function)
        self._traced = _bind(self._python, *specs)
        self._binding = None if self._traced is None else _binding_signature(signature.params)
        self.structured_input_signature = _canonical(self._python, self._traced, specs)
        self._keywords = _flat_keywords(self._python, specs)
        #: the specs of the outputs (TensorFlow's are the graph's symbolic tensors)
        self.structured_outputs = signature.outputs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = self._arguments(args, kwargs)
        return self.function(*args, **kwargs)

    @property
    def graph(self) -> Any:
        raise AttributeError(
            "gradtape's concrete functions have no tf.Graph: graph introspection (graph defs, "
            "ops lists) is not supported; call the concrete function, or print it to see "
            "its signature")

    def pretty_printed_signature(self, verbose: bool = True) -> str:
        """The signature as ``print`` shows it, without the ``ConcreteFunction`` prefix;
        ``verbose=False``: on one line, ``(params) -> output``.

        >>> import gradtape as tf
        >>> f = tf.function(lambda x, n=2: x * n)
        >>> f.get_concrete_function(tf.constant(1.0)).pretty_printed_signature(verbose=False)
        '(x: TensorSpec(shape=(), dtype=tf.float32, name=None), n: Literal[2]) -> TensorSpec(shape=(), dtype=tf.float32, name=None)'
        """
        if not verbose:
            return self._summary()
        return str(self._signature)

    @property
    def output_shapes(self) -> Any:
        """The outputs' shapes (``TensorShape``), nested as the outputs.

        >>> import gradtape as tf
        >>> f = tf.function(lambda x: (x, {"n": tf.reduce_sum(x)}))
        >>> f.get_concrete_function(tf.TensorSpec([None, 2])).output_shapes
        (TensorShape([None, 2]), {'n': TensorShape([])})
        """
        outputs = self._signature.outputs
        if outputs is None or outputs is PENDING:
            return TensorShape(None)
        return nest.map_structure(
            lambda o: o.shape if isinstance(o, TensorSpec) else TensorShape(None), outputs)

    @property
    def output_dtypes(self) -> Any:
        """The outputs' dtypes, nested as the outputs (``None`` for no output).

        >>> import gradtape as tf
        >>> tf.function(lambda x: x > 0).get_concrete_function(tf.constant(1.0)).output_dtypes
        tf.bool
        """
        outputs = self._signature.outputs
        if outputs is None or outputs is PENDING:
            return None
        return nest.map_structure(
            lambda o: o.dtype if isinstance(o, TensorSpec) else None, outputs)

    @property
    def variables(self) -> tuple:
        """The Variables the function reads or assigns: captured and passed.

        >>> import gradtape as tf
        >>> w = tf.Variable(2.0, name="w")
        >>> [v.name for v in tf.function(lambda: w * 3.0).get_concrete_function().variables]
        ['w:0']
        """
        passed = [v for v in nest.flatten(self._specs) if isinstance(v, Variable)]
        unique: dict[int, Variable] = {}
        for v in list(self._signature.captures) + passed:
            unique.setdefault(id(v), v)
        return tuple(unique.values())

    @property
    def trainable_variables(self) -> tuple:
        """The trainable ones of :attr:`variables`.

        >>> import gradtape as tf
        >>> step = tf.Variable(0, trainable=False)
        >>> tf.function(lambda: step + 1).get_concrete_function().trainable_variables
        ()
        """
        return tuple(v for v in self.variables if v.trainable)

    def _summary(self) -> str:
        params = ", ".join(f"{name}: {_type_of(v, {})}" for name, _, v in self._signature.params)
        return f"({params}) -> {_type_of(self._signature.outputs, {})}"

    def __str__(self) -> str:
        return "ConcreteFunction " + str(self._signature)

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self._summary()} at 0x{id(self):X}>"

    def _arguments(self, args, kwargs):
        """The call's (args, kwargs) with the Python values of the trace filled in;
        TypeError when an argument does not fit the signature.  As TensorFlow's,
        a call that does not fit may give the tensors alone (its flat signature),
        in order or by their specs' names: ``concrete(x)`` for a trace of
        ``f(model, x)``, ``concrete(x=a, x_1=b)`` for one of ``f((a, b))``."""
        try:
            return self._structured(args, kwargs)
        except TypeError as structured:
            try:
                return self._flat(args, kwargs)
            except TypeError as flat:
                raise TypeError(f"{structured}\nFallback to flat signature also failed due "
                                f"to: {flat}") from None

    def _structured(self, args, kwargs):
        if self._binding is None:  # a callable without an inspectable signature
            if not _fits_all((tuple(args), kwargs), self.structured_input_signature):
                raise _binding_error(f"{(args, kwargs)} does not fit "
                                     f"{self.structured_input_signature}")
            return tuple(args), kwargs
        try:
            call = self._binding.bind(*args, **kwargs)
        except TypeError as e:
            raise _binding_error(str(e)) from None
        call.apply_defaults()
        positional, keywords = [], {}
        for name, kind, spec in self._signature.params:
            value = call.arguments[name]
            if not _fits_all(value, spec):
                raise _binding_error(_cast_message(value, spec))
            value = _as_tensors(value, spec)
            if kind == "KEYWORD_ONLY":
                keywords[name] = value
            else:
                positional.append(value)
        return tuple(positional), keywords

    def _flat(self, args, kwargs):
        """(args, kwargs) of the trace with its tensors given alone: in order,
        then by keyword (their specs' names); TypeError when they do not fit,
        InvalidArgumentError for a dtype that is not the spec's.  (TensorFlow
        runs its graph on other shapes too; a new trace here could read Python
        values that changed since, so gradtape refuses them.)"""
        specs = nest.flatten(self._specs)
        inputs = [i for i, s in enumerate(specs) if isinstance(s, (TensorSpec, Variable))]
        given = self._flat_inputs(args, kwargs)
        for k, (a, i) in enumerate(zip(given, inputs)):
            if not isinstance(a, TensorLike):
                raise TypeError(f"{self._flat_summary()}: expected argument #{k}(zero-based) "
                                f"to be a Tensor; got {type(a).__name__} ({a}).")
            if isinstance(a, Variable) or isinstance(specs[i], Variable):
                raise TypeError(f"{self._flat_summary()}: argument #{k}(zero-based) is a "
                                "Variable's; as TensorFlow's, a call by the flat signature takes "
                                "tensors only: pass Variables by parameter")
            if a.dtype != specs[i].dtype:
                raise InvalidArgumentError(
                    f"cannot compute {self.function.__name__} as input #{k}(zero-based) was "
                    f"expected to be a {specs[i].dtype.name} tensor but is a {a.dtype.name} "
                    "tensor")
            if not specs[i].is_compatible_with(a):
                raise TypeError(f"{self._flat_summary()}: Can not cast argument #{k}"
                                f"(zero-based) {_short(a)} to {_type_of(specs[i], {})}: gradtape "
                                "runs a concrete function only on the shapes it was traced for")
            specs[i] = a
        return nest.pack_sequence_as(self._specs, specs)

    def _flat_inputs(self, args, kwargs):
        """The tensors of a flat call in order: ``args``, then ``kwargs`` by the
        flat signature's names.  A name that is also a parameter of the
        function must stand for a tensor of that parameter: gradtape raises
        rather than guess which one the caller meant."""
        names = [name for name, _ in self._keywords]
        if len(args) > len(names):
            raise TypeError(f"{self._flat_summary()} takes {len(names)} positional arguments, "
                            f"got {len(args)}.")
        kwargs = dict(kwargs)
        given = list(args)
        for name, owner in self._keywords[len(args):]:
            if name not in kwargs:
                missing = sorted(set(names) - set(names[:len(args)]) - set(kwargs))
                raise TypeError(f"{self._flat_summary()} missing required arguments: "
                                f"{', '.join(missing)}.")
            if name != owner and name in self._parameter_names():
                raise TypeError(
                    f"{self._flat_summary()}: the keyword '{name}' names both a tensor of "
                    f"parameter '{owner}' (its spec's name) and the parameter '{name}'; pass "
                    "the arguments by parameter, or name the specs apart")
            given.append(kwargs.pop(name))
        for name in kwargs:
            if name in names[:len(args)]:
                raise TypeError(f"{self._flat_summary()} got two values for '{name}'.")
        if kwargs:
            raise TypeError(f"{self._flat_summary()} got unexpected keyword arguments: "
                            f"{', '.join(sorted(kwargs))}.")
        return given

    def _parameter_names(self):
        return {name for name, _, _ in self._signature.params}

    def _flat_summary(self):
        names = ", ".join(name for name, _ in self._keywords)
        return f"{self.function.__name__}({names})"


def _canonical_arguments(func, args, kwargs):
    """(args, kwargs) with the arguments that can be positional given so, as
    TensorFlow binds them: ``f(a=x, b=2)`` is the signature of ``f(x, 2)``;
    TypeError when they do not bind to ``func``'s parameters."""
    signature = _python_signature(func)
    if signature is None:
        return args, kwargs
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        raise _binding_error(str(e)) from None
    return bound.args, bound.kwargs


def _binding_signature(params):
    """The signature a concrete function's call binds to, as TensorFlow's: its
    traced parameters (``*args`` as ``args_0``, ``**kwargs`` by key), the
    Python values traced as their defaults; None when they are no Python
    signature (a key that is not an identifier)."""
    try:
        parameters = [inspect.Parameter(name, getattr(inspect.Parameter, kind),
                                        default=value if _is_literal(value)
                                        else inspect.Parameter.empty)
                      for name, kind, value in params]
    except ValueError:
        return None
    if len({p.name for p in parameters}) != len(parameters):
        return None
    # a Python value traced before a tensor is a default followed by a required one
    return inspect.Signature(parameters, __validate_parameters__=False)


def _flat_keywords(signature, specs):
    """[(keyword, parameter)] of a concrete function's flat signature, one per
    tensor or Variable in order: its spec's name, else its parameter's, made
    unique with ``_1``, ``_2``... as TensorFlow names them."""
    args, kwargs = specs
    positional = []
    variadic = "args"
    if signature is not None:
        positional = [p.name for p in signature.parameters.values() if p.kind in _POSITIONAL]
        variadic = next((p.name for p in signature.parameters.values()
                         if p.kind is inspect.Parameter.VAR_POSITIONAL), variadic)
    owners = [positional[i] if i < len(positional) else f"{variadic}_{i - len(positional)}"
              for i in range(len(args))]
    names = (tuple(nest.map_structure(lambda _, o=o: o, a) for a, o in zip(args, owners)),
             {k: nest.map_structure(lambda _, k=k: k, v) for k, v in kwargs.items()})
    keywords, seen, counts = [], set(), {}
    for spec, owner in zip(nest.flatten(specs), nest.flatten(names)):
        if not isinstance(spec, (TensorSpec, Variable)):
            continue
        base = spec.name if isinstance(spec, TensorSpec) and spec.name else owner
        name = base
        while name in seen:
            counts[base] = counts.get(base, 1) + 1
            name = f"{base}_{counts[base] - 1}"
        seen.add(name)
        keywords.append((name, owner))
    return keywords


def _cast_message(value, spec):
    """Why ``value`` does not fit ``spec``, as TensorFlow words it."""
    kinds = {dict: "a Dict", tuple: "tuple", list: "list"}
    if type(spec) in kinds and type(value) is not type(spec):
        return f"Can not cast {value!r} to {kinds[type(spec)]} type."
    if type(spec) in kinds and len(value) == len(spec) and \
            (not isinstance(spec, dict) or set(value) == set(spec)):
        inner = value.items() if isinstance(spec, dict) else enumerate(value)
        for key, v in inner:
            if not _fits_all(v, spec[key]):
                return _cast_message(v, spec[key])
    if isinstance(spec, TensorSpec):
        return f"Can not cast {_short(value)} to {_type_of(spec, {})}"
    return f"Can not cast {value!r} to {_type_of(spec, {})}"


def _binding_error(why):
    return TypeError(f"Binding inputs to tf.function failed due to `{why}`")


def _python_signature(func):
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def _bind(signature, args, kwargs):
    """The traced (args, kwargs) bound to the Python signature, defaults in, or None."""
    if signature is None:
        return None
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    return bound


def _canonical(signature, bound, specs):
    """``structured_input_signature`` as TensorFlow gives it: every argument that
    can be positional is, keyword-only ones by name, an unnamed spec named after
    its parameter."""
    if bound is None:
        return tuple(specs[0]), dict(specs[1])
    args, kwargs = [], {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind in _POSITIONAL:
            args.append(_named(value, name))
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(_named(v, f"{name}_{i}") for i, v in enumerate(value))
        elif kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = _named(value, name)
        else:
            kwargs.update({k: _named(v, k) for k, v in value.items()})
    return tuple(args), kwargs


def _named(value, name):
    if isinstance(value, TensorSpec) and value.name is None:
        return TensorSpec.from_spec(value, name)
    return value


def _parameters(func, args, kwargs):
    """[(name, kind, spec or value)] of a trace, as TensorFlow lists them."""
    signature = _python_signature(func)
    bound = _bind(signature, args, kwargs)
    if bound is None:
        return [(f"args_{i}", "POSITIONAL_ONLY", v) for i, v in enumerate(args)] + \
            [(k, "KEYWORD_ONLY", v) for k, v in kwargs.items()]
    variadic = any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())
    params = []
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind in _POSITIONAL:
            params.append((name, "POSITIONAL_ONLY" if variadic else kind.name, value))
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            params += [(f"{name}_{i}", "POSITIONAL_ONLY", v) for i, v in enumerate(value)]
        elif kind is inspect.Parameter.KEYWORD_ONLY:
            params.append((name, "KEYWORD_ONLY", value))
        else:
            params += [(k, "KEYWORD_ONLY", v) for k, v in value.items()]
    return params


def _as_tensors(value, spec):
    """``value`` with the Python numbers given for specs as tensors of their dtypes."""
    flat = [convert_to_tensor(v, s.dtype) if isinstance(s, TensorSpec)
            and not isinstance(v, TensorLike) else v
            for v, s in zip(nest.flatten(value), nest.flatten(spec))]
    return nest.pack_sequence_as(value, flat)


def _is_literal(value):
    flat = nest.flatten(value)
    return all(isinstance(v, _LITERALS) for v in flat)


def _fits_all(value, spec):
    try:
        nest.assert_same_structure(value, spec)
    except (TypeError, ValueError):
        return False
    return all(_fits(v, s) for v, s in zip(nest.flatten(value), nest.flatten(spec)))


def _fits(value, spec):
    if isinstance(spec, TensorSpec):
        if not isinstance(value, TensorLike):
            try:
                value = convert_to_tensor(value, spec.dtype)
            except (TypeError, ValueError):
                return False
        return spec.is_compatible_with(value)
    if isinstance(spec, Variable):
        return isinstance(value, Variable) and value.dtype == spec.dtype and \
            tuple(value.shape) == tuple(spec.shape)
    if isinstance(spec, _LITERALS):
        return type(value) is type(spec) and value == spec
    return value is spec


def _short(value):
    if isinstance(value, TensorLike):
        return repr(TensorSpec.from_tensor(value))
    return repr(value)


def _type_of(value, variables):
    """A value's type in a signature, as TensorFlow prints it (``variables``
    numbers the Variables met: their ``alias_id``)."""
    if isinstance(value, TensorSpec) or value is PENDING:
        return repr(value)
    if isinstance(value, Variable):
        alias = variables.setdefault(id(value), len(variables))
        return (f"VariableSpec(shape={tuple(value.shape)}, dtype={value.dtype!r}, "
                f"trainable={value.trainable}, alias_id={alias})")
    if isinstance(value, (TensorLike, np.ndarray, np.generic)):
        return repr(TensorSpec.from_tensor(value if isinstance(value, TensorLike)
                                           else convert_to_tensor(value)))
    if isinstance(value, _LITERALS):
        return f"Literal[{value!r}]"
    if isinstance(value, list):
        return "List[" + ", ".join(_type_of(v, variables) for v in value) + "]"
    if isinstance(value, tuple):
        return "Tuple[" + ", ".join(_type_of(v, variables) for v in value) + "]"
    if isinstance(value, dict):
        return "Dict[" + ", ".join(f"[{k!r}, {_type_of(v, variables)}]"
                                   for k, v in value.items()) + "]"
    return f"Weakref[{value!r}]"
