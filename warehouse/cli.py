"""The `pubmed-warehouse` command: a thin layer over the flows and the core.

`load` runs the `ingest` flow (as a Prefect flow when a Prefect API is configured, else its
steps as plain calls); `sync` runs the `sync` flow and `serve` serves the scheduled
deployments; `query`, `status`, `rejects`, `export`, `report` and `check` open the warehouse (or
its readers' snapshot) directly and never start Prefect. Heavy libraries are imported inside
the commands, after the arguments are checked, so a usage error answers at once.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import version as package_version
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from warehouse.errors import ConfigError, WarehouseError
from warehouse.ledger import FileStatus
from warehouse.prefect_env import apply_prefect_defaults, prefect_api_url
from warehouse.setting_fields import default_retry_policy, setting_help

if TYPE_CHECKING:
    import duckdb
    from rich.table import Table

    from flows.fetch import FetchResult
    from warehouse.config import Settings
    from warehouse.loading.load import FileResult
    from warehouse.sources.esearch import SearchPlan
    from warehouse.sources.eutils import EfetchSettings

app = typer.Typer(
    help="Load PubMed records (XML, MEDLINE, abstract text) into a DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(
    width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120, soft_wrap=True
)
errors = Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2
DEFAULT_ROWS = 50
"""Rows `query` shows in a table unless --limit or --all says otherwise."""


DbOption = Annotated[Path | None, typer.Option("--db", help=setting_help("db"))]
OverwriteOption = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Write even where files this command did not write are in the way (they are kept, "
        "but one of the same name is replaced).",
    ),
]
SnapshotOption = Annotated[
    bool,
    typer.Option(
        "--snapshot",
        help="Read the readers' copy (NAME.snapshot.duckdb), published after each load; "
        "without it a read falls back to that copy while a load holds the warehouse.",
    ),
]


def _retry_help() -> str:
    """The retry policy's defaults in words, for the help of the commands that download."""
    policy = default_retry_policy()
    waits = ", ".join(f"{delay:g}" for delay in policy.delays_seconds)
    return (
        "Answers that can change (429, 5xx, a broken transfer) are retried "
        f"(env PUBMED_WAREHOUSE_DOWNLOAD_RETRIES, default {len(policy.delays_seconds)}), "
        f"waiting {waits} s (env PUBMED_WAREHOUSE_RETRY_DELAYS_SECONDS, default [{waits}]) and "
        f"at most {policy.budget_seconds:g} s in all per request "
        f"(env PUBMED_WAREHOUSE_RETRY_BUDGET_SECONDS, default {policy.budget_seconds:g}); a host "
        "that does not resolve or refuses connections fails at once (exit 2)."
    )


def _with_retry_help(command):
    """Put the retry policy's words where a command's docstring says RETRIES."""
    command.__doc__ = command.__doc__.replace("RETRIES", _retry_help())
    return command


