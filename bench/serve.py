"""The preview: `compendium serve` and plain `mkdocs serve` (the same generated pages, with the engine's
settings) side by side on copies of the real record; a claim's title edited alternately, in its YAML file for
ours and in its generated Markdown page for MkDocs, each edit timed from the file written to the claim's page
served with the new word."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import urlopen

from bench.builds import measured_build
from bench.child import child_command
from bench.compendia import fresh_copy, html_pages
from bench.measure import CHILD_ENV, BenchError, Log, load, tree_cpu
from bench.results import ServeResult


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _mount_path(root: Path) -> str:
    """The path MkDocs' server serves the site under: that of site_url (a page is not found outside it)."""
    found = re.search(r"^site_url:\s*['\"]?([^'\"\s]+)", (root / "mkdocs.yml").read_text("utf-8"), re.M)
    path = urlsplit(found.group(1)).path if found else "/"
    return path if path.endswith("/") else path + "/"


def _get(url: str, timeout: float = 120.0) -> str | None:
    """The page at url, or None when the server does not answer (yet). MkDocs' server holds a request made
    during a rebuild until the rebuild is done."""
    try:
        with urlopen(url, timeout=timeout) as answer:
            return str(answer.read().decode("utf-8", "replace"))
    except (URLError, OSError):
        return None


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def problem(self, what: str) -> BenchError:
        return BenchError(f"{what}:\n{self.log.read_text('utf-8', 'replace')[-3000:]}")


@contextmanager
def server(command: list[str], root: Path, url: str, log_file: Path) -> Iterator[Server]:
    """A server started in a process group of its own (so that it ends with all it started), waited for until
    it answers and has gone idle, and stopped as Ctrl-C stops it."""
    with log_file.open("wb") as log:  # a file, not a pipe: a pipe nobody reads would stop the server once full
        process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **CHILD_ENV}, start_new_session=True)
    running = Server(process, url, log_file)
    try:
        _wait_until_up(running)
        yield running
    finally:
        _stop(process)


def _wait_until_up(running: Server, limit: float = 600.0) -> None:
    ends = time.monotonic() + limit
    while _get(running.url, timeout=5) is None:
        if running.process.poll() is not None:
            raise running.problem(f"the server stopped (exit code {running.process.returncode})")
        if time.monotonic() > ends:
            raise running.problem(f"the server did not answer within {limit:.0f} s")
        time.sleep(0.2)
    _wait_until_idle(running.process.pid)


def _wait_until_idle(pid: int, limit: float = 120.0) -> None:
    """Until the process tree has used (almost) no CPU for a second: a rebuild set off by the last one's own
    writes (the engine writes docs/, which MkDocs also watches) must not run into the next edit's time."""
    ends, last = time.monotonic() + limit, tree_cpu(pid)
    while time.monotonic() < ends:
        time.sleep(1.0)
        now = tree_cpu(pid)
        if now - last < 0.05:
            return
        last = now


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(grace)
            return


def _with_word(text: str, starts: str, word: str) -> str:
    """text with a word added at the end of its first line that starts with starts (before a closing quote, in
    YAML). Each edit adds one word to the original text: words piled up would make the title too long."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith(starts))
    line = lines[i].rstrip()
    lines[i] = f"{line[:-1]} {word}{line[-1]}" if line[-1] in "'\"" else f"{line} {word}"
    return "\n".join(lines)


def timed_edit(running: Server, path: Path, text: str, word: str, limit: float = 300.0) -> tuple[float, float]:
    """Seconds from writing text (the file with word added to the claim's title) into path until running serves
    the claim's page with word in it, polled every 20 ms; and the CPU seconds the server used meanwhile."""
    cpu = tree_cpu(running.process.pid)
    began = time.perf_counter()
    path.write_text(text, "utf-8")
    while word not in (_get(running.url) or ""):
        if running.process.poll() is not None:
            raise running.problem("the server stopped")
        if time.perf_counter() - began > limit:
            raise running.problem(f"the page did not show the edit within {limit:.0f} s")
        time.sleep(0.02)
    took = time.perf_counter() - began
    spent = tree_cpu(running.process.pid) - cpu
    _wait_until_idle(running.process.pid)
    return took, spent


def _edits(result: ServeResult, ours: Server, plain: Server, ours_root: Path, plain_root: Path, edits: int,
           log: Log) -> None:
    """edits alternately under each server: the claim's title, in its YAML file and in its generated page."""
    yml, md = ours_root / "claims" / f"{result.claim}.yml", plain_root / "docs/claims" / f"{result.claim}.md"
    yml_text, md_text = yml.read_text("utf-8"), md.read_text("utf-8")
    for i in range(edits):
        word = f"Revisedours{i}"
        took, cpu = timed_edit(ours, yml, _with_word(yml_text, "title:", word), word)
        result.ours.append(took)
        result.ours_cpu.append(cpu)
        word = f"Revisedplain{i}"
        took, cpu = timed_edit(plain, md, _with_word(md_text, "# ", word), word)
        result.plain.append(took)
        result.plain_cpu.append(cpu)
        log(f"  serve, edit {i + 1}/{edits}: ours {result.ours[-1]:.2f} s ({result.ours_cpu[-1]:.2f} s CPU), "
            f"mkdocs serve {result.plain[-1]:.2f} s ({result.plain_cpu[-1]:.2f} s CPU)")


def bench_serve(source: Path, work: Path, edits: int, log: Log) -> ServeResult:
    """`compendium serve` and plain `mkdocs serve` side by side on two copies of one built compendium, both
    running; edits made alternately: a claim's title in its YAML file (ours: the engine checks and renders
    the pages again, then MkDocs rebuilds), and the same claim's generated Markdown page (MkDocs' own
    rebuild, with the engine's settings, of the same pages)."""
    result, load_start = ServeResult(), load()
    try:
        ours_root = fresh_copy(source, work / "serve-ours")
        measured_build(ours_root)
        plain_root = fresh_copy(ours_root, work / "serve-plain")
        result.claim = sorted(p.stem for p in (ours_root / "claims").glob("*.y*ml"))[0]
        result.pages = html_pages(ours_root)
        page = f"{_mount_path(ours_root)}claims/{result.claim}/"
        ours_port, plain_port = _free_port(), _free_port()
        ours_command = [sys.executable, "-m", "compendium", "serve", "--root", str(ours_root),
                        "--dev-addr", f"127.0.0.1:{ours_port}"]
        plain_command = child_command("--child-mkdocs-serve", str(plain_root), f"127.0.0.1:{plain_port}")
        with server(ours_command, ours_root, f"http://127.0.0.1:{ours_port}{page}", work / "serve-ours.log") as ours, \
                server(plain_command, plain_root, f"http://127.0.0.1:{plain_port}{page}",
                       work / "serve-plain.log") as plain:
            _edits(result, ours, plain, ours_root, plain_root, edits, log)
    except (BenchError, StopIteration, OSError) as problem:
        result.problem = str(problem) or type(problem).__name__
        log(f"  serve: {result.problem}")
    result.load = (load_start, load())
    return result
