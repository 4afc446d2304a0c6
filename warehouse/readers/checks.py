"""Invariants of a warehouse, checked by the SQL in `sql/checks/` (one query per invariant).

Each query returns the rows that violate its invariant; an empty result means it holds. A
query may name a query the loader builds (`FRAGMENTS`, e.g. the fingerprints the loaded rows
give), so that a rule the loader applies is written in one place and checked as it is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.loading.aggregates import pending_changes_sql
from warehouse.loading.fingerprints import TABLE, fingerprints_sql
from warehouse.schema import sql_dir

EXAMPLE_ROWS = 5

FRAGMENTS = {
    "{loaded_record_fingerprints}": lambda: fingerprints_sql(TABLE, staged=False),
    "{pending_aggregate_changes}": pending_changes_sql,
}
"""Placeholders a check may hold, and the loader's query each stands for."""


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one invariant: how many rows violate it, and the first few of them."""

    name: str
    description: str
    violations: int
    columns: list[str] = field(default_factory=list)
    examples: list[tuple] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.violations == 0


def check_files() -> list[Path]:
    """The invariant queries, in name order."""
    return sorted((sql_dir() / "checks").glob("*.sql"))


def run_checks(con: duckdb.DuckDBPyConnection, examples: int = EXAMPLE_ROWS) -> list[CheckResult]:
    """Run every invariant query; needs only a read-only connection."""
    return [run_check(con, path, examples) for path in check_files()]


def run_check(con: duckdb.DuckDBPyConnection, path: Path, examples: int) -> CheckResult:
    """Run one invariant query: count its violating rows and keep the first `examples`."""
    text = path.read_text(encoding="utf-8")
    query = _body(text).strip().rstrip(";")
    violations = con.execute(f"select count(*) from (\n{query}\n)").fetchone()[0]
    result = con.execute(f"select * from (\n{query}\n) limit {int(examples)}")
    return CheckResult(
        name=path.stem,
        description=_description(text),
        violations=violations,
        columns=[d[0] for d in result.description or []],
        examples=result.fetchall(),
    )


def _body(text: str) -> str:
    """The query of a check with the loader's queries it names filled in."""
    for placeholder, fragment in FRAGMENTS.items():
        if placeholder in text:
            text = text.replace(placeholder, fragment())
    return text


def _description(text: str) -> str:
    """The `-- Invariant:` comment at the top of a check, joined into one line."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if line.startswith("-- Violations:"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines).removeprefix("Invariant:").strip()
