"""Opening the warehouse: settings that reach DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.errors import ConfigError
from warehouse.loading.memory import memory_limit_mib, restored_memory_limit


def test_memory_limit_is_applied(db_path: Path) -> None:
    con = connect(db_path, memory_limit="256MB")
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.close()
    assert limit == "244.1 MiB"  # 256 MB


def test_unusable_memory_limit_is_a_config_error(db_path: Path) -> None:
    with pytest.raises(ConfigError, match="memory limit"):
        connect(db_path, memory_limit="lots")


def test_a_limit_refused_after_a_commit_is_restored_after_a_checkpoint(tmp_path: Path) -> None:
    """DuckDB holds the blocks a committed delete pinned until a checkpoint (a small WAL does
    not trigger one) and refuses a limit below them: the restore checkpoints and sets it."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"), config={"memory_limit": "60MB"})
    con.execute("create table t as select range as a from range(12000000)")
    con.execute("checkpoint")
    limit = memory_limit_mib(con)
    with restored_memory_limit(con):
        con.execute("set memory_limit = '1GB'")
        con.begin()
        con.execute("delete from t where a % 2048 = 0")  # one row in every vector
        con.commit()
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("set memory_limit = '60MB'")  # what the restore meets
    assert memory_limit_mib(con) == pytest.approx(limit, abs=0.2)  # as DuckDB rounds it
    con.close()
