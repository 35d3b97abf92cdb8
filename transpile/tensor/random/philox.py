"""Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), vectorized
in numpy with uint64 arithmetic and explicit 32-bit masking, plus the seed -> key derivation.

The specification the native port follows is in `transpile.tensor.random` (package docstring);
this module is its numpy implementation.
"""
import numpy as np

__all__ = ["blocks", "draw_key", "initial_state", "philox4x32", "splitmix64", "words"]

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF
PHILOX_M0 = 0xD2511F53
PHILOX_M1 = 0xCD9E8D57
PHILOX_W0 = 0x9E3779B9
PHILOX_W1 = 0xBB67AE85
ROUNDS = 10

GOLDEN64 = 0x9E3779B97F4A7C15
SPLITMIX_M1 = 0xBF58476D1CE4E5B9
SPLITMIX_M2 = 0x94D049BB133111EB


def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of counter words (c0, c1, c2, c3) under key (k0, k1).

    Counter words are arrays (or ints) of values < 2**32, broadcast together; the key is two
    Python ints < 2**32. Returns four uint64 arrays holding the 32-bit output words."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in (c0, c1, c2, c3))
    m0, m1, mask = np.uint64(PHILOX_M0), np.uint64(PHILOX_M1), np.uint64(MASK32)
    shift = np.uint64(32)
    for r in range(ROUNDS):
        if r:
            k0 = (k0 + PHILOX_W0) & MASK32
            k1 = (k1 + PHILOX_W1) & MASK32
        p0 = c0 * m0  # < 2**64: exact in uint64
        p1 = c2 * m1
        c0, c1, c2, c3 = ((p1 >> shift) ^ c1 ^ np.uint64(k0), p1 & mask,
                          (p0 >> shift) ^ c3 ^ np.uint64(k1), p0 & mask)
    return c0, c1, c2, c3


def blocks(first, count, key, counter):
    """Output words of blocks `first .. first+count-1` of a draw, flattened in word order
    (block b gives words 4b .. 4b+3). Block b is Philox4x32-10 of the counter
    (b mod 2**32, b >> 32, counter mod 2**32, counter >> 32) under the key (key mod 2**32, key >> 32)."""
    b = np.arange(count, dtype=np.uint64) + np.uint64(first)
    out = philox4x32(b & np.uint64(MASK32), b >> np.uint64(32),
                     counter & MASK32, counter >> 32, key & MASK32, key >> 32)
    return np.stack(out, axis=-1).reshape(-1)


def words(first, count, key, counter):
    """The 32-bit words `first .. first+count-1` of a draw's word stream, as uint64."""
    b0 = first // 4
    b1 = (first + count + 3) // 4
    w = blocks(b0, b1 - b0, key, counter)
    start = first - 4 * b0
    return w[start:start + count]


def splitmix64(z):
    """SplitMix64's output function (a bijective 64-bit mixer) of the Python int `z`."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * SPLITMIX_M1) & MASK64
    z = ((z ^ (z >> 27)) * SPLITMIX_M2) & MASK64
    return z ^ (z >> 31)


def draw_key(seed, index):
    """The Philox key of the `index`-th draw created by a stream seeded with `seed`."""
    return splitmix64(splitmix64(seed) + (index + 1) * GOLDEN64)


def initial_state(seed, index):
    """A draw's state: uint64 [key, counter]; the counter starts at 0."""
    return np.array([draw_key(seed, index), 0], dtype=np.uint64)
