"""`compendium serve`, as a contributor runs it: a real server on 127.0.0.1 whose preview follows the data
files, those created after it started included. (That the page then appears is the build's business,
tested with the build.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, copy_sample


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _rebuilds(log: Path) -> int:
    """How many times the preview's hook has regenerated the pages (it says so once a rebuild)."""
    return log.read_text("utf-8", "replace").count("compendium: pages: ") if log.exists() else 0


def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_a_data_file_created_while_serving_starts_a_rebuild(tmp_path: Path) -> None:
    """A file can be watched only once it exists: a glossary.yml written after the preview started must
    still start a rebuild that reads it."""
    root = copy_sample(tmp_path)
    glossary = (root / "glossary.yml").read_text("utf-8")
    (root / "glossary.yml").unlink()  # the compendium starts without a glossary
    port, log = _free_port(), tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "compendium", "serve", "--root", str(root),
                                   "--dev-addr", f"127.0.0.1:{port}"], env=env, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _wait_until(lambda: _status(f"http://127.0.0.1:{port}/") == 200, 120), log.read_text("utf-8")
        assert _wait_until(lambda: _rebuilds(log) >= 1, 30)
        time.sleep(1.0)  # the first build's own writes settle
        before = _rebuilds(log)
        (root / "glossary.yml").write_text(glossary, "utf-8")
        assert _wait_until(lambda: _rebuilds(log) > before, 60), "no rebuild after glossary.yml was created"
        assert (root / "docs" / "glossary.md").is_file()  # and the rebuild read the new file
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
