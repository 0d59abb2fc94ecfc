"""The diagnostics: why a gradient is None, what a tape holds, NaN hunting.

* ``explain`` (``gradtape.explain``, ``tape.explain``): the reasons a source
  gets no gradient, most specific first, each with the user's line and a fix;
* ``history``: what a tape keeps for them (its events, and the graph of a
  spent non-persistent tape);
* ``render``: ``tape.summary()``, ``tape.to_dot()``, ``tape.memory()``;
* ``debugging`` (``gradtape.debugging``): the debug mode that keeps full
  stacks, and ``check_numerics``.

Everything is a query over what the tape recorded anyway: nothing is traced
a second time.  ``gradtape.explain`` (the module path) and ``gradtape.debugging``
are the same names as before.

>>> import gradtape as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     y = x * x
>>> tape.explain(y, x).reasons[0].category
'not_watched'
"""
from . import debugging, explain, history, render  # noqa: F401
