"""summary(), print(tape), to_dot() and memory() on a small MLP tape."""
import re
import warnings

import numpy as np

import gradtape as tf
from ._lines import marked

HERE = __file__


def _mlp_tape(persistent=True):
    rng = np.random.default_rng(0)
    w1 = tf.Variable(rng.normal(size=(4, 8)).astype(np.float32), name="w1")
    b1 = tf.Variable(np.zeros(8, np.float32), name="b1")
    w2 = tf.Variable(rng.normal(size=(8, 3)).astype(np.float32), name="w2")
    x = tf.constant(rng.normal(size=(5, 4)).astype(np.float32))
    with tf.GradientTape(persistent=persistent) as tape:
        h = tf.tanh(x @ w1 + b1)  # @hidden
        logits = h @ w2  # @logits
        label = tf.floor(logits)  # @label
        loss = tf.reduce_mean(tf.square(logits))  # @loss
    return tape, loss, (w1, b1, w2), label


def test_summary_lists_each_op_with_types_and_line():
    tape, loss, _, _ = _mlp_tape()
    text = tape.summary(loss)
    lines = text.splitlines()
    assert lines[0].startswith("GradientTape(persistent=True") and "'w1:0'" in lines[0]
    ops = [ln for ln in lines[1:] if "no gradient" not in ln]
    assert [re.search(r"= (\w+)\(", ln).group(1) for ln in ops] == [
        "matmul", "add", "tanh", "matmul", "square", "reduce_mean"]
    assert "matmul(%0:f32[5,4], 'w1:0':f32[4,8])" in ops[0]
    assert ops[0].endswith(marked(HERE, "hidden"))
    assert ops[3].endswith(marked(HERE, "logits"))
    assert "%" in ops[-1] and ":f32[] = reduce_mean" in ops[-1]
    assert ops[-1].endswith(marked(HERE, "loss"))
    assert str(tape) == tape.summary()


def test_summary_marks_cut_points():
    tape, loss, _, label = _mlp_tape()
    cut = [ln for ln in tape.summary().splitlines() if "no gradient" in ln]
    assert len(cut) == 1 and marked(HERE, "label") in cut[0]


def _parse_dot(text):
    """A strict check of the DOT subset to_dot writes; returns nodes and edges."""
    ident = r"[A-Za-z_][A-Za-z0-9_]*"
    value = r'(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.]+)'
    attrs = rf"\[(?:{ident}={value})(?:, {ident}={value})*\]"
    lines = text.splitlines()
    assert lines[0] == "digraph tape {" and lines[-1] == "}"
    nodes, edges = {}, []
    for ln in lines[1:-1]:
        if re.fullmatch(r"  rankdir=TB;|  node \[fontname=\"monospace\"\];", ln):
            continue
        m = re.fullmatch(rf"  ({ident}) ({attrs});", ln)
        if m:
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = m.group(2)
            continue
        m = re.fullmatch(rf"  ({ident}) -> ({ident})(?: ({attrs}))?;", ln)
        assert m, f"not valid DOT: {ln!r}"
        edges.append((m.group(1), m.group(2)))
    for a, b in edges:
        assert a in nodes and b in nodes, (a, b)
    return nodes, edges


def test_to_dot_marks_sources_targets_and_cuts():
    tape, loss, (w1, b1, w2), _ = _mlp_tape()
    text = tape.to_dot(loss)
    nodes, edges = _parse_dot(text)
    assert sum("ellipse" in a for a in nodes.values()) == 6
    sources = [n for n, a in nodes.items() if "lightblue" in a]
    assert {nodes[n].split("label=")[1].split(":f32")[0] for n in sources} >= {
        "\"'w1:0'", "\"'b1:0'", "\"'w2:0'"}
    assert f"t{loss._uid}" in nodes and "palegreen" in nodes[f"t{loss._uid}"]
    cuts = [n for n, a in nodes.items() if "octagon" in a]
    assert len(cuts) == 1 and "no gradient" in nodes[cuts[0]]
    try:
        import pydot
    except ImportError:  # the strict check above still ran
        return
    with warnings.catch_warnings():  # pydot's parser uses deprecated pyparsing names
        warnings.simplefilter("ignore", DeprecationWarning)
        (graph,) = pydot.graph_from_dot_data(text)
    assert len(graph.get_edges()) == len(edges)


def test_memory_per_op_per_line_and_freed_during_gradient():
    x = tf.Variable(np.ones(1000, np.float32))
    seen = []

    @tf.custom_gradient
    def spy(v):
        def grad(up):
            seen.append(tape.memory().total)
            return up
        return tf.identity(v), grad

    with tf.GradientTape() as tape:
        a = tf.sin(x)  # @sin
        b = tf.exp(spy(a))  # @exp
        y = tf.reduce_sum(b)
    report = tape.memory()
    by_op = {name: n for _, name, n, _ in report.per_op}
    assert by_op["sin"] == 4000 and by_op["exp"] == 4000
    lines = {k.split("/")[-1]: v for k, v in report.per_line.items()}
    assert lines[marked(HERE, "sin")] == 4000
    assert report.total == sum(n for _, _, n, _ in report.per_op)
    assert "bytes" in str(report)
    tape.gradient(y, x)
    # when spy's gradient ran, exp's entry had already been freed
    assert seen and seen[0] < report.total


def test_summary_and_dot_of_a_spent_tape():
    tape, loss, (w1, b1, w2), _ = _mlp_tape(persistent=False)
    tape.gradient(loss, [w1, b1, w2])
    text = tape.summary(loss)
    assert "spent" in text.splitlines()[0]
    assert len([ln for ln in text.splitlines() if "= matmul(" in ln]) == 2
    _parse_dot(tape.to_dot(loss))
    assert tape.memory().total == 0
