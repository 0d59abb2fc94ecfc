"""The C op dispatch (``gradtape/_core/_apply.c``) against its Python reference
``trace.python_apply``: the same program run in two processes, one with the C
parts and one with ``GRADTAPE_PURE_PYTHON=1``, gives the same values, tape
entries, user sites, gradients, warnings and errors."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gradtape as tf
from gradtape.extend import apply, defop
from gradtape._core import trace

pytestmark = [pytest.mark.skipif(not trace.C_APPLY, reason="the C apply was not built"),
              pytest.mark.usefixtures("numpy_alone")]

PROGRAM = textwrap.dedent('''
    import json, warnings
    import numpy as np
    import gradtape as tf
    from gradtape.extend import apply, defop

    LOG = defop("test_c_apply_log", lambda xp, x: xp.log(x), vjp=lambda ct, ans, x: ct / x)
    SPLIT = defop("test_c_apply_split", lambda xp, x: (x * 2.0, x * 3.0),
                  vjp=lambda cts, ans, x: cts[0] * 2.0 + cts[1] * 3.0, multi=True)
    report = {}

    def entries(tape):
        ids = {}
        uid = lambda u: ids.setdefault(u, len(ids))
        rows = []
        for op, ins, saved, outs, ans, params, meta, code, lasti in tape._rec.entries:
            line = None if code is None else [c for c in code.co_lines() if c[0] <= lasti < c[1]][0][2]
            rows.append([op.name, [uid(u) for u in ins],
                         [uid(u) for u in outs] if type(outs) is tuple else uid(outs),
                         sorted(params), None if code is None else code.co_name, line])
        return rows

    def user_op(x):
        return apply(LOG, (x,), {})

    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    v = tf.Variable([0.5, -0.5])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = x * v + 1.0
        b = tf.matmul(a, x, transpose_b=True)
        c, d = apply(SPLIT, [b], {})
        e = tf.reduce_sum(user_op(c) + d) + tf.reduce_sum(tf.stack([a[0], a[1]]))
    report["value"] = float(e)
    report["entries"] = entries(tape)
    report["grads"] = [g.numpy().tolist() for g in tape.gradient(e, [x, v])]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        user_op(tf.constant([0.0, -1.0]))
        tf.math.log(tf.constant([0.0]))
    report["warnings"] = [[str(w.message), w.lineno] for w in caught]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            user_op(tf.constant([0.0]))
        except RuntimeWarning as w:
            report["as error"] = str(w)

    for bad in (lambda: tf.matmul(tf.ones((2, 3)), tf.ones((2, 3))),
                lambda: tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0]),
                lambda: apply(LOG, (x,), {"nope": 1})):
        try:
            bad()
        except Exception as err:
            report.setdefault("errors", []).append([type(err).__name__, str(err)])
    print(json.dumps(report))
''')


def _run(pure, program=PROGRAM):
    env = dict(os.environ)
    env.pop("GRADTAPE_PURE_PYTHON", None)
    if pure:
        env["GRADTAPE_PURE_PYTHON"] = "1"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout)


def test_the_c_apply_does_what_the_python_apply_does():
    c, python = _run(False), _run(True)
    assert c == python
    # and what it does is right
    assert [row[0] for row in c["entries"]][:3] == ["multiply", "add", "matmul"]
    assert {row[4] for row in c["entries"]} == {"<module>", "user_op"}
    # (the user op's NumPy code is the user's: its warning stays at its own line)
    log_line = PROGRAM.splitlines().index("    tf.math.log(tf.constant([0.0]))") + 1
    assert ["log: divide by zero encountered in log", log_line] in c["warnings"]
    assert c["as error"].startswith("test_c_apply_log: divide by zero")
    assert [kind for kind, _ in c["errors"]] == ["InvalidArgumentError", "InvalidArgumentError",
                                                 "TypeError"]


PEEK = textwrap.dedent('''
    import gradtape as tf
    from gradtape._core import state
    from gradtape.extend import apply, defop
    seen = []
    peek = defop("test_c_apply_peek",
                 lambda xp, x: seen.append([o.name for o in state.applying()]) or x,
                 vjp=lambda ct, ans, x: ct)
    apply(peek, (tf.constant(1.0),), {})
    print(seen, state.applying())
''')


def test_ops_applied_are_listed_only_while_they_run():
    # (in a process of its own: once another array namespace was used, as earlier
    # tests of the suite do, ops go through the Python dispatch for good)
    out = subprocess.run([sys.executable, "-c", PEEK], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["[['test_c_apply_peek']]", "[]"]


def test_a_failing_op_leaves_nothing_listed():
    from gradtape._core import state
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])
    assert state.applying() == []


def test_many_inputs_and_a_list_of_inputs():
    xs = [tf.constant(float(k)) for k in range(20)]
    with tf.GradientTape() as tape:
        for t in xs:
            tape.watch(t)
        y = tf.add_n(xs)
    assert float(y) == sum(range(20))
    np.testing.assert_array_equal([float(g) for g in tape.gradient(y, xs)], [1.0] * 20)


READS = textwrap.dedent('''
    import json
    import gradtape as tf

    w = tf.Variable([1.0, 2.0])
    frozen = tf.Variable([3.0, 4.0], trainable=False)
    count = tf.Variable([1, 2])
    doubles = tf.Variable([0.5, 0.25], dtype=tf.float64)
    report = {}

    def seen(tape, variables):
        rec = tape._rec
        return [[v._uid in rec.tracked, v._uid in rec.variables, v._uid in rec.cut_only,
                 v._uid in rec.reads] for v in variables]

    every = [w, frozen, count, doubles]
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as inner:
            y = tf.reduce_sum(w * w + frozen) + tf.reduce_sum(w)
            z = tf.reduce_sum(tf.cast(count * 2, tf.float32)) + tf.cast(
                tf.reduce_sum(doubles * doubles), tf.float32)
            total = y + z
        report["inner"] = seen(inner, every)
        report["inner grads"] = [None if g is None else g.numpy().tolist()
                                 for g in inner.gradient(total, every)]
    report["outer"] = seen(outer, every)

    with tf.GradientTape(watch_accessed_variables=False) as unwatched:
        u = tf.reduce_sum(w * 3.0)
    report["unwatched"] = seen(unwatched, every)
    report["unwatched grad"] = unwatched.gradient(u, w) is None

    with tf.GradientTape() as explicit:
        explicit.watch(frozen)
        f = tf.reduce_sum(frozen * w)
    report["explicit"] = [g.numpy().tolist() for g in explicit.gradient(f, [frozen, w])]
    print(json.dumps(report))
''')


def test_variables_read_in_c_as_in_python():
    # apply reads a trainable float Variable under plain tapes itself; every other
    # read (frozen, integer, an unwatching tape) goes to Variable._read_under
    c, python = _run(False, READS), _run(True, READS)
    assert c == python
    assert c["inner"] == [[True, True, False, False], [False, False, False, True],
                          [True, True, True, False], [True, True, False, False]]
    assert c["inner grads"] == [[3.0, 5.0], None, None, [1.0, 0.5]]
    assert c["unwatched grad"] is True
    assert c["explicit"] == [[1.0, 2.0], [3.0, 4.0]]
