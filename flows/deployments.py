"""Scheduled deployments of `sync` (daily cron) and `inbox` (every few minutes), served together."""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment

from flows.inbox import inbox
from flows.sync import sync
from warehouse.config import Settings


def deployments(settings: Settings) -> list[RunnerDeployment]:
    """The deployments to serve: `inbox` always, `sync` when a mirror URL is configured.

    Each gets the whole settings object, paths made absolute, as its one parameter.
    """
    parameters = {"settings": settings.resolved().model_dump(mode="json")}
    served = [
        inbox.to_deployment(
            name="inbox",
            interval=settings.inbox_interval_seconds,
            concurrency_limit=1,
            parameters=parameters,
            description="Load files dropped into the inbox folder, then file them away.",
        )
    ]
    if settings.mirror_url:
        served.append(
            sync.to_deployment(
                name="sync",
                cron=settings.sync_cron,
                concurrency_limit=1,
                parameters=parameters,
                description="Download and load NLM baseline and update files not yet ingested.",
            )
        )
    return served


def serve_deployments(settings: Settings) -> None:
    """Register the deployments with the Prefect server and run their scheduled runs (blocks)."""
    serve(*deployments(settings))
