"""Forked processes sharing a build's work: which process makes which item."""

from __future__ import annotations

import errno
import itertools
import os
import select
import threading
import time
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen import parallel
from sitegen.errors import SitegenError
from sitegen.parallel import CHUNK, Flag, Turns, background, map_in_workers


@pytest.fixture
def alone(monkeypatch):
    """As if no other thread ran: earlier tests in this process may leave one (a server)."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


@given(st.integers(1, 4), st.integers(0, 6 * CHUNK + 3), st.lists(st.integers(0, 3), max_size=600))
def test_each_item_is_made_once_and_each_chunk_by_one_process(processes: int, items: int, schedule: list[int]):
    """However the processes interleave, each is given a chunk ahead of where it is."""
    take = itertools.count().__next__  # what the shared counter does
    turns = [Turns(take) for _ in range(processes)]
    at = [0] * processes  # each walks every position, in order
    made: dict[int, int] = {}
    steps = iter(schedule)
    while any(p < items for p in at):
        who = next(steps, 0) % processes
        if at[who] >= items:
            who = next(i for i in range(processes) if at[i] < items)
        if turns[who].mine(at[who]):
            assert at[who] not in made
            made[at[who]] = who
        at[who] += 1
    assert sorted(made) == list(range(items))
    assert all(len({made[p] for p in range(c, min(c + CHUNK, items))}) == 1 for c in range(0, items, CHUNK))


class _Slowed:
    """Made by two processes, where the build's own, at its first item, waits until the
    worker has made ``head_start`` items (a byte each through a pipe): as if the search
    child had taken its core. The worker's first item waits for the build's first, so that
    a busy machine, leaving the build's process unscheduled, cannot hand the worker every
    chunk. ``fail``: the worker fails at its first item instead."""

    def __init__(self, head_start: int, fail: bool = False):
        self.build_process = os.getpid()
        self.head_start = head_start
        self.fail = fail
        self.read, self.write = os.pipe()
        self.build_started = os.pipe()
        self.waited = False

    def __call__(self, n: int) -> str:
        if os.getpid() != self.build_process:
            if not self.waited:
                self.waited = True
                _read_bytes(self.build_started[0], 1, "the build's process took no item for a minute")
            os.write(self.write, b".")
            if self.fail:
                raise SitegenError(f"invented failure on {n} in a worker")
            return "worker"
        if not self.waited:
            self.waited = True
            os.write(self.build_started[1], b".")
            _read_bytes(self.read, self.head_start, "the worker made nothing for a minute")
        return "build"

    def close(self) -> None:
        for fd in (self.read, self.write, *self.build_started):
            os.close(fd)


def _read_bytes(fd: int, count: int, failure: str) -> None:
    got = 0
    while got < count:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, failure
        got += len(os.read(fd, count - got))


def test_a_process_slowed_down_takes_fewer_chunks(alone):
    """None waits at the end for another's fixed share (every n-th item, before)."""
    slowed = _Slowed(head_start=25 * CHUNK)
    try:
        made = map_in_workers(slowed, list(range(40 * CHUNK)), 2)
    finally:
        slowed.close()
    assert made.count("build") < made.count("worker")  # at most 15 chunks against at least 25
    assert all(len(set(made[i : i + CHUNK])) == 1 for i in range(0, len(made), CHUNK))


def test_the_build_takes_a_worker_s_results_as_it_goes(alone, monkeypatch):
    """Not all at the end: the worker's pickling and the build's unpickling overlap their work."""
    events: list[str] = []
    receive, join = parallel.Stream.receive, parallel.join
    monkeypatch.setattr(parallel.Stream, "receive", lambda self: (values := receive(self)) and events.append(f"{sum(map(len, values))} items") or values)
    monkeypatch.setattr(parallel, "join", lambda share: events.append("join") or join(share))
    slowed = _Slowed(head_start=2 * CHUNK)  # the build's first item waits until the worker has made two chunks
    try:
        made = map_in_workers(slowed, list(range(40 * CHUNK)), 2)
    finally:
        slowed.close()
    assert events.index("join") > 0  # a chunk of the worker's taken before
    assert sum(int(e.split()[0]) for e in events if e != "join") == made.count("worker")  # each once


def test_a_worker_s_failure_reaches_the_build(alone):
    failing = _Slowed(head_start=1, fail=True)
    try:
        with pytest.raises(SitegenError, match="in a worker"):
            map_in_workers(failing, list(range(4 * CHUNK)), 2)
    finally:
        failing.close()


def test_without_a_shared_counter_each_process_takes_every_n_th(alone, monkeypatch):
    monkeypatch.setattr(parallel, "_tickets", lambda first=0: None)  # a system without shared semaphores
    build_process = os.getpid()
    made = map_in_workers(lambda n: os.getpid() == build_process, list(range(5 * CHUNK)), 2)
    assert made == [n % 2 == 0 for n in range(5 * CHUNK)]


def _wait_for(flag: Flag, seconds: float = 60) -> bool:
    ends = time.monotonic() + seconds
    while not flag.is_set() and time.monotonic() < ends:
        time.sleep(0.01)
    return flag.is_set()


def test_a_flag_set_after_the_fork_reaches_the_child(alone):
    """The index's child starts before the build knows whether it is a body edit."""
    flag = Flag()
    child = background(partial(_wait_for, flag))
    assert child.forked
    flag.set()
    assert child.result() is True
    assert background(partial(_wait_for, Flag(), 0.05)).result() is False


def test_a_fork_that_fails_stops_the_workers_already_started(alone, monkeypatch):
    """They would go on writing their share while the build fails."""
    real_fork, forked = os.fork, []

    def fork() -> int:
        if len(forked) == 1:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(SitegenError, match=r"could not start build process 3 of 3 \(Resource temporarily unavailable\)"):
        map_in_workers(time.sleep, [60] * 3 * CHUNK, 3)  # the worker started would sleep for minutes
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], 0)  # stopped, and reaped
