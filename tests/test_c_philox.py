"""The Philox blocks of ``gradtape/_philox.c`` against ``random._philox_blocks``
(NumPy, the reference): the same words, bit for bit, for counters across the
64-bit carry and any key."""
import numpy as np
import pytest

from gradtape import random as gt_random

pytestmark = pytest.mark.skipif(gt_random._c_blocks is None, reason="_philox.c was not built")

_TOP = 2**64 - 1


@pytest.mark.parametrize("counter,key", [
    (0, 0),
    (12345, 0x02461E29_3EC8F720),
    (_TOP - 3, 7),                     # the low word carries into the high one
    ((2**128 - 2), 2**64 - 1),         # both words wrap
    (0x0123_4567_89AB_CDEF_0011_2233_4455_6677, 0xDEAD_BEEF_0BAD_F00D),
])
def test_the_c_blocks_are_the_numpy_blocks(counter, key):
    n = 9
    c = np.frombuffer(gt_random._c_blocks(counter & _TOP, (counter >> 64) & _TOP, key, n),
                      np.uint32).reshape(n, 4)
    reference = gt_random._philox_blocks(counter, key, np.arange(n, dtype=np.uint64))
    np.testing.assert_array_equal(c, reference)


def test_the_known_answer_of_philox4x32_10():
    # the Random123 known-answer vector: counter 0, key 0
    words = np.frombuffer(gt_random._c_blocks(0, 0, 0, 1), np.uint32)
    assert [hex(w) for w in words] == ["0x6627e8d5", "0xe169c58d", "0xbc57ac4c", "0x9b00dbd8"]