def _version(show: bool) -> None:
    if show:
        console.print(f"pubmed-warehouse {package_version('pubmed-warehouse')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Load PubMed records (XML, MEDLINE, abstract text) into a DuckDB warehouse."""


def _settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`, with the command line's values on top."""
    from pydantic import ValidationError

    from warehouse.config import Settings

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'setting'}: {e['msg']}" for e in exc.errors()
        )
        raise _fail(f"bad setting: {problems}") from None


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def sample_dir() -> Path:
    """The bundled sample of real NCBI records shipped inside the package."""
    return Path(str(files("warehouse") / "sample"))


@app.command()
def load(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or globs (default: the bundled sample)."),
    ] = None,
    db: DbOption = None,
    batch_size: Annotated[int | None, typer.Option(help=setting_help("batch_size"))] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=setting_help(
                "workers", "Parse in this many processes.", "one per core for 8 MiB or more"
            )
        ),
    ] = None,
    dask_address: Annotated[str | None, typer.Option(help=setting_help("dask_address"))] = None,
    staging: Annotated[
        Path | None,
        typer.Option(help=setting_help("staging_dir", default="a temporary folder")),
    ] = None,
) -> None:
    """Load files of any supported format (detected from content, .gz transparent).

    With no PATH, loads the bundled sample. Inputs of 8 MiB or more parse in child processes,
    one per core (--workers N to choose), and one writer applies them in file order, so no
    process holds both a parser and DuckDB; --dask-address runs the parses on a Dask cluster.
    Ctrl-C stops the load within seconds; the files committed so far stay, rerun to finish.

    Example: pubmed-warehouse load pubmed26n0001.xml.gz exports/*.nbib
    """
    settings = _settings(
        db=db,
        batch_size=batch_size,
        workers=workers,
        dask_address=dask_address,
        staging_dir=staging,
    )
    if settings.dask_address and not settings.dask_address.startswith(("tcp://", "tls://")):
        raise _fail(f"--dask-address must look like tcp://HOST:PORT, not {dask_address!r}")
    _check_db_path(settings.db)
    targets = paths or [str(sample_dir())]
    _refuse_pmids(targets)
    from warehouse.inputs import discover, warehouse_own

    try:
        inputs = discover(targets)  # a path that matches nothing is a usage error, at once
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    own = warehouse_own(inputs, settings.db, settings.snapshot_path())
    if own:
        names = ", ".join(sorted({p.name for p in own}))
        errors.print(f"skipping the warehouse's own files: {names}", highlight=False)
        inputs = [p for p in inputs if p not in own]
    started, since = time.perf_counter(), datetime.now()
    try:
        results = _run_load(targets, settings, inputs)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    except BaseException as exc:
        signum = _interrupt_signal(exc)
        if signum is None:
            raise
        raise _interrupted(settings.db, inputs, since, signum) from None
    _print_load_summary(results, settings, time.perf_counter() - started)
    _exit_for(results)


def _refuse_pmids(targets: list[str]) -> None:
    """Bare PMIDs are no files: say that `fetch` downloads them."""
    pmids = [t for t in targets if t.isdigit() and not Path(t).exists()]
    if pmids:
        shown = " ".join(pmids[:5]) + (" ..." if len(pmids) > 5 else "")
        raise _fail(
            f"{shown}: no such file; these look like PMIDs: "
            f"`pubmed-warehouse fetch {shown}` downloads those records from PubMed and loads them"
        )


def _check_db_path(db: Path) -> None:
    """A warehouse path must name a file in an existing folder."""
    if db.is_dir():
        raise _fail(f"--db {db} is a folder: name a file, such as {db / 'pubmed.duckdb'}")
    if not db.parent.is_dir():
        raise _fail(f"--db {db}: the folder {db.parent} does not exist")


def _run_load(targets: list[str], settings: Settings, inputs: list[Path]) -> list[FileResult]:
    """Lock, open and load: as the Prefect flow `ingest` when an API is configured."""
    from dataclasses import replace

    from warehouse.loading.parallel import parse_pool, parse_processes
    from warehouse.runs.interrupts import stop_on_signals
    from warehouse.runs.progress import load_progress
    from warehouse.runs.writer import holding_warehouse

    local_parses = 0 if settings.dask_address else parse_processes(inputs, settings.workers)
    with (
        stop_on_signals(),
        parse_pool(local_parses),  # the parsers start up while the warehouse is opened
        holding_warehouse(settings, check_opens=True),  # a damaged warehouse fails here, cleanly
        load_progress(console, inputs) as progress,
    ):
        if settings.dask_address or prefect_api_url():
            apply_prefect_defaults()
            from flows.ingest import run_ingest

            return run_ingest(targets, settings, progress.on_records)
        from warehouse.runs.ingest import PLAIN_STEPS, ingest_files

        steps = replace(PLAIN_STEPS, load_one=progress.counting(PLAIN_STEPS.load_one))
        return ingest_files(targets, settings, progress.on_records, steps=steps)


def _interrupt_signal(exc: BaseException) -> int | None:
    """The signal behind an interrupt (Ctrl-C, SIGTERM, Prefect's termination), else None."""
    import signal

    from warehouse.runs.interrupts import received_signal

    if isinstance(exc, KeyboardInterrupt):
        return getattr(exc, "signum", signal.SIGINT)
    if type(exc).__name__ == "TerminationSignal":  # prefect.exceptions: SIGTERM in a flow run
        return exc.signal
    return received_signal()  # an error on the way out of a signalled load


def _interrupted(
    db: Path, inputs: list[Path] | None, since: datetime, signum: int, what: str = "files"
) -> typer.Exit:
    """One line saying what an interrupted load left, and the exit code of the signal.

    INPUTS None: the files were not known up front (a sync); only the committed ones are told.
    """
    import duckdb

    from warehouse.runs.interrupts import ignore_signals, load_tally

    with ignore_signals():
        try:
            committed, pending = load_tally(db, inputs, since)
        except (WarehouseError, duckdb.Error):
            committed, pending = 0, None if inputs is None else len(inputs)
    left = "" if pending is None else f", {pending} not loaded"
    errors.print(
        f"interrupted: {committed} {what} committed{left}; rerun to finish", highlight=False
    )
    return typer.Exit(128 + signum)


def _signal_name(signum: int) -> str:
    import signal

    return signal.Signals(signum).name


def _exit_for(results: list[FileResult]) -> None:
    """Exit 2 when a file failed for a storage fault, 1 when something was rejected."""
    failed = [r for r in results if r.status == FileStatus.FAILED]
    if failed:
        raise _fail(f"{failed[0].source_file} was not loaded: {failed[0].message}")
    files_rejected = sum(FileStatus(r.status).rejected_whole for r in results)
    records_rejected = sum(r.rejected for r in results if not FileStatus(r.status).rejected_whole)
    said = [f"{records_rejected} records" if records_rejected else ""]
    said.append(f"{files_rejected} files" if files_rejected else "")
    if files_rejected or records_rejected:
        what = " and ".join(s for s in said if s)
        errors.print(f"{what} rejected: see `pubmed-warehouse rejects`", highlight=False)
    if any(r.status == FileStatus.REJECTED_BEFORE for r in results):
        errors.print(
            "files marked rejected-before were rejected by an earlier load and are unchanged: "
            "fix or re-save them and load them again (changed bytes are read anew)",
            highlight=False,
        )
    if files_rejected or records_rejected:
        raise typer.Exit(EXIT_REJECTS)


LOAD_COLUMNS = ("records", "inserted", "replaced", "unchanged", "skipped", "deleted", "rejected")


def _print_load_summary(results: list[FileResult], settings: Settings, seconds: float) -> None:
    from rich.table import Table

    files_table = Table(title="files")
    for column in ("file", "status", *LOAD_COLUMNS):
        files_table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for r in results:
        counts = [str(getattr(r, column)) for column in LOAD_COLUMNS]
        if FileStatus(r.status).rejected_whole:  # the whole file: no record was read
            counts[-1] = "file"
        files_table.add_row(Path(r.source_file).name, r.status, *counts)
    console.print(files_table)
    for r in results:  # what a MeSH file replaced or why it was skipped
        mesh_loaded = (r.format or "").startswith("mesh-") and r.status == FileStatus.LOADED
        if mesh_loaded or r.status == FileStatus.SKIPPED:
            console.print(f"MeSH {Path(r.source_file).name}: {r.message}", highlight=False)
    from warehouse.readers import status as warehouse_status

    with _reading(settings) as con:
        console.print(_rows_table("rows per table", warehouse_status.table_counts(con)))
    console.print(f"{len(results)} files in {seconds:.1f} s into {settings.db}")
    if settings.snapshot_path().exists():
        console.print(f"read-only snapshot for BI tools: {settings.snapshot_path()}")


@contextmanager
def _reading(settings: Settings, snapshot: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse, or to its snapshot while a load holds it.

    DuckDB errors of a damaged file become a `StorageError`.
    """
    import duckdb

    from warehouse.db import storage_error
    from warehouse.readers.connection import open_for_reading

    con, path, note = open_for_reading(settings.db, settings.snapshot_path(), snapshot)
    if note:
        errors.print(note, highlight=False)
    try:
        yield con
    except duckdb.Error as exc:
        raise storage_error(path, exc) from exc
    finally:
        con.close()


def _rows_table(title: str, counts: dict[str, int]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    return table


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="SQL to run (several statements: ;).")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Read the SQL from a file (- for standard input)."),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="table, csv, json, jsonl, markdown or parquet. json is one document: a "
            "statement's rows as an array, several statements' as an array of arrays; jsonl is "
            "one JSON object per row and line, every statement's rows in turn.",
        ),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (parquet needs one; default: stdout)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            help=f"Show at most N rows of each result (default {DEFAULT_ROWS} for table and "
            "markdown, all for csv, json and parquet)."
        ),
    ] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Show every row.")] = False,
    overwrite: OverwriteOption = False,
    param: Annotated[
        list[str] | None,
        typer.Option(help="name=value for the SQL's `params` CTE or `set variable` (repeatable)."),
    ] = None,
    db: DbOption = None,
    snapshot: SnapshotOption = False,
) -> None:
    """Run SQL against the warehouse (read-only) and print every statement's result.

    Results stream in batches, so any size fits in memory; a table shows the first 50 rows
    (--limit N, --all), one block per row when rows are wider than the terminal.

    Example: pubmed-warehouse query --file sql/examples/top_journals.sql --param
    descriptor_name="Migraine Disorders"
    """
    from warehouse.readers.render import FORMATS

    if (sql is None) == (file is None):
        raise _fail("give either SQL or --file PATH")
    if output_format not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if output_format == "parquet" and output is None:
        raise _fail("--format parquet writes a file: add --output PATH.parquet")
    if limit is not None and (limit < 0 or all_rows):
        raise _fail("--limit takes a number of rows (0 or more), and not with --all")
    from_stdin = file is not None and str(file) == "-"
    if file is not None and not from_stdin and not file.is_file():
        raise _fail(f"--file {file} does not exist or is not a file")
    if output is not None:
        _check_output_file(output, overwrite)
    if from_stdin:
        text = sys.stdin.read()
    else:
        text = sql if sql is not None else file.read_text(encoding="utf-8")
    if limit is None and not all_rows and output_format in ("table", "markdown"):
        limit = DEFAULT_ROWS
    try:
        with _reading(_settings(db=db), snapshot) as con:
            _run_query(con, text, param or [], output_format, output, limit)
    except (WarehouseError, OSError) as exc:
        raise _fail(str(exc)) from None


def _check_output_file(output: Path, overwrite: bool) -> None:
    """--output names a new file, or an existing one with --overwrite."""
    from warehouse.destinations import check_file

    try:
        check_file(output, overwrite)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None


def _run_query(con, text: str, params: list[str], fmt: str, output: Path | None, limit) -> None:
    """Run the statements and write each result; a bad query is a usage error."""
    import duckdb

    from warehouse.readers.query import fill_params, parse_params, result_statements, run_statements

    try:
        sql = fill_params(con, text, parse_params(params))
        shown = result_statements(con, sql)
        if fmt == "parquet" and shown != 1:  # known before anything runs
            raise ConfigError(
                f"a parquet file holds one result, and this SQL gives {shown}: write one query "
                "per file, or use --format json, jsonl or csv for several"
            )
        if fmt == "json" and shown > 1:
            fmt = "json-arrays"  # one document: an array holding each statement's array
        results = list(_written(run_statements(con, sql), fmt, output, limit))
    except duckdb.Error as exc:  # every DuckDB error class: a bad query, not a bad warehouse
        raise _fail(f"query failed: {exc}") from None
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if output is not None:
        errors.print(f"wrote {sum(results):,} rows to {output}", highlight=False)


def _written(results, fmt: str, output: Path | None, limit: int | None) -> Iterator[int]:
    """Write each result in FMT (to OUTPUT or stdout); yield how many rows each had shown."""
    from warehouse.readers import render

    if fmt == "parquet":  # one result (`_run_query` checked)
        from warehouse.destinations import replacing

        with replacing(output) as part:
            rows = render.write_parquet(next(results), part, limit)
        yield rows
        return
    with _text_sink(output) as out:
        if fmt == "json-arrays":
            yield from _json_arrays(results, out, limit)
            return
        for number, result in enumerate(results):
            if number and fmt != "jsonl":
                out.write("\n")
            if fmt == "jsonl":
                yield render.write_json_lines(result, out, limit)
            elif fmt == "csv":
                yield render.write_csv(result, out, limit)
            elif fmt == "json":
                yield render.write_json(result, out, limit)
            else:
                write = render.write_markdown if fmt == "markdown" else render.write_table
                extra = () if fmt == "markdown" else (_terminal_width(),)
                shown, total = write(result, out, limit, *extra)
                out.write(_footer(shown, total))
                yield shown


def _json_arrays(results, out, limit: int | None) -> Iterator[int]:
    """Several statements' results as one JSON document: an array of each one's rows array."""
    from warehouse.readers import render

    out.write("[\n")
    for number, result in enumerate(results):
        if number:
            out.write(",\n")
        yield render.write_json(result, out, limit)
    out.write("]\n")


def _terminal_width() -> int:
    """Columns of the terminal (or $COLUMNS); 120 when the output is not a terminal."""
    import shutil

    return shutil.get_terminal_size(fallback=(120, 24)).columns


def _footer(shown: int, total: int) -> str:
    if shown < total:
        return f"showing {shown:,} of {total:,} rows (--limit N or --all for more)\n"
    return f"{total:,} row{'s' if total != 1 else ''}\n"


@contextmanager
def _text_sink(output: Path | None) -> Iterator:
    """The file named by --output, else stdout (a closed pipe, as with `| head`, ends quietly)."""
    if output is not None:  # written aside, renamed into place once whole
        from warehouse.destinations import replacing

        with replacing(output) as part, part.open("w", encoding="utf-8", newline="") as out:
            yield out
        return
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = None  # nothing more can be written; Python must not try at exit
        raise typer.Exit(EXIT_OK) from None


@app.command()
def status(db: DbOption = None, snapshot: SnapshotOption = False) -> None:
    """Show what is loaded: rows per table, files ingested, rejects and the last run.

    Example: pubmed-warehouse status --db pubmed.duckdb
    """
    from warehouse.readers import status as warehouse_status

    try:
        with _reading(_settings(db=db), snapshot) as con:
            counts = warehouse_status.table_counts(con)
            summary = warehouse_status.file_summary(con)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    console.print(_rows_table("rows per table", counts))
    for key, value in summary.items():
        console.print(f"{key}: {value}")


@app.command()
def rejects(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 100,
    snapshot: SnapshotOption = False,
) -> None:
    """List rejected records and files with file, position and reason.

    Example: pubmed-warehouse rejects --limit 20
    """
    from warehouse.readers import status as warehouse_status

    try:
        with _reading(_settings(db=db), snapshot) as con:
            _, rows = warehouse_status.rejects(con, limit)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    if not rows:
        console.print("no rejects")
        return
    for source_file, position, fmt, pmid, reason, rejected_at in rows:
        where = f"{source_file}:{position}" if position is not None else source_file
        what = "file" if position is None else "record"
        details = [what, *([fmt] if fmt else []), *([f"pmid {pmid}"] if pmid is not None else [])]
        console.print(
            f"[bold]{where}[/] ({', '.join(details)}) at {rejected_at:%Y-%m-%d %H:%M}",
            highlight=False,
        )
        console.print(f"  {reason}", markup=False, highlight=False)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write Parquet files into.")],
    db: DbOption = None,
    snapshot: SnapshotOption = False,
    overwrite: OverwriteOption = False,
) -> None:
    """Write every table and view as Parquet, for lakes and other engines.

    DIR must be new, empty or an earlier export (its manifest lists what it wrote); a rerun
    replaces that export whole. A folder holding other files is refused unless --overwrite.

    Example: pubmed-warehouse export lake/
    """
    import duckdb

    from warehouse.destinations import check_folder
    from warehouse.readers.export import export_parquet

    try:
        check_folder(directory, overwrite)  # before the warehouse is opened: answers at once
        with _reading(_settings(db=db), snapshot) as con:
            try:
                written = export_parquet(con, directory, overwrite)
            except (duckdb.IOException, OSError) as exc:
                raise _fail(f"cannot write Parquet files into {directory}: {exc}") from None
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    console.print(f"wrote {len(written)} tables and views to {directory}")


def _sync_mesh(settings: Settings, *, only: bool, started: float) -> None:
    """Sync MeSH; a failure or a rejected file exits 1 when nothing else runs."""
    results = _run_mesh_sync(settings.resolved())
    _print_load_summary(results, settings, time.perf_counter() - started)
    for r in results:
        if r.status == FileStatus.FAILED:
            errors.print(f"[bold red]failed:[/] {r.source_file}: {r.message}", markup=True)
    if only and any(r.status == FileStatus.FAILED or r.rejected for r in results):
        raise typer.Exit(EXIT_REJECTS)
    if only:
        raise typer.Exit(0)


def _run_mesh_sync(settings: Settings) -> list[FileResult]:
    """The `mesh-sync` flow when a Prefect API is configured, else its steps as plain calls."""
    if prefect_api_url():
        apply_prefect_defaults()
        from flows.mesh_sync import mesh_sync

        return mesh_sync(settings)
    from warehouse.runs.mesh_sync import sync_mesh

    return sync_mesh(settings)


@app.command()
@_with_retry_help
def sync(
    mirror: Annotated[str | None, typer.Option(help=setting_help("mirror_url"))] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Only baseline/.")] = False,
    updates: Annotated[bool, typer.Option("--updates", help="Only updatefiles/.")] = False,
    limit: Annotated[
        int | None, typer.Option(help="Download and load at most N files (default: all).")
    ] = None,
    download_dir: Annotated[Path | None, typer.Option(help=setting_help("download_dir"))] = None,
    mesh: Annotated[str | None, typer.Option(help=setting_help("mesh_url"))] = None,
    db: DbOption = None,
) -> None:
    """Download NLM files not yet ingested from a mirror, verify their .md5, load them in order.

    Without --baseline or --updates both folders are synced, the baseline first. With --mesh
    (or a MeSH URL configured) a newer MeSH year is loaded before them; --mesh alone syncs
    only MeSH. RETRIES Ctrl-C or SIGTERM stops within seconds (exit 130/143); loaded files
    stay. Runs as the Prefect flow `sync` only when a Prefect API is configured.

    Example: pubmed-warehouse sync --mirror https://ftp.ncbi.nlm.nih.gov/pubmed/ --limit 2
    """
    settings = _settings(db=db, mirror_url=mirror, download_dir=download_dir, mesh_url=mesh)
    if not settings.mirror_url and not settings.mesh_url:
        raise _fail(
            "no mirror: pass --mirror URL (or --mesh URL) or set PUBMED_WAREHOUSE_MIRROR_URL"
        )
    if limit is not None and limit < 0:
        raise _fail("--limit must be 0 or more")
    _check_db_path(settings.db)
    started, since = time.perf_counter(), datetime.now()
    from warehouse.runs.interrupts import stop_on_signals

    try:
        with stop_on_signals():
            for url in (settings.mesh_url, settings.mirror_url):
                _check_reachable(url, settings)
            if settings.mesh_url:
                _sync_mesh(settings, only=not settings.mirror_url, started=started)
            result = _run_sync(settings, baseline or not updates, updates or not baseline, limit)
    except WarehouseError as exc:
        named = [("--mirror", "MIRROR", settings.mirror_url), ("--mesh", "MESH", settings.mesh_url)]
        where = " and ".join(f"{o} (PUBMED_WAREHOUSE_{e}_URL)" for o, e, url in named if url)
        raise _fail(_with_next_step(exc, where)) from None
    except BaseException as exc:
        signum = _interrupt_signal(exc)
        if signum is None:
            raise
        raise _interrupted(settings.db, None, since, signum) from None
    _print_load_summary(result.loaded, settings, time.perf_counter() - started)
    console.print(
        f"{result.listed} files on the mirror, {result.pending} were not yet ingested; "
        f"{result.baseline_removed} PMIDs removed by a baseline rollover"
    )
    for name, reason in result.failed.items():
        errors.print(f"[bold red]failed:[/] {name}: {reason}", markup=True)
    if result.failed:
        errors.print(f"{result.not_attempted} later files wait for the next sync")
    rejected = sum(r.rejected for r in result.loaded)
    if result.failed or rejected:
        raise typer.Exit(EXIT_REJECTS)


def _run_sync(settings: Settings, baseline: bool, updates: bool, limit: int | None):
    """Sync with progress bars, holding the writer lock: as the Prefect flow `sync` when an API
    is configured, else its steps as plain calls."""
    from warehouse.runs.progress import download_progress, file_progress
    from warehouse.runs.writer import holding_warehouse

    with (
        holding_warehouse(settings),
        download_progress(console) as on_bytes,
        file_progress(console) as on_records,
    ):
        if prefect_api_url():
            apply_prefect_defaults()
            from flows.sync import sync as sync_flow

            return sync_flow(settings, baseline, updates, limit, on_bytes, on_records)
        from warehouse.runs.sync import sync_mirror

        return sync_mirror(settings, baseline, updates, limit, on_bytes, on_records)


@app.command()
@_with_retry_help
def fetch(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="PMIDs (digits), or files: a PMID list, PubMed CSV or Summary (text) save.",
            metavar="PMID|FILE",
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="NCBI API key: 10 requests/s, not 3 (env PUBMED_WAREHOUSE_NCBI_API_KEY)."
        ),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option(help="Your e-mail, sent to NCBI (env PUBMED_WAREHOUSE_NCBI_EMAIL)."),
    ] = None,
    download_dir: Annotated[Path | None, typer.Option(help="Where batch files go.")] = None,
    refetch: Annotated[
        bool, typer.Option("--refetch", help="Fetch again batches an earlier run loaded.")
    ] = False,
    db: DbOption = None,
    search: Annotated[
        str | None,
        typer.Option(help="A PubMed query: fetch every record it finds (esearch, then efetch)."),
    ] = None,
    search_file: Annotated[
        Path | None, typer.Option(help="A file holding the PubMed query (lines joined).")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="With a search: print its count and parts, fetch nothing."),
    ] = False,
) -> None:
    """Download PubMed records by PMID or query from NCBI E-utilities (efetch XML) and load them.

    Batches of up to 200 PMIDs, paced to NCBI's limit; a rerun resumes where a failed run
    stopped. PMIDs PubMed does not know are listed at the end (exit code 1). A `--search` past
    esearch's 10,000 results is split by publication date ranges; one that finds nothing exits
    1. RETRIES Ctrl-C or SIGTERM stops within seconds (exit 130/143); loaded batches stay. Runs
    as the Prefect flow `fetch` only when a Prefect API is configured.

    Example: pubmed-warehouse fetch 30034368 pmids.txt csv-mysearch-set.csv --email me@example.org

    Example: pubmed-warehouse fetch --search "migraine[mh] AND 2015:2025[dp]" --dry-run
    """
    from warehouse.sources.pmid_sources import collect_pmids

    query = _search_query(search, search_file, sources)
    if dry_run and query is None:
        raise _fail("--dry-run goes with --search or --search-file")
    settings = _settings(db=db, download_dir=download_dir)
    if not dry_run:
        _check_db_path(settings.db)
    try:
        pmids = collect_pmids(sources or []) if query is None else []
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    efetch = _efetch_settings(settings, api_key, email)
    started, since = time.perf_counter(), datetime.now()
    try:
        _check_reachable(settings.eutils_url, settings)
        if query is not None:
            plan = _search_plan(efetch, query, with_pmids=not dry_run)
            _print_search_plan(plan)
            if dry_run:
                return
            if not plan.count:
                errors.print(f"no PubMed record matches {query}: nothing fetched", markup=False)
                raise typer.Exit(EXIT_REJECTS)
            pmids = list(plan.pmids)
        result = _run_fetch(pmids, efetch, settings, refetch)
    except WarehouseError as exc:
        where = "the E-utilities URL (PUBMED_WAREHOUSE_EUTILS_URL)"
        raise _fail(_with_next_step(exc, where)) from None
    except BaseException as exc:
        signum = _interrupt_signal(exc)
        if signum is None:
            raise
        raise _interrupted(settings.db, None, since, signum, "batches") from None
    _report_fetch(result, settings, started)


def _efetch_settings(settings: Settings, api_key: str | None, email: str | None) -> EfetchSettings:
    """E-utilities settings from the options, else the settings; notes a missing e-mail."""
    from pydantic import SecretStr

    from warehouse.sources.eutils import EfetchSettings

    policy = settings.retry_policy()
    efetch = EfetchSettings(
        base_url=settings.eutils_url,
        tool=settings.ncbi_tool,
        email=email or settings.ncbi_email,
        api_key=SecretStr(api_key) if api_key else settings.ncbi_api_key,
        timeout_seconds=settings.download_timeout_seconds,
        retry_delays=policy.delays_seconds,
        retry_budget_seconds=policy.budget_seconds,
    )
    if not efetch.email:
        errors.print("note: NCBI asks for a contact address: --email or ..._NCBI_EMAIL")
    return efetch


def _report_fetch(result: FetchResult, settings: Settings, started: float) -> None:
    """A fetch's summary; exit 1 for PMIDs PubMed lacks, failed batches or rejected records."""
    _print_load_summary(result.loaded, settings, time.perf_counter() - started)
    console.print(
        f"{result.requested} PMIDs in {result.batches} batches: {result.fetched} downloaded, "
        f"{result.reused} already downloaded, {result.already_loaded} loaded before"
    )
    if result.missing:
        shown = " ".join(map(str, result.missing[:50]))
        more = f" and {len(result.missing) - 50} more" if len(result.missing) > 50 else ""
        errors.print(f"{len(result.missing)} PMIDs not in PubMed: {shown}{more}", markup=False)
    for name, reason in result.failed.items():
        errors.print(f"failed: {name}: {reason}", markup=False)
    if result.failed:
        errors.print(f"{result.not_attempted} later batches wait: rerun the same command")
    storage = [r for r in result.loaded if r.status == FileStatus.FAILED]
    if storage:  # the warehouse itself failed (full, read-only, damaged): as for `load`
        raise _fail(f"{storage[0].source_file} was not loaded: {storage[0].message}")
    rejected = sum(r.rejected for r in result.loaded)
    if result.failed or result.missing or rejected:
        raise typer.Exit(EXIT_REJECTS)


def _check_reachable(url: str | None, settings: Settings) -> None:
    """A host that does not resolve or refuses connections fails the command before it starts."""
    from warehouse.sources.retries import check_reachable

    if url:
        check_reachable(url, settings.download_timeout_seconds)


def _run_fetch(pmids: list[int], efetch, settings: Settings, refetch: bool):
    """Lock, open and fetch: as the Prefect flow `fetch` when an API is configured."""
    from warehouse.runs.interrupts import stop_on_signals
    from warehouse.runs.progress import file_progress
    from warehouse.runs.writer import holding_warehouse

    with (
        stop_on_signals(),
        holding_warehouse(settings),
        file_progress(console) as on_records,
    ):
        if prefect_api_url():
            apply_prefect_defaults()
            from flows.fetch import fetch as fetch_flow

            return fetch_flow(pmids, efetch, settings, refetch=refetch, on_records=on_records)
        from warehouse.runs.fetch import fetch_records

        return fetch_records(pmids, efetch, settings, refetch, on_records)


def _with_next_step(exc: WarehouseError, where: str) -> str:
    """An error's message; for a host that cannot be reached, also what to check."""
    from warehouse.errors import HostUnreachable

    if not isinstance(exc, HostUnreachable):
        return str(exc)
    return (
        f"{exc}: check the network connection and {where}, then run the same command again "
        "(it resumes after what was loaded)"
    )


def _search_query(
    search: str | None, search_file: Path | None, sources: list[str] | None
) -> str | None:
    """The query of `--search` or `--search-file` (its lines joined), or None for PMIDs."""
    if search is not None and search_file is not None:
        raise _fail("give --search or --search-file, not both")
    if search_file is not None:
        if not search_file.is_file():
            raise _fail(f"{search_file}: no such file")
        search = " ".join(search_file.read_text(encoding="utf-8").split())
    if search is None:
        return None
    if sources:
        raise _fail("give PMIDs and files, or a search, not both")
    if not search.strip():
        raise _fail("the search query is empty")
    return search.strip()


def _search_plan(efetch: EfetchSettings, query: str, with_pmids: bool) -> SearchPlan:
    """esearch's plan of the query (count, date parts, their PMIDs); stops on Ctrl-C/SIGTERM."""
    from warehouse.runs.interrupts import stop_on_signals
    from warehouse.sources.esearch import search

    with stop_on_signals():
        return search(efetch, query, with_pmids=with_pmids)


def _print_search_plan(plan: SearchPlan) -> None:
    """The search's count, its parts, and whether the parts add up to the count."""
    console.print(f"{plan.count:,} records found by {plan.query}", markup=False, highlight=False)
    if plan.count > 10_000:
        for part in plan.parts:
            console.print(f"  {part.label}: {part.count:,}", markup=False, highlight=False)
    if plan.shortfall:
        errors.print(
            f"the {len(plan.parts)} parts by publication date reach {plan.parts_count:,} of "
            f"{plan.count:,} records: {plan.shortfall:,} have no publication date in the "
            "searched span or fall on a day of more than 10,000; they are not fetched",
            markup=False,
        )
    elif len(plan.parts) > 1:
        console.print(f"the {len(plan.parts)} parts add up to {plan.count:,}")


@app.command()
def serve(
    mirror: Annotated[str | None, typer.Option(help=setting_help("mirror_url"))] = None,
    sync_cron: Annotated[str | None, typer.Option(help=setting_help("sync_cron"))] = None,
    inbox_interval: Annotated[
        int | None, typer.Option(help=setting_help("inbox_interval_seconds"))
    ] = None,
    inbox: Annotated[Path | None, typer.Option(help=setting_help("inbox_dir"))] = None,
    db: DbOption = None,
) -> None:
    """Deploy the sync and inbox flows to the Prefect server at PREFECT_API_URL and serve them.

    Runs until stopped by Ctrl-C (exit 130) or SIGTERM (exit 143); flow runs in progress are
    cancelled. The runs and their logs show in the server's UI.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api pubmed-warehouse serve --mirror URL
    """
    settings = _settings(
        db=db,
        mirror_url=mirror,
        sync_cron=sync_cron,
        inbox_interval_seconds=inbox_interval,
        inbox_dir=inbox,
    )
    if not prefect_api_url():
        raise _fail(
            "no Prefect server: start one with `prefect server start --port PORT` and set "
            "PREFECT_API_URL=http://127.0.0.1:PORT/api"
        )
    apply_prefect_defaults()
    from flows.deployments import serve_deployments

    if not settings.mirror_url:
        errors.print("no mirror URL: serving the inbox deployment only")

    def started(names: list[str]) -> None:
        console.print(f"serving {', '.join(names)} from {prefect_api_url()} (Ctrl-C to stop)")
        sys.stdout.flush()

    signum = serve_deployments(settings, started)
    errors.print(f"serve stopped ({_signal_name(signum)})", highlight=False)
    raise typer.Exit(128 + signum)


@app.command("serve-sql")
def serve_sql(
    host: Annotated[
        str | None, typer.Option(help=setting_help("sql_host", "Address to listen on."))
    ] = None,
    port: Annotated[
        int | None, typer.Option(help=setting_help("sql_port", "Port (0: any free port)."))
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help=setting_help("sql_tls_cert", "PEM certificate for TLS."))
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help=setting_help("sql_tls_key", "PEM key of the certificate."))
    ] = None,
    require_tls: Annotated[
        bool | None,
        typer.Option(
            "--require-tls/--allow-plain",
            help=setting_help("sql_require_tls", "Refuse clients that do not encrypt."),
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the readers' copy over the PostgreSQL wire protocol, read-only, until stopped.

    For BI tools that speak only PostgreSQL (Tableau, Power BI, Grafana, ODBC). User
    PUBMED_WAREHOUSE_SQL_USER (default pubmed), password PUBMED_WAREHOUSE_SQL_PASSWORD
    (required). Each load's new readers' copy is served without a restart. With --tls-cert and
    --tls-key clients may encrypt (sslmode=require); --require-tls refuses those that do not.
    Serve beyond loopback (--host) only with TLS.

    Example: PUBMED_WAREHOUSE_SQL_PASSWORD=secret pubmed-warehouse serve-sql --port 5433
    """
    from warehouse.serving.listener import serve
    from warehouse.serving.sql_server import ServerConfig

    settings = _settings(
        db=db, sql_tls_cert=tls_cert, sql_tls_key=tls_key, sql_require_tls=require_tls
    )
    if settings.sql_password is None or not settings.sql_password.get_secret_value():
        raise _fail("set PUBMED_WAREHOUSE_SQL_PASSWORD: serve-sql never runs without a password")
    config = ServerConfig(
        copy=settings.snapshot_path(),
        user=settings.sql_user,
        password=settings.sql_password.get_secret_value(),
        host=host or settings.sql_host,
        port=settings.sql_port if port is None else port,
        tls_cert=settings.sql_tls_cert,
        tls_key=settings.sql_tls_key,
        require_tls=settings.sql_require_tls,
    )

    def listening(address: str, bound: int) -> None:
        tls = (
            "TLS required" if config.require_tls else "TLS offered" if config.tls_cert else "no TLS"
        )
        console.print(f"serving {config.copy} on {address}:{bound} (read-only, {tls})")
        sys.stdout.flush()

    try:
        signum = serve(config, listening)
    except (WarehouseError, OSError) as exc:
        raise _fail(str(exc)) from None
    errors.print(f"serve-sql stopped ({_signal_name(signum)})", highlight=False)
    raise typer.Exit(128 + signum)


@app.command()
def report(
    out: Annotated[Path, typer.Argument(help="HTML file to write.")],
    term: Annotated[
        str | None,
        typer.Option(
            "--term",
            help="MeSH descriptor, any case: add its articles, trend and co-occurring terms.",
        ),
    ] = None,
    check_tags: Annotated[
        bool,
        typer.Option(
            "--check-tags/--no-check-tags",
            help="Start with MeSH check tags (Humans, Female, ...) shown in descriptor charts; "
            "the page has a switch either way.",
        ),
    ] = False,
    db: DbOption = None,
    snapshot: SnapshotOption = False,
    overwrite: OverwriteOption = False,
) -> None:
    """Write a self-contained HTML report with charts and tables (works offline).

    Articles per year, top descriptors, substances, journals, countries of affiliation and
    authors (by ORCID where present), articles under the MeSH tree (when a MeSH descriptor file is
    loaded), citations within the warehouse and retracted articles' citations, the file ledger and
    how current the data is; with --term, that descriptor's articles (PubMed and DOI links), trend
    against all articles, its MeSH tree nodes and the descriptors and substances indexed with it,
    year by year.

    OUT must be a new file or a report written before; anything else needs --overwrite.

    Example: pubmed-warehouse report report.html --term "migraine disorders"
    """
    from warehouse.destinations import check_file, replacing
    from warehouse.report.sections import is_report, render_report
    from warehouse.runs.interrupts import stop_on_signals

    try:
        check_file(out, overwrite, owned=is_report)  # an earlier report is replaced, nothing else
        with stop_on_signals(), _reading(_settings(db=db), snapshot) as con:
            page = render_report(con, term, include_check_tags=check_tags)
            with replacing(out) as part:  # a report cut short is never left at OUT
                part.write_text(page, encoding="utf-8")
    except (WarehouseError, OSError) as exc:
        raise _fail(str(exc)) from None
    except BaseException as exc:
        signum = _interrupt_signal(exc)
        if signum is None:
            raise
        errors.print(f"interrupted: {out} not written", highlight=False)
        raise typer.Exit(128 + signum) from None
    console.print(f"wrote {out}")


@app.command()
def check(db: DbOption = None, snapshot: SnapshotOption = False) -> None:
    """Verify the warehouse's invariants (keys, parents, ledger totals); exit 1 if one fails.

    Each invariant is a query in sql/checks/ that returns its violating rows.

    Example: pubmed-warehouse check --db pubmed.duckdb
    """
    from rich.table import Table

    from warehouse.readers.checks import run_checks

    try:
        with _reading(_settings(db=db), snapshot) as con:
            results = run_checks(con)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    table = Table(title="invariants")
    for column in ("check", "result", "violations"):
        table.add_column(column, justify="right" if column == "violations" else "left")
    for r in results:
        table.add_row(r.name, "ok" if r.passed else "[bold red]FAILED[/]", str(r.violations))
    console.print(table)
    failed = [r for r in results if not r.passed]
    for r in failed:
        errors.print(f"[bold red]{r.name}[/]: {r.description}")
        errors.print(f"  first violating rows ({', '.join(r.columns)}):", markup=False)
        for row in r.examples:
            errors.print(f"    {row}", markup=False)
    if failed:
        errors.print(f"{len(failed)} of {len(results)} invariants failed")
        raise typer.Exit(EXIT_REJECTS)
    console.print(f"all {len(results)} invariants hold")


def main() -> None:
    from warehouse.runs.interrupts import SIGNAL_EXIT_CODES, exit_stopped

    try:
        app()
    except SystemExit as exc:
        if exc.code in SIGNAL_EXIT_CODES:
            exit_stopped(exc.code)
        raise
