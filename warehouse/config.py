"""Settings: one typed object, read from the environment (`PUBMED_WAREHOUSE_*`) and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a run can be configured with; passed down as a parameter, never re-read."""

    model_config = SettingsConfigDict(
        env_prefix="PUBMED_WAREHOUSE_", env_file=".env", extra="ignore"
    )

    db: Path = Field(Path("pubmed.duckdb"), description="Warehouse DuckDB file.")
    batch_size: int = Field(2000, ge=1, description="Records parsed per batch (bounds memory).")
    workers: int = Field(1, ge=1, description="Parallel parse processes.")
    staging_dir: Path | None = Field(None, description="Staging folder for parallel parses.")
    load_memory_limit: str = Field(
        "300MB", description="DuckDB memory limit while loading (it spills beyond it)."
    )
    mirror_url: str | None = Field(None, description="NLM mirror root (baseline/, updatefiles/).")
    download_dir: Path = Field(Path("downloads"), description="Where sync keeps downloads.")
    inbox_dir: Path = Field(Path("inbox"), description="Folder watched for new files.")
    sync_cron: str = Field("0 6 * * *", description="Schedule of the sync deployment.")
    inbox_interval_seconds: int = Field(300, ge=10, description="Inbox watch interval.")
