"""The `pubmed-warehouse` command: a thin layer over the flows and the core.

`load` and `sync` run Prefect flows and `serve` serves them as scheduled deployments; `query`,
`status`, `rejects`, `export` and `report` open the warehouse directly and never start Prefect.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from warehouse import status as warehouse_status
from warehouse.config import Settings, apply_prefect_defaults
from warehouse.db import connect, storage_error
from warehouse.errors import WarehouseError
from warehouse.inputs import discover
from warehouse.lock import writer_lock

app = typer.Typer(
    help="Load PubMed records (XML, MEDLINE, abstract text) into a DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file [env PUBMED_WAREHOUSE_DB, default pubmed.duckdb]."),
]


def _settings(db: Path | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"db": db}) if db else settings


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def sample_dir() -> Path:
    """The bundled sample of real NCBI records shipped inside the package."""
    return Path(str(files("warehouse") / "sample"))


@app.command()
def load(
    paths: Annotated[list[str] | None, typer.Argument(help="Files, folders or globs.")] = None,
    db: DbOption = None,
    batch_size: Annotated[int | None, typer.Option(help="Records per batch.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Parse files in this many processes [env ..._WORKERS].")
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Parse on this Dask cluster (tcp://HOST:PORT) via prefect-dask."),
    ] = None,
    staging: Annotated[
        Path | None,
        typer.Option(help="Staging folder for parallel parses; every Dask worker must reach it."),
    ] = None,
) -> None:
    """Load files of any supported format (detected from content, .gz transparent).

    With no PATH, loads the bundled sample. Inputs of 8 MiB or more parse in child processes,
    one per core (--workers N to choose), and one writer applies them in file order, so no
    process holds both a parser and DuckDB; --dask-address runs the parses on a Dask cluster.

    Example: pubmed-warehouse load pubmed26n0001.xml.gz exports/*.nbib
    """
    apply_prefect_defaults()
    from flows.ingest import run_ingest
    from warehouse.progress import file_progress

    settings = _settings(db)
    workers = workers or settings.workers
    if workers is not None and workers < 1:
        raise _fail("--workers must be 1 or more")
    if dask_address is not None and not dask_address.startswith(("tcp://", "tls://")):
        raise _fail(f"--dask-address must look like tcp://HOST:PORT, not {dask_address!r}")
    staging = staging or settings.staging_dir
    targets = paths or [str(sample_dir())]
    started = time.perf_counter()
    try:
        discover(targets)  # a path that matches nothing is a usage error before Prefect starts
        with writer_lock(settings.db, settings.lock_timeout_seconds):
            connect(settings.db).close()  # a damaged or unwritable warehouse fails here, cleanly
            with file_progress(console) as on_records:
                results = run_ingest(
                    targets,
                    str(settings.db),
                    batch_size=batch_size or settings.batch_size,
                    workers=workers,
                    dask_address=dask_address,
                    staging=str(staging) if staging else None,
                    memory_limit=settings.load_memory_limit,
                    on_records=on_records,
                    snapshot=str(settings.snapshot_path()),
                    lock_timeout_seconds=settings.lock_timeout_seconds,
                )
            _print_load_summary(results, settings.db, time.perf_counter() - started)
    except (WarehouseError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise _fail(f"{failed[0].source_file} was not loaded: {failed[0].message}")
    if settings.snapshot_path().exists():
        console.print(f"read-only snapshot for BI tools: {settings.snapshot_path()}")
    rejected = sum(r.rejected for r in results)
    if rejected:
        errors.print(f"{rejected} records rejected: see `pubmed-warehouse rejects`")
        raise typer.Exit(EXIT_REJECTS)


def _print_load_summary(results, db: Path, seconds: float) -> None:
    files_table = Table(title="files")
    for column in (
        "file",
        "status",
        "records",
        "inserted",
        "replaced",
        "unchanged",
        "skipped",
        "deleted",
        "rejected",
    ):
        files_table.add_column(column, justify="left" if column in ("file", "status") else "right")
    for r in results:
        files_table.add_row(
            Path(r.source_file).name,
            r.status,
            *(
                str(v)
                for v in (
                    r.records,
                    r.inserted,
                    r.replaced,
                    r.unchanged,
                    r.skipped,
                    r.deleted,
                    r.rejected,
                )
            ),
        )
    console.print(files_table)
    with _reading(db) as con:
        console.print(_rows_table("rows per table", warehouse_status.table_counts(con)))
    console.print(f"{len(results)} files in {seconds:.1f} s into {db}")


@contextmanager
def _reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; DuckDB errors of a damaged file become a `StorageError`."""
    con = connect(db, read_only=True)
    try:
        yield con
    except duckdb.Error as exc:
        raise storage_error(db, exc) from exc
    finally:
        con.close()


def _rows_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    return table


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="SQL to run.")] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Read the SQL from a file."),
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Run SQL against the warehouse (read-only) and print the result.

    Example: pubmed-warehouse query "select pub_year, count(*) from articles group by all"
    """
    if (sql is None) == (file is None):
        raise _fail("give either SQL or --file PATH")
    if output not in ("table", "csv", "json"):
        raise _fail(f"--format must be table, csv or json, not {output!r}")
    if file is not None and not file.is_file():
        raise _fail(f"--file {file} does not exist or is not a file")
    text = sql if sql is not None else file.read_text(encoding="utf-8")
    try:
        con = connect(_settings(db).db, read_only=True)
        try:
            result = con.execute(text)
            columns = [d[0] for d in result.description or []]
            rows = result.fetchall()
        finally:
            con.close()
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    except duckdb.Error as exc:  # every DuckDB error class: a bad query, not a bad warehouse
        raise _fail(f"query failed: {exc}") from None
    _print_rows(columns, rows, output)


def _print_rows(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, default=str, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table()
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


@app.command()
def status(db: DbOption = None) -> None:
    """Show what is loaded: rows per table, files ingested, rejects and the last run.

    Example: pubmed-warehouse status --db pubmed.duckdb
    """
    try:
        with _reading(_settings(db).db) as con:
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
) -> None:
    """List rejected records and files with file, position and reason.

    Example: pubmed-warehouse rejects --limit 20
    """
    try:
        with _reading(_settings(db).db) as con:
            _, rows = warehouse_status.rejects(con, limit)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    if not rows:
        console.print("no rejects")
        return
    for source_file, position, fmt, pmid, reason, rejected_at in rows:
        where = (
            f"{source_file}:{position}" if position is not None else f"{source_file} (whole file)"
        )
        console.print(
            f"[bold]{where}[/] format={fmt} pmid={pmid} at {rejected_at:%Y-%m-%d %H:%M}",
            soft_wrap=True,
        )
        console.print(f"  {reason}", soft_wrap=True, markup=False)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write Parquet files into.")],
    db: DbOption = None,
) -> None:
    """Write every table and view as Parquet, for lakes and other engines.

    Example: pubmed-warehouse export lake/
    """
    from warehouse.export import export_parquet

    try:
        with _reading(_settings(db).db) as con:
            try:
                written = export_parquet(con, directory)
            except (duckdb.IOException, OSError) as exc:
                raise _fail(f"cannot write Parquet files into {directory}: {exc}") from None
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    console.print(f"wrote {len(written)} tables and views to {directory}")


@app.command()
def sync(
    mirror: Annotated[
        str | None,
        typer.Option(
            help="Mirror root holding baseline/ and updatefiles/ [env PUBMED_WAREHOUSE_MIRROR_URL]."
        ),
    ] = None,
    baseline: Annotated[bool, typer.Option("--baseline", help="Only baseline/.")] = False,
    updates: Annotated[bool, typer.Option("--updates", help="Only updatefiles/.")] = False,
    limit: Annotated[int | None, typer.Option(help="Download and load at most N files.")] = None,
    download_dir: Annotated[Path | None, typer.Option(help="Where downloads go.")] = None,
    db: DbOption = None,
) -> None:
    """Download NLM files not yet ingested from a mirror, verify their .md5, load them in order.

    Without --baseline or --updates both folders are synced, the baseline first.

    Example: pubmed-warehouse sync --mirror https://ftp.ncbi.nlm.nih.gov/pubmed/ --limit 2
    """
    apply_prefect_defaults()
    from flows.sync import sync as sync_flow
    from warehouse.progress import download_progress, file_progress

    settings = _settings(db)
    mirror_url = mirror or settings.mirror_url
    if not mirror_url:
        raise _fail("no mirror: pass --mirror URL or set PUBMED_WAREHOUSE_MIRROR_URL")
    if limit is not None and limit < 0:
        raise _fail("--limit must be 0 or more")
    started = time.perf_counter()
    try:
        with (
            writer_lock(settings.db, settings.lock_timeout_seconds),
            download_progress(console) as on_bytes,
            file_progress(console) as on_records,
        ):
            result = sync_flow(
                mirror_url,
                db=str(settings.db),
                download_dir=str(download_dir or settings.download_dir),
                baseline=baseline or not updates,
                updates=updates or not baseline,
                limit=limit,
                batch_size=settings.batch_size,
                timeout_seconds=settings.download_timeout_seconds,
                retries=settings.download_retries,
                keep_downloads=settings.keep_downloads,
                on_bytes=on_bytes,
                on_records=on_records,
                snapshot=str(settings.snapshot_path()),
                lock_timeout_seconds=settings.lock_timeout_seconds,
            )
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    _print_load_summary(result.loaded, settings.db, time.perf_counter() - started)
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


@app.command()
def serve(
    mirror: Annotated[
        str | None, typer.Option(help="Mirror root for the sync deployment [env ..._MIRROR_URL].")
    ] = None,
    sync_cron: Annotated[
        str | None, typer.Option(help="Cron of the sync deployment [default 0 6 * * *].")
    ] = None,
    inbox_interval: Annotated[
        int | None, typer.Option(help="Seconds between inbox runs [default 300].")
    ] = None,
    inbox: Annotated[Path | None, typer.Option(help="Inbox folder [default inbox].")] = None,
    db: DbOption = None,
) -> None:
    """Deploy the sync and inbox flows to the Prefect server at PREFECT_API_URL and serve them.

    Runs until stopped (Ctrl-C); the runs and their logs show in the server's UI.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api pubmed-warehouse serve --mirror URL
    """
    apply_prefect_defaults()
    from prefect.settings import get_current_settings

    from flows.deployments import serve_deployments

    if not get_current_settings().api.url:
        raise _fail(
            "no Prefect server: start one with `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    updates = {
        "mirror_url": mirror,
        "sync_cron": sync_cron,
        "inbox_interval_seconds": inbox_interval,
        "inbox_dir": inbox,
    }
    try:
        settings = Settings.model_validate(
            {**_settings(db).model_dump(), **{k: v for k, v in updates.items() if v is not None}}
        )
    except ValueError as exc:
        raise _fail(f"bad setting: {exc}") from None
    if not settings.mirror_url:
        errors.print("no mirror URL: serving the inbox deployment only")
    serve_deployments(settings)


@app.command()
def report(
    out: Annotated[Path, typer.Argument(help="HTML file to write.")],
    term: Annotated[
        str | None,
        typer.Option("--term", help="MeSH descriptor: add its co-occurring terms over time."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a self-contained HTML report with charts (works offline, no downloads).

    Articles per year, top descriptors and substances; with --term, the descriptors and
    substances indexed with that descriptor, year by year.

    Example: pubmed-warehouse report report.html --term "Migraine Disorders"
    """
    from warehouse.report import render_report

    try:
        with _reading(_settings(db).db) as con:
            page = render_report(con, term)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    out.write_text(page, encoding="utf-8")
    console.print(f"wrote {out}")


@app.command()
def check(db: DbOption = None) -> None:
    """Verify the warehouse's invariants (keys, parents, ledger totals); exit 1 if one fails.

    Each invariant is a query in sql/checks/ that returns its violating rows.

    Example: pubmed-warehouse check --db pubmed.duckdb
    """
    from warehouse.checks import run_checks

    try:
        with _reading(_settings(db).db) as con:
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
    app()
