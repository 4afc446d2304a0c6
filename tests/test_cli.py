"""The command line: the README's main job, read commands, help and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS, REPO
from warehouse.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """A warehouse holding the bundled sample, loaded through the CLI and the ingest flow."""
    db = tmp_path_factory.mktemp("cli") / "sample.duckdb"
    result = runner.invoke(app, ["load", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "rows per table" in result.output
    return db


def test_load_sample_runs_the_flow(loaded_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "--db",
            str(loaded_db),
            "--format",
            "json",
            "select count(*) as n, count(flow_run_id) as with_run from ingested_files",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["n"] == rows[0]["with_run"] >= 5


def test_query_csv(loaded_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "--db",
            str(loaded_db),
            "--format",
            "csv",
            "select pmid, pub_year from articles where pmid = 20729678",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["pmid,pub_year", "20729678,2010"]


def test_query_bad_sql_is_a_clear_error(loaded_db: Path) -> None:
    result = runner.invoke(app, ["query", "--db", str(loaded_db), "select * from nowhere"])
    assert result.exit_code == 2
    assert "query failed" in result.output
    assert "Traceback" not in result.output


def test_status(loaded_db: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(loaded_db)])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "files loaded" in result.output


def test_rejects_lists_reasons(loaded_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    text = (CORPUS / "xml/biopython/pubmed2.xml").read_text()
    bad.write_text(text.replace('<PMID Version="1">11748933</PMID>', "", 1))
    db = tmp_path / "r.duckdb"
    result = runner.invoke(app, ["load", "--db", str(db), str(bad)])
    assert result.exit_code == 1, result.output
    assert "1 records rejected" in result.output
    listed = runner.invoke(app, ["rejects", "--db", str(db)])
    assert listed.exit_code == 0
    assert "no PMID" in listed.output


def test_read_commands_do_not_start_prefect(loaded_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    result = runner.invoke(app, ["status", "--db", str(loaded_db)])
    assert result.exit_code == 0


def test_missing_warehouse_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "run `pubmed-warehouse load` first" in result.output


def test_unknown_path_is_a_usage_error(tmp_path: Path, prefect_harness) -> None:
    result = runner.invoke(app, ["load", "--db", str(tmp_path / "w.duckdb"), "no/such/file.xml"])
    assert result.exit_code == 2
    assert "no file matches" in result.output


def test_every_command_has_help_with_an_example() -> None:
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"load", "query", "status", "rejects", "export"} <= set(commands)
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, command


def test_query_file_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "--file", str(tmp_path / "none.sql")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_usage_errors_do_not_depend_on_the_terminal_width(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-long-folder-name"] * 12, "none.sql")
    for columns in ("20", "80", "400"):
        result = CliRunner(env={"COLUMNS": columns}).invoke(app, ["query", "--file", str(deep)])
        assert result.exit_code == 2
        assert f"{deep} does not exist" in result.output


def _query(db: Path, *args: str, columns: int = 120) -> object:
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(app, ["query", "--db", str(db), *args])


def test_query_caps_rows_and_says_how_many_there_are(loaded_db: Path) -> None:
    result = _query(loaded_db, "select pmid from authors order by pmid, position")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "showing 50 of 3,690 rows (--limit N or --all for more)"
    assert len(lines) == 2 + 50 + 1  # header, rule, rows, footer
    limited = _query(loaded_db, "--limit", "3", "select pmid from authors")
    assert (
        limited.output.splitlines()[-1] == "showing 3 of 3,690 rows (--limit N or --all for more)"
    )
    everything = _query(loaded_db, "--all", "select pmid from authors")
    assert everything.output.splitlines()[-1] == "3,690 rows"
    assert len(everything.output.splitlines()) == 2 + 3690 + 1


def test_query_right_aligns_numbers_shows_null_and_every_statement(loaded_db: Path) -> None:
    result = _query(
        loaded_db,
        "select 7 as n, 'x' as label, null::varchar as missing; "
        "select 1234567 as n, 'text' as label",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        " n │ label │ missing",
        "───┼───────┼────────",
        " 7 │ x     │ NULL",
        "1 row",
        "",
        "       n │ label",
        "─────────┼──────",
        " 1234567 │ text",
        "1 row",
    ]


def test_query_shows_wide_rows_one_block_per_row(loaded_db: Path) -> None:
    result = _query(loaded_db, "select * from articles order by pmid limit 2", columns=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("─[ row 1 ]") and len(lines[0]) == 80
    assert any(line.startswith("pmid ") and "-70725104419008959" in line for line in lines)
    assert sum(line.startswith("─[ row ") for line in lines) == 2
    assert all(len(line) <= 80 for line in lines)
    assert lines[-1] == "showing 2 of 2 rows" or lines[-1] == "2 rows"


def test_query_formats(loaded_db: Path, tmp_path: Path) -> None:
    sql = (
        "select pmid, pub_year, journal_iso from articles "
        "where pmid in (20729678, 17942999) order by pmid"
    )
    markdown = _query(loaded_db, "--format", "markdown", sql)
    assert markdown.output.splitlines()[:3] == [
        "| pmid | pub_year | journal_iso |",
        "| ---: | ---: | --- |",
        "| 17942999 | 2007 | Restor. Neurol. Neurosci. |",
    ]
    as_json = json.loads(_query(loaded_db, "--format", "json", sql).output)
    assert as_json[1] == {"pmid": 20729678, "pub_year": 2010, "journal_iso": None}
    parquet = tmp_path / "out.parquet"
    written = _query(loaded_db, "--format", "parquet", "--output", str(parquet), sql)
    assert written.exit_code == 0, written.output
    assert "wrote 2 rows" in written.output
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).column("pmid").to_pylist() == [17942999, 20729678]
    missing = _query(loaded_db, "--format", "parquet", sql)
    assert missing.exit_code == 2 and "--output" in missing.output


def test_query_params_fill_the_params_cte(loaded_db: Path) -> None:
    example = REPO / "sql/examples/top_journals.sql"
    default = _query(loaded_db, "--format", "csv", "--file", str(example))
    migraine = _query(
        loaded_db,
        *("--format", "csv", "--file", str(example)),
        *("--param", "descriptor_name=Migraine Disorders"),
    )
    assert default.exit_code == migraine.exit_code == 0, migraine.output
    assert default.output != migraine.output
    assert migraine.output.splitlines()[0].startswith("journal_abbrev,")
    unknown = _query(loaded_db, "--file", str(example), "--param", "orcid=1")
    assert unknown.exit_code == 2
    assert "no parameter orcid in the SQL; it has descriptor_name" in unknown.output


def test_query_params_set_variables(loaded_db: Path) -> None:
    sql = (
        "set variable top_n = 2;\nset variable title_word = 'x';\n"
        "select getvariable('top_n') * 10 as n, getvariable('title_word') as word"
    )
    default = _query(loaded_db, "--format", "csv", sql)
    assert default.output.splitlines()[1:] == ["20,x"], default.output
    filled = _query(
        loaded_db, "--format", "csv", sql, "--param", "top_n=5", "--param", "title_word=it's"
    )
    assert filled.exit_code == 0, filled.output
    assert filled.output.splitlines()[1:] == ["50,it's"]
    wrong = _query(loaded_db, sql, "--param", "top_n=many")
    assert wrong.exit_code != 0 and "many" in wrong.output
    unknown = _query(loaded_db, sql, "--param", "orcid=1")
    assert "no parameter orcid in the SQL; it has top_n, title_word" in unknown.output


def test_query_memory_stays_flat_on_a_large_result(loaded_db: Path, tmp_path: Path) -> None:
    """Two million wide rows as CSV in a real process: its peak RSS stays below their size."""
    script = (  # VmHWM: this process's own peak (ru_maxrss would include the forking parent's)
        "import sys; from pathlib import Path; from warehouse.cli import main\n"
        "sys.argv[1:] = sys.argv[2:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "peak = Path('/proc/self/status').read_text().split('VmHWM:')[1].split()[0]\n"
        "print(int(peak) // 1024, file=sys.stderr)"
    )
    sql = "select range as n, repeat('x', 200) as text from range(2000000)"
    out = tmp_path / "large.csv"
    command = ["query", "--db", str(loaded_db), "--format", "csv", "--output", str(out), sql]
    done = subprocess.run(
        [sys.executable, "-c", script, "-", *command], capture_output=True, text=True, check=True
    )
    assert "wrote 2,000,000 rows" in done.stderr
    size_mib = out.stat().st_size // 2**20
    peak_mib = int(done.stderr.split()[-1])
    assert size_mib > 380
    assert peak_mib < 300, f"peak RSS {peak_mib} MiB for {size_mib} MiB of CSV"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("pubmed-warehouse ")


def test_help_and_version_import_neither_settings_nor_the_engines() -> None:
    """`--help` and `--version` answer without the imports that take most of a second (typer
    itself brings pydantic for a command's parameters, not pydantic-settings)."""
    probe = (
        "import sys\n"
        "from warehouse.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic_settings', 'duckdb', 'polars', 'prefect', 'httpx')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    for args in (["--version"], ["--help"], ["load", "--help"], ["fetch", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60
        )
        assert done.stderr.strip().splitlines()[-1] == "[]", (args, done.stderr)


def test_every_setting_option_shows_its_default_and_environment_variable() -> None:
    for command in ("load", "sync", "serve"):
        text = " ".join(
            CliRunner(env={"COLUMNS": "400"}).invoke(app, [command, "--help"]).output.split()
        )
        for variable in re.findall(r"PUBMED_WAREHOUSE_[A-Z_]+", text):
            assert re.search(rf"\(env {variable}, default [^)]+\)", text), (command, variable)
        assert "(env PUBMED_WAREHOUSE_DB, default pubmed.duckdb)" in text


def test_a_folder_as_warehouse_is_a_usage_error_and_leaves_no_lock(tmp_path: Path) -> None:
    folder = tmp_path / "lake"
    folder.mkdir()
    result = runner.invoke(app, ["load", "--db", str(folder)])
    assert result.exit_code == 2
    assert f"--db {folder} is a folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"]


