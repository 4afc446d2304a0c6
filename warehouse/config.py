"""Settings: one typed object, read from the environment (`PUBMED_WAREHOUSE_*`) and `.env`."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from warehouse.retries import DEFAULT_BUDGET_SECONDS, DEFAULT_DELAYS_SECONDS, RetryPolicy

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
MAX_BATCH_PMIDS = 200
"""NCBI's most PMIDs per efetch request. Both live here, not in `warehouse.eutils`, so that
reading the settings (every command, `--help` too) does not import the HTTP client."""


class Settings(BaseSettings):
    """Everything a run can be configured with; passed down as a parameter, never re-read."""

    model_config = SettingsConfigDict(
        env_prefix="PUBMED_WAREHOUSE_", env_file=".env", extra="ignore"
    )

    db: Path = Field(Path("pubmed.duckdb"), description="Warehouse DuckDB file.")
    snapshot: Path | None = Field(
        None,
        description="Read-only copy for BI tools, published after each load "
        "(default: NAME.snapshot.duckdb beside the warehouse NAME.duckdb).",
    )
    batch_size: int = Field(1000, ge=1, description="Records parsed per batch (bounds memory).")
    lock_timeout_seconds: float = Field(
        10.0, ge=0, description="How long a second writer waits for the lock (0: fail at once)."
    )
    workers: int | None = Field(
        None,
        ge=1,
        description="Parallel parse processes (None: one per core for inputs of 8 MiB or more).",
    )
    staging_dir: Path | None = Field(None, description="Staging folder for parallel parses.")
    dask_address: str | None = Field(
        None, description="Dask scheduler (tcp://HOST:PORT) that parses files (prefect-dask)."
    )
    load_memory_limit: str = Field(
        "200MB", description="DuckDB memory limit while loading (it spills beyond it)."
    )
    mirror_url: str | None = Field(None, description="NLM mirror root (baseline/, updatefiles/).")
    mesh_url: str | None = Field(
        None, description="NLM MeSH folder (xmlmesh/) whose current year sync loads."
    )
    download_dir: Path = Field(Path("downloads"), description="Where sync keeps downloads.")
    inbox_dir: Path = Field(Path("inbox"), description="Folder watched for new files.")
    sync_cron: str = Field("0 6 * * *", description="Schedule of the sync deployment.")
    inbox_interval_seconds: int = Field(300, ge=10, description="Inbox watch interval.")
    inbox_settle_seconds: float = Field(
        10.0, ge=0, description="An inbox file modified more recently than this is left for later."
    )
    download_timeout_seconds: float = Field(60.0, gt=0, description="HTTP connect/read timeout.")
    download_retries: int = Field(
        3,
        ge=0,
        description="Retries of a request whose answer can change (429, 5xx, a broken transfer); "
        "a host that does not resolve or refuses connections is not retried.",
    )
    retry_delays_seconds: tuple[float, ...] = Field(
        DEFAULT_DELAYS_SECONDS, description="Waits before retry 1, 2, 3, ... (the last repeats)."
    )
    retry_budget_seconds: float = Field(
        DEFAULT_BUDGET_SECONDS,
        ge=0,
        description="Most time spent waiting to retry one request, in all.",
    )
    keep_downloads: bool = Field(False, description="Keep downloaded files after loading them.")
    eutils_url: str = Field(
        DEFAULT_EUTILS_URL,
        description="NCBI E-utilities root (efetch.fcgi is fetched below it).",
    )
    ncbi_api_key: SecretStr | None = Field(
        None, description="NCBI API key: 10 requests/s instead of 3 (never logged)."
    )
    ncbi_email: str | None = Field(None, description="Contact e-mail sent to NCBI with requests.")
    ncbi_tool: str = Field("pubmed-warehouse", description="Tool name sent to NCBI.")
    efetch_batch_size: int = Field(
        MAX_BATCH_PMIDS, ge=1, le=MAX_BATCH_PMIDS, description="PMIDs per efetch request."
    )
    sql_host: str = Field("127.0.0.1", description="Address serve-sql listens on.")
    sql_port: int = Field(5433, ge=0, le=65535, description="Port of serve-sql (0: any free).")
    sql_user: str = Field("pubmed", description="User name serve-sql accepts.")
    sql_password: SecretStr | None = Field(
        None, description="Password serve-sql requires (SCRAM-SHA-256); it will not start without."
    )
    sql_tls_cert: Path | None = Field(
        None, description="PEM certificate (chain) serve-sql offers to clients asking for TLS."
    )
    sql_tls_key: Path | None = Field(None, description="PEM private key of the TLS certificate.")
    sql_require_tls: bool = Field(
        False, description="Refuse clients that do not encrypt (needs the TLS certificate and key)."
    )

    def snapshot_path(self) -> Path:
        """Where the read-only snapshot is published: the setting, else beside the warehouse."""
        from warehouse.snapshot import default_snapshot_path

        return self.snapshot or default_snapshot_path(self.db)

    def retry_policy(self) -> RetryPolicy:
        """The one retry policy of every download: `download_retries` waits, within the budget."""
        steps = self.retry_delays_seconds or (0.0,)
        delays = tuple(steps[min(i, len(steps) - 1)] for i in range(self.download_retries))
        return RetryPolicy(delays, self.retry_budget_seconds)

    def resolved(self) -> Settings:
        """The same settings with every path absolute (for runs started from another folder)."""
        paths = ("db", "staging_dir", "download_dir", "inbox_dir")
        update = {name: getattr(self, name).resolve() for name in paths if getattr(self, name)}
        return self.model_copy(update={**update, "snapshot": self.snapshot_path().resolve()})


PREFECT_DEFAULTS = {
    # The temporary API a flow starts without PREFECT_API_URL must not phone home (offline).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # On a busy machine the temporary API can take longer than Prefect's default 20 s to start.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_prefect_defaults() -> None:
    """Set Prefect's environment defaults before Prefect is imported (user values win)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def prefect_api_url() -> str | None:
    """The Prefect API runs report to: `PREFECT_API_URL`, else the active Prefect profile's.

    Read without importing Prefect (which takes seconds): the environment first, then
    `profiles.toml` in `PREFECT_HOME` (default `~/.prefect`), as Prefect itself does; when
    Prefect is already imported (a test harness, an embedding program), its current settings.
    """
    if "prefect.settings" in sys.modules:  # Prefect already loaded here: its live settings rule
        return sys.modules["prefect.settings"].get_current_settings().api.url or None
    if "PREFECT_API_URL" in os.environ:
        return os.environ["PREFECT_API_URL"] or None
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        document = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or document.get("active", "ephemeral")
    profile = document.get("profiles", {}).get(active, {})
    return profile.get("PREFECT_API_URL") or None
