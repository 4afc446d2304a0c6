"""Prefect's environment, read and defaulted without importing Prefect (which takes seconds)."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

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
