"""How the report writes a figure: seconds, MiB, KB, ratios, a problem as one table cell. The same functions
are the report templates' filters and what the targets' lines are written with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def seconds(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f} s"


def mib(value: float | None) -> str:
    return "–" if value is None else f"{value / 2 ** 20:,.0f} MiB"


def kb(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:,.1f} KB"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def thousands(value: int) -> str:
    return f"{value:,}"


def each(values: list[float]) -> str:
    """Each of a run's figures, as a table cell: '1.20, 1.31, 1.18'."""
    return ", ".join(f"{v:.2f}" for v in values)


def cell(text: str) -> str:
    """A problem as one table cell: its last line, with no cell separator."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "").replace("|", "/")[:400]


def same_or_each(values: list[Any]) -> str:
    """A count the runs agree on, or each of them: '187', or '186/187'."""
    distinct = set(values)
    return str(distinct.pop()) if len(distinct) == 1 else "/".join(str(v) for v in sorted(distinct, key=str))


def verdict(met: bool | None, how: str) -> str:
    return f"{'**met**' if met else '**not met**' if met is not None else 'not measured'}: {how}"


def by(value: float | None, target: float, unit: Callable[[float], str]) -> tuple[bool | None, str]:
    """Whether value is within target (at most), and by how much, in unit."""
    if value is None:
        return None, "not measured"
    if value <= target:
        return True, f"{unit(value)} against at most {unit(target)} ({(1 - value / target) * 100:.0f}% under)"
    return False, f"{unit(value)} against at most {unit(target)} ({value / target:.1f}× the target, " \
                  f"{unit(value - target)} over)"


FILTERS: dict[str, Callable[..., str]] = {"s": seconds, "mib": mib, "kb": kb, "times": times,
                                          "thousands": thousands, "cell": cell, "each": each}
