"""The one lint gate: ruff check and ruff format --check over the whole project."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_ruff_check() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(REPO)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", str(REPO)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
