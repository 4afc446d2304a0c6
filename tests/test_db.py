"""Opening the warehouse: settings that reach DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.db import connect
from warehouse.errors import ConfigError


def test_memory_limit_is_applied(db_path: Path) -> None:
    con = connect(db_path, memory_limit="256MB")
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.close()
    assert limit == "244.1 MiB"  # 256 MB


def test_unusable_memory_limit_is_a_config_error(db_path: Path) -> None:
    with pytest.raises(ConfigError, match="memory limit"):
        connect(db_path, memory_limit="lots")
