"""The search child's numpy settings: freed arrays go back to the system."""

from __future__ import annotations

import os

import numpy as np
import pytest

from sitegen import numeric


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(numeric._TRIM is None or not os.path.exists("/proc/self/statm"), reason="glibc on Linux only")
def test_give_back_returns_freed_arrays_that_glibc_kept() -> None:
    """Once a big array is freed, glibc serves the next few-MB arrays from its heap and
    keeps them there when they are freed: 20 such arrays of 2 MiB, freed between live ones."""
    np.empty(8 << 20, np.uint8)  # freed at once: glibc's mmap threshold rises past 2 MiB
    kept, freed = [], []
    for i in range(40):
        (kept if i % 2 else freed).append(np.ones(2 << 20, np.uint8))
    del freed
    before = _rss_mb()
    numeric.give_back()
    assert before - _rss_mb() > 30
    assert len(kept) == 20
