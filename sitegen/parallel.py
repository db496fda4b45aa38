"""Worker processes for a build that makes most pages: the build forks once (or, when a search
child had the other core, once partway), and each process renders and writes the chunks it
takes of the same, deterministic sequence into the same staging folder. And one value
computed in a forked child (``background``) while the build goes on with other work.

Forking (not spawning) shares the loaded site, plan and templates without pickling them;
the sequence up to the fork (search index, page plan) is computed once. A failure in a
worker is raised again in the build's process, which then discards the staging folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import itertools
import mmap
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import SitegenError

T = TypeVar("T")
R = TypeVar("R")


CHUNK = 16  # files a process takes at a time: ~10 ms of rendering, one lock per take
TAKE_TIMEOUT = 60.0  # seconds: a process killed while taking a chunk must not stall the others for good


class Turns:
    """Which chunks of consecutive positions this process makes: each chunk goes to whichever
    process asks first (``take`` gives the next chunk number to one process only). Every
    process walks the same sequence and asks only once past its last chunk, so it is given
    one ahead of it. A process slowed down (by the search child on the same cores, or by
    costlier files) takes fewer: with every n-th file fixed per process, the build's process
    waited ~0.3 s for its worker at the end of a cold build at 10k articles."""

    def __init__(self, take: Callable[[], int]):
        self.take = take
        self.chunk = -1

    def mine(self, position: int) -> bool:
        """Asked for every position, in order."""
        chunk = position // CHUNK
        if self.chunk < chunk:
            self.chunk = self.take()  # never behind ``chunk``: those before were given out
        return chunk == self.chunk


class Tickets:
    """0, 1, 2… each handed to one of the processes forked after it was made: a number in
    memory they share (an anonymous mapping, as ``Flag``'s), under a lock."""

    def __init__(self, first: int = 0) -> None:
        import ctypes
        import multiprocessing  # ~20 ms: only for builds big enough to fork

        self._memory = mmap.mmap(-1, ctypes.sizeof(ctypes.c_int64))
        self._next = ctypes.c_int64.from_buffer(self._memory)
        self._next.value = first
        self._lock = multiprocessing.get_context("fork").Lock()  # as these processes are made

    def __call__(self) -> int:
        if not self._lock.acquire(timeout=TAKE_TIMEOUT):
            raise SitegenError("a build process stopped while taking its share of the work; build again")
        try:
            number = self._next.value
            self._next.value = number + 1
            return number
        finally:
            self._lock.release()


def _tickets(first: int = 0) -> Tickets | None:
    """None where the system has no shared semaphores: then each process takes every n-th."""
    try:
        return Tickets(first)
    except (ImportError, OSError):
        return None


@dataclass(frozen=True)
class Share:
    """Which files this process writes: with others, the chunks it takes (``Turns``)."""

    index: int = 0
    count: int = 1
    children: tuple[tuple[int, int], ...] = ()  # (pid, read end of its error pipe), in the parent
    report: int | None = None  # write end of the error pipe, in a worker
    turns: Turns | None = None

    def mine(self, position: int) -> bool:
        if self.turns is not None:
            return self.turns.mine(position)
        return position % self.count == self.index  # no shared counter: every n-th

    @property
    def worker(self) -> bool:
        return self.report is not None


def workers() -> int:
    """One process per core this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def fork(count: int, first_chunk: int = 0) -> Share:
    """Start ``count - 1`` workers; returns each process its own share of the chunks from
    ``first_chunk`` on (a fork partway through, ``output._fill``'s late one, starts there).

    Forking beside other threads (``sitegen serve``'s server, say) is not safe: then the
    caller's process does all the work alone.
    """
    if count < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return Share()
    tickets = _tickets(first_chunk)
    turns = Turns(tickets) if tickets is not None else None  # each process gets its own copy
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # the collector would otherwise touch, and so copy, every shared page
    children: list[tuple[int, int]] = []
    for index in range(1, count):
        read, write = _result_pipe()
        try:
            pid = os.fork()
        except OSError as exc:  # the workers already forked are at work: stop them, fail the build
            os.close(read)
            os.close(write)
            stop(Share(0, count, tuple(children)))
            raise SitegenError(f"could not start build process {index + 1} of {count} ({exc.strerror or exc}); try --jobs 1") from exc
        if pid == 0:
            os.close(read)
            for _, other in children:
                os.close(other)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)  # one progress display is enough
            return Share(index, count, (), write, turns)
        os.close(write)
        children.append((pid, read))
    return Share(0, count, tuple(children), None, turns)


def leave(share: Share, error: BaseException | None, result: object = None) -> None:
    """In a worker: report its error, or its result, and exit, running none of the parent's cleanup."""
    _send_and_exit(share.report or 0, error, result)


RESULT_PIPE_BYTES = 1 << 20  # Linux lets any process ask this much (/proc/sys/fs/pipe-max-size)


def _result_pipe() -> tuple[int, int]:
    """A pipe for a child's result that holds a whole small one: a child whose result fills
    the default 64 KiB would wait in ``write`` until the parent reads, its memory held (the
    search child's ~230 KB result: ~175 MB held for ~2 s at the end of a cold build at 10k)."""
    read, write = os.pipe()
    # Not Linux, or over the system's limit: the child waits for its reader, as it did.
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)
    return read, write


def _send_and_exit(fd: int, error: BaseException | None, result: object = None) -> None:
    """In a child: write b"R" and the pickled result, or b"E" and the error, to the pipe
    ``fd``, then exit (status 1 after an error) running none of the parent's cleanup."""
    try:
        if error is not None:
            try:
                data = b"E" + pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an unpicklable error still gets its message across
                data = b"E" + pickle.dumps(SitegenError(f"{type(error).__name__}: {error}"))
        else:
            data = b"R" + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0 if error is None else 1)


def join(share: Share) -> list:
    """In the parent: wait for every worker and return their results; raise the first failure."""
    gc.unfreeze()
    failure: BaseException | None = None
    results = []
    for pid, read in share.children:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if data[:1] == b"R" and status == 0:
            results.append(pickle.loads(data[1:]))
        elif failure is None:
            try:
                failure = pickle.loads(data[1:]) if data[:1] == b"E" else SitegenError(f"a build worker ended with status {status}")
            except Exception:  # noqa: BLE001
                failure = SitegenError("a build worker failed")
    if failure is not None:
        raise failure
    return results


def stop(share: Share) -> None:
    """In the parent, after its own failure: end the workers."""
    gc.unfreeze()
    for pid, read in share.children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        os.close(read)


def map_in_workers(func: Callable[[T], R], items: Sequence[T], count: int) -> list[R]:
    """``[func(x) for x in items]``, the items shared among ``count`` processes. A worker
    hands over each chunk's results as it makes them, and the build's process takes them
    between its own chunks: sent all at the end, the worker's pickling and the parent's
    unpickling (~0.3 s of the 49 MB of parsed articles and bodies at 10k) left a core idle."""
    results: list = [None] * len(items)
    streams = [Stream() for _ in range(count - 1)]
    try:
        share = fork(count)
        made = _make_share(func, items, share, streams, results)  # a worker leaves in there
        join(share)
        _take(results, made, streams)
    finally:
        _close(streams)
    return results


def _make_share(func: Callable[[T], R], items: Sequence[T], share: Share, streams: Sequence[Stream], results: list) -> list[tuple[int, R]]:
    """This process's chunks: a worker sends each one's results and exits; the build's
    process puts its own into ``results`` with what the workers sent so far, and returns
    the last of its own."""
    stream = streams[share.index - 1] if share.worker else None
    made: list[tuple[int, R]] = []  # this process's results not yet sent or taken
    try:
        for i, item in enumerate(items):
            if share.mine(i):
                made.append((i, func(item)))
            if (i + 1) % CHUNK or not made:
                continue  # not at the end of a chunk of this process's
            if stream is not None:
                stream.send(made)
            else:
                _take(results, made, streams)
            made = []
        if stream is not None and made:
            stream.send(made)
    except BaseException as exc:
        if share.worker:
            leave(share, exc)
        stop(share)
        raise
    if share.worker:
        leave(share, None)
    return made


def _take(results: list, made: list[tuple[int, object]], streams: Sequence[Stream]) -> None:
    """Into ``results``, this process's ``made`` and what the workers have sent whole."""
    for i, value in itertools.chain(made, *(chunk for s in streams for chunk in s.receive())):
        results[i] = value


def _close(streams: Sequence[Stream]) -> None:
    for s in streams:
        s.close()


class Stream:
    """Values one worker hands over to the build's process as it makes them: each pickled
    into a file they share, behind its length, and the bytes written whole so far counted
    in memory they share. Unlike a pipe's, the worker's writes never wait for the reader."""

    def __init__(self) -> None:
        fd = os.memfd_create("sitegen-results") if hasattr(os, "memfd_create") else None
        self._file = os.fdopen(fd, "w+b") if fd is not None else tempfile.TemporaryFile()  # noqa: SIM115 - open until close()
        self._written = mmap.mmap(-1, 8)  # anonymous and shared, as Flag's
        self._read = 0  # in the reader

    def send(self, value: object) -> None:
        """In the worker."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(len(data).to_bytes(8, "little"))
        self._file.write(data)
        self._file.flush()
        self._written[:] = self._file.tell().to_bytes(8, "little")

    def receive(self) -> list:
        """In the reader: the values sent whole since it last asked."""
        written, fd, values = int.from_bytes(self._written, "little"), self._file.fileno(), []
        while self._read < written:
            size = int.from_bytes(_pread(fd, 8, self._read), "little")
            values.append(pickle.loads(_pread(fd, size, self._read + 8)))
            self._read += 8 + size
        return values

    def close(self) -> None:
        self._file.close()
        self._written.close()


def _pread(fd: int, size: int, offset: int) -> bytes:
    """``size`` bytes at ``offset``: one read may return fewer (on Linux, at most ~2 GiB)."""
    data = os.pread(fd, size, offset)
    while len(data) < size:
        more = os.pread(fd, size - len(data), offset + len(data))
        if not more:
            raise SitegenError("a build process's results were cut short; build again")
        data += more
    return data


class Flag:
    """A yes-or-no that one process sets and the children it has already forked read: one
    byte of memory shared across the fork, for a hint known only once a child has started."""

    def __init__(self) -> None:
        self._byte = mmap.mmap(-1, 1)  # anonymous and shared: a forked child sees it change

    def set(self) -> None:
        self._byte[0] = 1

    def is_set(self) -> bool:
        return self._byte[0] == 1


class Background(Generic[R]):
    """A value being computed in a forked child; ``result()`` waits for it (pickled back
    through a pipe) and raises the child's error. Without a child it computes in-process."""

    def __init__(self, compute: Callable[[], R], pid: int | None = None, read: int | None = None):
        self._compute = compute
        self._pid = pid
        self._read = read
        self._outcome: tuple[bool, object] | None = None  # (ok, value or error)

    @property
    def forked(self) -> bool:
        """Whether a child computes it (until collected or stopped)."""
        return self._pid is not None

    def done(self) -> bool:
        """Whether the value is ready (the child has sent it, or failed), without waiting."""
        if self._pid is None:
            return self._outcome is not None
        poll = select.poll()  # not select(): any descriptor number
        poll.register(self._read or 0, select.POLLIN)
        return bool(poll.poll(0))

    def result(self) -> R:
        if self._outcome is None:
            self._outcome = self._collect()
        ok, value = self._outcome
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def _collect(self) -> tuple[bool, object]:
        if self._pid is None:
            try:
                return True, self._compute()
            except Exception as exc:  # noqa: BLE001 - raised again by result()
                return False, exc
        pid, read = self._pid, self._read
        self._pid = self._read = None
        kind, value = b"", None
        try:
            with os.fdopen(read or 0, "rb") as pipe:
                kind = pipe.read(1)
                try:  # read as a stream: no second copy of a big value
                    value = pickle.load(pipe) if kind in (b"R", b"E") else None
                except Exception:  # noqa: BLE001 - a child killed while writing
                    kind = b""
        finally:
            _, status = os.waitpid(pid, 0)
            gc.unfreeze()
        if kind == b"R":
            return True, value
        if kind == b"E" and isinstance(value, BaseException):
            return False, value
        return False, SitegenError(f"a background build process ended with status {status}")

    def stop(self) -> None:
        """End the child, if any, when its value is no longer wanted (the build failed)."""
        if self._pid is None:
            return
        pid, read = self._pid, self._read
        self._pid = self._read = None
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        os.close(read or 0)
        gc.unfreeze()


def background(compute: Callable[[], R]) -> Background[R]:
    """Start ``compute()`` in a forked child, while this process does other work.

    The child gets the other core: the value must be picklable, and worth more time than
    pickling it back costs. Beside other threads (``sitegen serve``) no child is forked;
    ``result()`` then computes in this process.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return Background(compute)
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = _result_pipe()
    gc.freeze()  # neither process's collector touches, and so copies, the shared pages
    try:
        pid = os.fork()
    except OSError:  # no process to spare: compute here
        gc.unfreeze()
        os.close(read)
        os.close(write)
        return Background(compute)
    if pid:
        os.close(write)
        return Background(compute, pid, read)
    error, value = None, None
    try:
        os.close(read)
        value = compute()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        error = exc
    _send_and_exit(write, error, value)
