"""Settings: one typed object, read from the environment (`PUBMED_WAREHOUSE_*`) and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from warehouse.setting_fields import (
    DEFAULT_EUTILS_URL,
    ENV_PREFIX,
    FIELDS,
    MAX_BATCH_PMIDS,
    retry_policy,
)
from warehouse.sources.retries import RetryPolicy

__all__ = ["DEFAULT_EUTILS_URL", "MAX_BATCH_PMIDS", "Settings"]


def setting(name: str):
    """The pydantic field of a setting, from `warehouse.setting_fields.FIELDS`."""
    field = FIELDS[name]
    return Field(field.default, description=field.description, **field.bounds)


class Settings(BaseSettings):
    """Everything a run can be configured with; passed down as a parameter, never re-read."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    db: Path = setting("db")
    snapshot: Path | None = setting("snapshot")
    batch_size: int = setting("batch_size")
    lock_timeout_seconds: float = setting("lock_timeout_seconds")
    workers: int | None = setting("workers")
    staging_dir: Path | None = setting("staging_dir")
    dask_address: str | None = setting("dask_address")
    load_memory_limit: str = setting("load_memory_limit")
    apply_chunk_pmids: int = setting("apply_chunk_pmids")
    apply_chunk_above_mib: float = setting("apply_chunk_above_mib")
    aggregate_batch_pmids: int = setting("aggregate_batch_pmids")
    mirror_url: str | None = setting("mirror_url")
    mesh_url: str | None = setting("mesh_url")
    download_dir: Path = setting("download_dir")
    inbox_dir: Path = setting("inbox_dir")
    sync_cron: str = setting("sync_cron")
    inbox_interval_seconds: int = setting("inbox_interval_seconds")
    inbox_settle_seconds: float = setting("inbox_settle_seconds")
    download_timeout_seconds: float = setting("download_timeout_seconds")
    download_retries: int = setting("download_retries")
    retry_delays_seconds: tuple[float, ...] = setting("retry_delays_seconds")
    retry_budget_seconds: float = setting("retry_budget_seconds")
    keep_downloads: bool = setting("keep_downloads")
    eutils_url: str = setting("eutils_url")
    ncbi_api_key: SecretStr | None = setting("ncbi_api_key")
    ncbi_email: str | None = setting("ncbi_email")
    ncbi_tool: str = setting("ncbi_tool")
    efetch_batch_size: int = setting("efetch_batch_size")
    sql_host: str = setting("sql_host")
    sql_port: int = setting("sql_port")
    sql_user: str = setting("sql_user")
    sql_password: SecretStr | None = setting("sql_password")
    sql_tls_cert: Path | None = setting("sql_tls_cert")
    sql_tls_key: Path | None = setting("sql_tls_key")
    sql_require_tls: bool = setting("sql_require_tls")

    def chunking(self) -> dict[str, float]:
        """The loader's keyword arguments for how a writer run applies its files: a big file in
        chunks, the aggregates' adds batched across files."""
        return {
            "apply_chunk_pmids": self.apply_chunk_pmids,
            "apply_chunk_above_mib": self.apply_chunk_above_mib,
            "aggregate_batch_pmids": self.aggregate_batch_pmids,
        }

    def snapshot_path(self) -> Path:
        """Where the read-only snapshot is published: the setting, else beside the warehouse."""
        from warehouse.readers.snapshot import default_snapshot_path

        return self.snapshot or default_snapshot_path(self.db)

    def retry_policy(self) -> RetryPolicy:
        """The one retry policy of every download: `download_retries` waits, within the budget."""
        return retry_policy(
            self.download_retries, self.retry_delays_seconds, self.retry_budget_seconds
        )

    def resolved(self) -> Settings:
        """The same settings with every path absolute (for runs started from another folder)."""
        paths = ("db", "staging_dir", "download_dir", "inbox_dir")
        update = {name: getattr(self, name).resolve() for name in paths if getattr(self, name)}
        return self.model_copy(update={**update, "snapshot": self.snapshot_path().resolve()})
