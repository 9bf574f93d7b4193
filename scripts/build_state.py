"""What a build keeps between runs, and why a later build can trust it.

Two rules keep incremental builds honest:

- One build at a time.  A build holds a lock on its build folder; a second
  build in the same folder waits for the first to finish, saying so, rather
  than both writing the same files.
- State is reused only after a build that passed.  Sphinx re-reads only the
  pages that changed, so a warning from a page it does not re-read is never
  repeated (Sphinx issue #725), and whatever a failed or killed build left
  behind (an environment pickle, doctrees, a 0-byte ``.buildinfo``) can break
  or fool the next one.  So a builder's work folder and doctrees carry a
  stamp, written only when its step published; a build that finds no stamp
  starts that builder afresh.  A failure therefore repeats on every build
  until it is fixed, and no build ever needs ``make clean``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

STAMP = ".handbook-passed"
LOCK = ".lock"


@contextlib.contextmanager
def one_build_at_a_time(builddir: Path) -> Iterator[None]:
    builddir.mkdir(parents=True, exist_ok=True)
    with open(builddir / LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            print(f"Another build is running in {builddir} (process {holder}); "
                  "waiting for it to finish.", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        yield  # the lock is released when the file closes, even if the build is killed


def start(builder: str, folders: list[Path]) -> Path:
    """Make FOLDERS (a builder's work folder and doctrees) fit to build in; return
    the stamp that confirm() writes once the step that uses them has passed."""
    stamp = folders[-1] / STAMP
    if stamp.exists():
        stamp.unlink()  # until this build passes too
    elif any(folder.exists() for folder in folders):
        print(f"The last {builder} build did not pass (or was stopped): "
              f"building {builder} afresh.", flush=True)
        for folder in folders:
            if folder.exists():
                shutil.rmtree(folder)
    return stamp


def confirm(stamps: list[Path]) -> None:
    for stamp in stamps:
        stamp.touch()
