"""What each setting is: its default, its words and its bounds, in plain Python.

`warehouse.config.Settings` declares its fields from this table, and the command line's help
reads it without importing pydantic (so `--help` and `--version` answer at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warehouse.sources.retries import DEFAULT_BUDGET_SECONDS, DEFAULT_DELAYS_SECONDS, RetryPolicy

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
MAX_BATCH_PMIDS = 200
"""NCBI's most PMIDs per efetch request. Both live here, not in `warehouse.sources.eutils`, so that
reading the settings (every command, `--help` too) does not import the HTTP client."""
ENV_PREFIX = "PUBMED_WAREHOUSE_"


@dataclass(frozen=True)
class SettingField:
    """A setting's default, what it sets, and its numeric bounds (pydantic's ge, gt, le)."""

    default: object
    description: str
    bounds: dict[str, float] = field(default_factory=dict)


FIELDS: dict[str, SettingField] = {
    "db": SettingField(
        Path("pubmed.duckdb"),
        "Warehouse DuckDB file.",
    ),
    "snapshot": SettingField(
        None,
        "Read-only copy for BI tools, published after each load "
        "(default: NAME.snapshot.duckdb beside the warehouse NAME.duckdb).",
    ),
    "batch_size": SettingField(
        1000,
        "Records parsed per batch (bounds memory).",
        {"ge": 1},
    ),
    "lock_timeout_seconds": SettingField(
        10.0,
        "How long a second writer waits for the lock (0: fail at once).",
        {"ge": 0},
    ),
    "workers": SettingField(
        None,
        "Parallel parse processes (None: one per core for inputs of 8 MiB or more).",
        {"ge": 1},
    ),
    "staging_dir": SettingField(
        None,
        "Staging folder for parallel parses.",
    ),
    "dask_address": SettingField(
        None,
        "Dask scheduler (tcp://HOST:PORT) that parses files (prefect-dask).",
    ),
    "load_memory_limit": SettingField(
        "200MB",
        "DuckDB memory limit while loading (it spills beyond it).",
    ),
    "apply_chunk_pmids": SettingField(
        2000,
        "A file replacing or deleting more PMIDs than this, whose removals would pin more than "
        "APPLY_CHUNK_ABOVE_MIB in one transaction, is applied in transactions of at most this "
        "many, and a publish removes the readers' copy's records of at most this many PMIDs per "
        "transaction (bounds the memory DuckDB pins until each commits).",
        {"ge": 1},
    ),
    "apply_chunk_above_mib": SettingField(
        1024.0,
        "Memory (MiB) a file's removals may pin in one transaction before it is applied in "
        "chunks (chunks cost 1.5-3x the CPU; 0: chunk whenever APPLY_CHUNK_PMIDS is passed).",
        {"ge": 0},
    ),
    "aggregate_batch_pmids": SettingField(
        150_000,
        "A run adds the aggregates' contribution of the PMIDs its files insert for several files "
        "at once: when more than this many are pending, and before it publishes (bounds the "
        "memory of that add; 0: in each file's transaction).",
        {"ge": 0},
    ),
    "mirror_url": SettingField(
        None,
        "NLM mirror root (baseline/, updatefiles/).",
    ),
    "mesh_url": SettingField(
        None,
        "NLM MeSH folder (xmlmesh/) whose current year sync loads.",
    ),
    "download_dir": SettingField(
        Path("downloads"),
        "Where sync keeps downloads.",
    ),
    "inbox_dir": SettingField(
        Path("inbox"),
        "Folder watched for new files.",
    ),
    "sync_cron": SettingField(
        "0 6 * * *",
        "Schedule of the sync deployment.",
    ),
    "inbox_interval_seconds": SettingField(
        300,
        "Inbox watch interval.",
        {"ge": 10},
    ),
    "inbox_settle_seconds": SettingField(
        10.0,
        "An inbox file modified more recently than this is left for later.",
        {"ge": 0},
    ),
    "download_timeout_seconds": SettingField(
        60.0,
        "HTTP connect/read timeout.",
        {"gt": 0},
    ),
    "download_retries": SettingField(
        3,
        "Retries of a request whose answer can change (429, 5xx, a broken transfer); "
        "a host that does not resolve or refuses connections is not retried.",
        {"ge": 0},
    ),
    "retry_delays_seconds": SettingField(
        DEFAULT_DELAYS_SECONDS,
        "Waits before retry 1, 2, 3, ... (the last repeats).",
    ),
    "retry_budget_seconds": SettingField(
        DEFAULT_BUDGET_SECONDS,
        "Most time spent waiting to retry one request, in all.",
        {"ge": 0},
    ),
    "keep_downloads": SettingField(
        False,
        "Keep downloaded files after loading them.",
    ),
    "eutils_url": SettingField(
        DEFAULT_EUTILS_URL,
        "NCBI E-utilities root (efetch.fcgi is fetched below it).",
    ),
    "ncbi_api_key": SettingField(
        None,
        "NCBI API key: 10 requests/s instead of 3 (never logged).",
    ),
    "ncbi_email": SettingField(
        None,
        "Contact e-mail sent to NCBI with requests.",
    ),
    "ncbi_tool": SettingField(
        "pubmed-warehouse",
        "Tool name sent to NCBI.",
    ),
    "efetch_batch_size": SettingField(
        MAX_BATCH_PMIDS,
        "PMIDs per efetch request.",
        {"ge": 1, "le": MAX_BATCH_PMIDS},
    ),
    "sql_host": SettingField(
        "127.0.0.1",
        "Address serve-sql listens on.",
    ),
    "sql_port": SettingField(
        5433,
        "Port of serve-sql (0: any free).",
        {"ge": 0, "le": 65535},
    ),
    "sql_user": SettingField(
        "pubmed",
        "User name serve-sql accepts.",
    ),
    "sql_password": SettingField(
        None,
        "Password serve-sql requires (SCRAM-SHA-256); it will not start without.",
    ),
    "sql_tls_cert": SettingField(
        None,
        "PEM certificate (chain) serve-sql offers to clients asking for TLS.",
    ),
    "sql_tls_key": SettingField(
        None,
        "PEM private key of the TLS certificate.",
    ),
    "sql_require_tls": SettingField(
        False,
        "Refuse clients that do not encrypt (needs the TLS certificate and key).",
    ),
}


def setting_help(name: str, text: str | None = None, default: str | None = None) -> str:
    """An option's help: what it sets, its environment variable and its default."""
    field = FIELDS[name]
    shown = default or ("none" if field.default is None else str(field.default))
    return f"{text or field.description} (env {ENV_PREFIX}{name.upper()}, default {shown})"


def retry_policy(
    retries: int, delays_seconds: tuple[float, ...], budget_seconds: float
) -> RetryPolicy:
    """RETRIES waits, stepping through DELAYS_SECONDS (the last repeats), within the budget."""
    steps = delays_seconds or (0.0,)
    delays = tuple(steps[min(i, len(steps) - 1)] for i in range(retries))
    return RetryPolicy(delays, budget_seconds)


def default_retry_policy() -> RetryPolicy:
    """The retry policy of the defaults, for help texts."""
    return retry_policy(
        FIELDS["download_retries"].default,
        FIELDS["retry_delays_seconds"].default,
        FIELDS["retry_budget_seconds"].default,
    )
