"""Scheduled deployments of `sync` (daily cron) and `inbox` (every few minutes), served together."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import TerminationSignal
from prefect.runner import Runner

from flows.inbox import inbox
from flows.sync import sync
from warehouse.config import Settings
from warehouse.runs.interrupts import stop_on_signals


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


class _Runner(Runner):
    """Prefect's runner, remembering whether SIGTERM stopped it (its shutdown is graceful)."""

    stopped_by: int | None = None

    def handle_sigterm(self, *args: object, **kwargs: object) -> None:
        self.stopped_by = signal.SIGTERM
        super().handle_sigterm(*args, **kwargs)


def serve_deployments(settings: Settings, started: Callable[[list[str]], None]) -> int:
    """Register the deployments with the Prefect server and run their scheduled runs until
    SIGINT or SIGTERM; the signal's number is returned.

    `started` is told the deployments' names once they are registered to be served.
    """
    runner = _Runner()
    try:
        with stop_on_signals():  # until the runner sets its own SIGTERM handler
            for deployment in (served := deployments(settings)):
                runner.add_deployment(deployment)
            started([f"{d.flow_name}/{d.name}" for d in served])
            asyncio.run(runner.start())
    except KeyboardInterrupt as exc:  # warehouse.runs.interrupts.Interrupted carries its signal
        return getattr(exc, "signum", signal.SIGINT)
    except TerminationSignal as exc:
        return exc.signal
    except SystemExit:  # Prefect's SIGTERM handler, when the runner had not started yet
        return signal.SIGTERM
    return runner.stopped_by or signal.SIGTERM
