"""`uv run python -m bench.fetch`: the fetch flow on PubMed's 13,950-PMID list save, on loopback.

The E-utilities stand-in (tests/eutils_server.py) serves the 300 records of
pairs/_sets/p1m-ortho/pubmed_result.xml; 4 of the list's PMIDs are among them, the rest come back
missing. Measured after Prefect's temporary API is up: wall and CPU seconds of the flow, and the
request rate the server saw, without and with an API key.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from prefect.testing.utilities import prefect_test_harness
from pydantic import SecretStr

from flows.fetch import fetch
from tests.conftest import CORPUS
from tests.eutils_server import serve_eutils
from warehouse.sources.eutils import EfetchSettings
from warehouse.sources.pmid_sources import pmids_from_file

SAVED = CORPUS / "exports/p1m-ortho/pubmed_result_13950.txt"
SERVED = CORPUS / "pairs/_sets/p1m-ortho/pubmed_result.xml"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(api_key: str | None) -> None:
    """One fetch of the whole list into a fresh warehouse; prints one line."""
    pmids = pmids_from_file(SAVED)
    with tempfile.TemporaryDirectory() as folder, serve_eutils([SERVED]) as eutils:
        efetch = EfetchSettings(
            base_url=eutils.url, api_key=SecretStr(api_key) if api_key else None
        )
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = fetch(
            pmids,
            efetch,
            db=str(Path(folder) / "w.duckdb"),
            download_dir=str(Path(folder) / "downloads"),
        )
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        times = [r.at for r in eutils.requests]
    rate = (len(times) - 1) / (times[-1] - times[0])
    print(
        f"{'with' if api_key else 'without'} key: {len(pmids):,} PMIDs, {result.batches} batches, "
        f"{len(times)} requests, {sum(r.inserted for r in result.loaded)} loaded, "
        f"{len(result.missing):,} missing; {wall:.1f} s wall, {cpu:.1f} s CPU; "
        f"{rate:.2f} requests/s at the server"
    )


def main() -> None:
    with prefect_test_harness(server_startup_timeout=120):
        measure(None)
        measure("bench-key")


if __name__ == "__main__":
    main()
