"""The build lock: a waiter says which process holds the lock and for how long, and gives up
after `config.build_timeout` with an error naming it; through `function()` as well."""
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.compile import buildlock, cache
from transpile.compile.buildlock import BuildLock, BuildLockTimeout

pytestmark = pytest.mark.single_mode

HOLDER = """
import sys, time
from transpile.compile.buildlock import BuildLock
with BuildLock(sys.argv[1], 60, "a test"):
    print("locked", flush=True)
    time.sleep(120)  # a hung builder
"""


@pytest.fixture
def hung_holder():
    """Start a process holding the lock at a path (the factory's argument); killed afterwards."""
    procs = []

    def start(path):
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parents[2])
        procs.append(proc)
        assert proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def test_a_waiter_names_the_holder_and_times_out(tmp_path, hung_holder, monkeypatch, capsys):
    path = tmp_path / "locks" / "k.lock"
    proc = hung_holder(path)
    assert buildlock.holder(path)[0] == proc.pid
    monkeypatch.setattr(buildlock, "FIRST_NOTICE", 0.2)
    monkeypatch.setattr(buildlock, "NOTICE_EVERY", 0.5)
    start = time.monotonic()
    with pytest.raises(BuildLockTimeout, match=rf"waiting \d+ s for process {proc.pid} \(holding it for \d+ s\)"):
        with BuildLock(str(path), 1.5, "graph xyz"):
            pass
    assert 1.5 <= time.monotonic() - start < 10
    err = capsys.readouterr().err
    assert f"waiting for process {proc.pid} (holding it for" in err and "to finish building graph xyz" in err
    proc.kill()
    proc.wait()
    with BuildLock(str(path), 5, "graph xyz"):  # a dead holder's lock is free at once
        assert buildlock.holder(path)[0] != proc.pid


def test_function_times_out_on_a_hung_builder(hung_holder, monkeypatch):
    key = f"hung-{uuid.uuid4().hex}"
    monkeypatch.setattr(cache, "cache_key", lambda *args: key)  # the graph's build lock is held
    proc = hung_holder(Path(config.compiledir) / "locks" / f"{key}.lock")
    x = T.vector("x")
    with config.change_flags(build_timeout=1.0):
        with pytest.raises(BuildLockTimeout, match=rf"process {proc.pid} .*config.build_timeout"):
            transpile.function([x], T.exp(x) * 3.25, mode="NATIVE")
