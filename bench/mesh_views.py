"""Time the MeSH roll-up and citation example queries on baseline-sized bench files.

    uv run python -m bench.mesh_views --files 4

Builds (once, into `bench/out/`) the same 30,000-record files as `python -m bench`, loads them
and the corpus MeSH samples (2016 descriptors and supplementary records) into a fresh DuckDB
file, then runs each example query of `sql/examples/` that uses the new views (with a parameter the
bench records match) and each new view whole, printing rows, wall and CPU seconds. CPU seconds
are DuckDB's threads included.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.run import REPO, bench_file
from warehouse.db import connect
from warehouse.loading.parallel import load_files

MESH = REPO.parent / "shared" / "corpus" / "mesh" / "meshrdf"
EXAMPLES = {
    "mesh_subtree_by_year": ("'C19.246'", "'B01.050'"),
    "articles_about_action": ("'D016861'", "'D000900'"),
    "most_cited_in_subtree": ("'B01.050'", "'B01.050'"),
    "citing_retracted_work": ("true as after_only", "false as after_only"),
}
"""Example -> (its default parameter, the one timed: a node or action the bench records have)."""
WHOLE_VIEWS = (
    "mesh_node_by_year",
    "mesh_descriptor_rollup_by_year",
    "mesh_pharmacological_action_by_year",
    "citation_summary",
    "retracted_citations",
)
"""Views also timed whole (every node, every article), as a BI tool reading them would."""


def main() -> None:
    """Load `--files` bench files plus MeSH, then time every example query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4)
    files = parser.parse_args().files
    paths = [bench_file(n) for n in range(1, files + 1)]
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        started = time.perf_counter()
        load_files(con, [*paths, MESH / "desc-samples.xml", MESH / "supp-samples.xml"])
        [(articles,)] = con.execute("select count(*) from articles").fetchall()
        print(f"loaded {articles:,} articles in {time.perf_counter() - started:.1f} s")
        print("| example | rows | seconds | CPU s |\n| --- | ---: | ---: | ---: |")
        for name, (default, timed) in EXAMPLES.items():
            sql = (REPO / "sql" / "examples" / f"{name}.sql").read_text(encoding="utf-8")
            _time(con, f"{name} ({timed})", sql.replace(default, timed))
        for view in WHOLE_VIEWS:
            _time(con, f"whole {view}", f"select * from {view}")
        con.close()


def _time(con, label: str, sql: str) -> None:
    """Run a query to its last row; print its rows, wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = con.execute(sql).fetchall()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"| {label} | {len(found):,} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
