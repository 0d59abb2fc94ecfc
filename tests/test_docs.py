"""The examples of docs/internals.md and docs/extending.md run as written,
and the op extending.md builds passes the generic op-spec checks through its row."""
import doctest
import os
import re

import numpy as np
import pytest

from tests import test_forward as forward_checks
from tests import test_function as replay_checks
from tests.rules import test_gradients as gradient_checks
from tests.rules import test_jacobians as jacobian_checks

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
_FENCE = re.compile(r"^```\w*$", re.M)
_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _read(name):
    with open(os.path.join(DOCS, name), encoding="utf-8") as f:
        return f.read()


def _run_examples(text, globs, name):
    """Run the ``>>>`` examples of ``text`` (code fences read as blank lines)."""
    test = doctest.DocTestParser().get_doctest(_FENCE.sub("", text), globs, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    with np.printoptions(legacy="1.25"):
        runner.run(test, out=lambda s: failures.append(s))
    return runner.summarize(verbose=False)


failures = []


def _code_blocks(text):
    """The fenced Python blocks that are plain code (no ``>>>`` examples)."""
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return [b for b in blocks if ">>>" not in b]


@pytest.fixture(scope="module")
def extending():
    """The namespace extending.md's code builds (its op is declared once per session)."""
    from gradtape.extend import OPS
    OPS.pop("user_hypot", None)  # declared by an earlier run in this process
    namespace = {}
    for block in _code_blocks(_read("extending.md")):
        exec(compile(block, "docs/extending.md", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("page", ["internals.md", "extending.md"])
def test_the_examples_run_as_written(page, extending):
    failures.clear()
    globs = dict(extending) if page == "extending.md" else {}
    result = _run_examples(_read(page), globs, page)
    assert result.attempted > 0, f"{page} has no examples"
    assert result.failed == 0, "".join(failures)


def test_extending_declares_the_op_in_the_registry(extending):
    from gradtape.extend import OPS
    assert OPS["user_hypot"] is extending["HYPOT"] and OPS["user_hypot"].broadcasts


def test_the_user_op_passes_the_generic_checks_of_its_row(extending):
    spec = extending["SPEC"]
    assert len(spec.samples) > 1
    for sample in spec.samples:
        gradient_checks.test_first_order(spec, sample)
        gradient_checks.test_second_order(spec, sample)
        jacobian_checks.test_vectorized_equals_loop(spec, sample)
        forward_checks.test_forward_jacobian_equals_reverse_jacobian(spec, sample)
        replay_checks.test_replay_equals_eager_for_every_op(spec, sample)
