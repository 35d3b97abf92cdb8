"""The per-key build lock of the cache: one process builds a key, the others wait for it.

An `fcntl` lock on `locks/<key>.lock` (released by the kernel when its holder dies, so a killed
builder never blocks anyone). The holder writes its pid and start time into the file, so a
waiter can say who it waits for: every NOTICE_EVERY seconds it prints on stderr which process
holds the lock and for how long, and after `timeout` seconds (`config.build_timeout`) it gives up
with a `BuildLockTimeout` naming that process (a hung builder then costs a clear error, never a
silent wait forever).
"""
import fcntl
import os
import sys
import time

FIRST_NOTICE = 2.0    # seconds of waiting before the first notice
NOTICE_EVERY = 30.0   # seconds between notices
POLL = 0.1            # seconds between attempts


class BuildLockTimeout(TimeoutError):
    """Another process held a build lock longer than `config.build_timeout`."""


def holder(path):
    """(pid, seconds held) written by the lock's holder, or (None, None) when unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            pid, since = f.read().split()[:2]
        return int(pid), max(0.0, time.time() - float(since))
    except (OSError, ValueError):
        return None, None


def _describe(path):
    pid, held = holder(path)
    if pid is None:
        return "another process"
    return f"process {pid} (holding it for {held:.0f} s)"


class BuildLock:
    """`with BuildLock(path, timeout, what):` holds the lock at `path` (created if needed)."""

    def __init__(self, path, timeout, what):
        self.path, self.timeout, self.what = path, timeout, what

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.file = open(self.path, "a+", encoding="utf-8")
        try:
            self._acquire()
        except BaseException:
            self.file.close()
            raise
        self.file.seek(0)
        self.file.truncate()
        self.file.write(f"{os.getpid()} {time.time():.3f}\n")
        self.file.flush()
        return self

    def _acquire(self):
        start = time.monotonic()
        next_notice = FIRST_NOTICE
        while True:
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            waited = time.monotonic() - start
            if waited >= self.timeout:
                raise BuildLockTimeout(
                    f"transpile: gave up after waiting {waited:.0f} s for {_describe(self.path)}, which is "
                    f"building {self.what} (lock {self.path}); if that process is hung, end it, or raise "
                    f"config.build_timeout (now {self.timeout:g} s)")
            if waited >= next_notice:
                print(f"transpile: waiting for {_describe(self.path)} to finish building {self.what} "
                      f"(waited {waited:.0f} s of at most {self.timeout:g} s; lock {self.path})",
                      file=sys.stderr, flush=True)
                next_notice = waited + NOTICE_EVERY
            time.sleep(min(POLL, max(0.0, self.timeout - waited)))

    def __exit__(self, *exc):
        try:
            self.file.seek(0)
            self.file.truncate()
        except OSError:
            pass
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