def test_a_whole_file_reject_says_file(tmp_path: Path, prefect_harness) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("pmid,title\n1,not PubMed\n")
    db = tmp_path / "w.duckdb"
    wide = CliRunner(env={"COLUMNS": "300"})  # the table's paths fit on one line each
    loaded = wide.invoke(app, ["load", "--db", str(db), str(notes)])
    assert loaded.exit_code == 1, loaded.output
    assert "1 files rejected: see `pubmed-warehouse rejects`" in loaded.output
    assert re.search(r"notes\.csv\s+│ rejected\s+│.*│\s+file │", loaded.output)
    listed = runner.invoke(app, ["rejects", "--db", str(db)])
    assert listed.exit_code == 0
    first = listed.output.splitlines()[0]
    assert first.startswith(f"{notes} (file) at ")
    assert "None" not in listed.output


def test_task_runs_are_named_after_their_file(loaded_db: Path) -> None:
    """The load's Prefect task runs say which file each one loaded."""
    import time
    from uuid import UUID

    import duckdb
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with duckdb.connect(str(loaded_db), read_only=True) as con:
        (run_id,) = con.execute("select any_value(flow_run_id) from ingested_files").fetchone()
    only_this_run = FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)]))
    names: set[str] = set()
    deadline = time.monotonic() + 30  # task runs reach the API through its event stream
    while "load medline16n0902.xml.gz" not in names and time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            names = {r.name for r in client.read_task_runs(flow_run_filter=only_this_run)}
        time.sleep(0.5)
    assert {"load medline16n0902.xml.gz", "load pubmed4.xml"} <= names, names
