"""Scheduled deployments of `sync` (daily cron) and `inbox` (every few minutes), served together."""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment

from flows.inbox import inbox
from flows.sync import sync
from warehouse.config import Settings


def deployments(settings: Settings) -> list[RunnerDeployment]:
    """The deployments to serve: `inbox` always, `sync` when a mirror URL is configured."""
    db = str(settings.db.resolve())
    served = [
        inbox.to_deployment(
            name="inbox",
            interval=settings.inbox_interval_seconds,
            concurrency_limit=1,
            parameters={
                "inbox_dir": str(settings.inbox_dir.resolve()),
                "db": db,
                "batch_size": settings.batch_size,
                "settle_seconds": settings.inbox_settle_seconds,
                "snapshot": str(settings.snapshot_path().resolve()),
            },
            description="Load files dropped into the inbox folder, then file them away.",
        )
    ]
    if settings.mirror_url:
        served.append(
            sync.to_deployment(
                name="sync",
                cron=settings.sync_cron,
                concurrency_limit=1,
                parameters={
                    "mirror_url": settings.mirror_url,
                    "db": db,
                    "download_dir": str(settings.download_dir.resolve()),
                    "batch_size": settings.batch_size,
                    "timeout_seconds": settings.download_timeout_seconds,
                    "retries": settings.download_retries,
                    "keep_downloads": settings.keep_downloads,
                    "snapshot": str(settings.snapshot_path().resolve()),
                },
                description="Download and load NLM baseline and update files not yet ingested.",
            )
        )
    return served


def serve_deployments(settings: Settings) -> None:
    """Register the deployments with the Prefect server and run their scheduled runs (blocks)."""
    serve(*deployments(settings))
