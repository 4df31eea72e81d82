"""The compendia the benchmark builds: a copy of the real record (this repository with nothing generated),
synthetic ones written by `compendium synth`, and fresh copies of either for each run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.measure import REPO, BenchError
from compendium.paths import is_generated

# Left out of a copy of the repository, besides what the build generates (paths.generated()): tooling, and
# what the record's build does not read. src/ is linked, not copied.
NOT_COPIED = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "tests", "bench", "src",
              "__pycache__", "BENCHMARKS.md"}


def copy_real_record(destination: Path) -> Path:
    """The repository with nothing generated (its data, hand-written pages and the files they include);
    src/ linked, so that the theme and everything mkdocs.yml names resolve as in the repository."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).relative_to(REPO)
        return {n for n in names if is_generated((here / n).as_posix()) or n == "__pycache__"
                or (here == Path(".") and n in NOT_COPIED)}

    shutil.copytree(REPO, destination, ignore=ignore, symlinks=True)
    (destination / "src").symlink_to(REPO / "src")
    return destination


def synthesize(destination: Path, claims: int) -> Path:
    done = subprocess.run([sys.executable, "-m", "compendium", "synth", "--claims", str(claims), "--out",
                           str(destination)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"compendium synth --claims {claims} failed:\n{done.stderr}")
    return destination


def fresh_copy(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, symlinks=True)
    return destination


def count_files(root: Path, folder: str) -> int:
    """The data files (YAML) in root's folder: claims/ or charts/."""
    return len(list((root / folder).glob("*.y*ml")))


def claim_page_sizes(root: Path) -> list[int]:
    """The size of each claim's page (not the claims index, nor the list of claims not assessed), sorted."""
    pages = [root / "site/claims" / claim.stem / "index.html" for claim in (root / "claims").glob("*.y*ml")]
    return sorted(p.stat().st_size for p in pages if p.is_file())


def html_pages(root: Path) -> int:
    return sum(1 for _ in (root / "site").rglob("index.html"))
