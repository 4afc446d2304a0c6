"""The writer session: every command that writes the warehouse holds it the one way."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS, REPO
from warehouse.config import Settings
from warehouse.ledger import FileStatus
from warehouse.readers import snapshot
from warehouse.readers.catchup import CatchUp
from warehouse.runs.lock import lock_path, writer_lock
from warehouse.runs.writer import WriterSession

PUBMED1 = CORPUS / "xml/biopython/pubmed1.xml"
PUBMED2 = CORPUS / "xml/biopython/pubmed2.xml"
WRITING_COMMANDS = ("ingest", "sync", "mesh_sync", "inbox", "fetch")
"""The core modules of `load`, `sync`, the MeSH sync, `inbox` and `fetch`."""
HOLDS_THE_WAREHOUSE = {"writer_lock", "publish_readers_copy", "publish_snapshot"}


def _modules() -> dict[Path, ast.Module]:
    """Every module of the package and of the flows, parsed."""
    paths = [*(REPO / "warehouse").rglob("*.py"), *(REPO / "flows").glob("*.py")]
    return {path.relative_to(REPO): ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def _called(tree: ast.Module) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str | None:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)


def test_only_the_writer_takes_the_lock_opens_for_loading_and_publishes() -> None:
    """The lock, the connection with the load memory limit and the publish have one caller."""
    callers = {}
    for path, tree in _modules().items():
        for call in _called(tree):
            name = _name(call)
            if name in HOLDS_THE_WAREHOUSE or (
                name == "connect" and any(k.arg == "memory_limit" for k in call.keywords)
            ):
                callers.setdefault(name, set()).add(str(path))
    assert callers == {
        "writer_lock": {"warehouse/runs/writer.py"},
        "connect": {"warehouse/runs/writer.py"},
        "publish_readers_copy": {"warehouse/runs/writer.py", "warehouse/readers/snapshot.py"},
    }


@pytest.mark.parametrize("module", WRITING_COMMANDS)
def test_each_writing_command_opens_a_writer_session(module: str) -> None:
    tree = ast.parse((REPO / "warehouse" / "runs" / f"{module}.py").read_text(encoding="utf-8"))
    assert "WriterSession" in {_name(call) for call in _called(tree)}


def test_flows_hold_no_sql_and_no_status_words() -> None:
    """Flows only orchestrate: SQL lives in `sql/` or the core, statuses are `FileStatus`."""
    sql = re.compile(r"\bselect\b.*\bfrom\b|\binsert into\b|\bdelete from\b", re.DOTALL)
    for path, tree in _modules().items():
        if path.parts[0] != "flows":
            continue
        strings = [
            node.value.lower()
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and not _is_docstring(tree, node)
        ]
        found = [s for s in strings if sql.search(s) or s in set(FileStatus)]
        assert not found, f"{path}: {found}"
        assert "execute" not in {_name(call) for call in _called(tree)}, path


def _is_docstring(tree: ast.Module, constant: ast.Constant) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and first.value is constant:
                return True
    return False


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    for source in (PUBMED1, PUBMED2):
        shutil.copy(source, tmp_path / source.name)
    return Settings(db=tmp_path / "w.duckdb")


def _articles(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def test_a_session_loads_in_order_and_publishes_on_close(settings: Settings) -> None:
    folder = settings.db.parent
    with WriterSession(settings) as session:
        results = session.load_files([folder / "pubmed1.xml", folder / "pubmed2.xml"])
        assert not settings.snapshot_path().exists()  # published on close, not before
    assert [(Path(r.source_file).name, r.status) for r in results] == [
        ("pubmed1.xml", "loaded"),
        ("pubmed2.xml", "loaded"),
    ]
    assert _articles(settings.snapshot_path()) == _articles(settings.db) > 0
    with writer_lock(settings.db, timeout_seconds=0):  # released: another writer may start
        pass


def test_nothing_new_leaves_the_published_copy_alone(settings: Settings) -> None:
    with WriterSession(settings) as session:
        session.load(settings.db.parent / "pubmed1.xml")
    published = settings.snapshot_path().stat().st_ino
    with WriterSession(settings) as session:
        assert session.load(settings.db.parent / "pubmed1.xml").status == "already-loaded"
    assert settings.snapshot_path().stat().st_ino == published


def test_a_session_s_catch_up_removes_as_many_pmids_per_transaction_as_its_loads(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`apply_chunk_pmids` bounds the PMIDs one transaction removes in the readers' copy as in
    the warehouse: the memory a publish pins follows the same setting."""
    settings = settings.model_copy(update={"apply_chunk_pmids": 7})
    passed = []
    catch_up = snapshot.catch_up

    def spying(con: duckdb.DuckDBPyConnection, version: str, chunk_pmids: int) -> CatchUp:
        passed.append(chunk_pmids)
        return catch_up(con, version, chunk_pmids)

    monkeypatch.setattr(snapshot, "catch_up", spying)
    for name in ("pubmed1.xml", "pubmed2.xml"):
        with WriterSession(settings) as session:
            session.load(settings.db.parent / name)
    assert passed == [7]  # the first publish wrote the copy whole, the second caught up
    assert _articles(settings.snapshot_path()) == _articles(settings.db)


def test_a_session_cut_short_publishes_nothing_and_lets_go(settings: Settings) -> None:
    with pytest.raises(KeyboardInterrupt), WriterSession(settings) as session:
        session.load(settings.db.parent / "pubmed1.xml")
        raise KeyboardInterrupt
    assert _articles(settings.db) > 0  # the committed file stays
    assert not settings.snapshot_path().exists()
    assert not lock_path(settings.db).read_text().strip()  # no holder left
    with writer_lock(settings.db, timeout_seconds=0):
        pass


def test_a_baseline_rollover_makes_the_copy_stale(settings: Settings) -> None:
    with WriterSession(settings) as session:
        session.load(settings.db.parent / "pubmed1.xml")
    with WriterSession(settings) as session:
        assert not session.is_stale()
        session.note_change()
        assert session.is_stale()
