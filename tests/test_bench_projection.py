"""The growth curve's whole-baseline projection: parse workers overlap one writer, bounded by
the slower stream and by the machine's cores; a cluster's workers stop helping at the writer."""

from __future__ import annotations

from bench.growth import BASELINE_FILES, Cost, Point, baseline_hours, projection


def test_the_slower_stream_and_the_cores_bound_the_run() -> None:
    assert baseline_hours(writer=5.0, parse=8.0, cpu=0.0, cores=2, workers=1) == 8.0
    assert baseline_hours(writer=5.0, parse=8.0, cpu=0.0, cores=2, workers=2) == 5.0
    # two workers on two cores: 16 CPU hours need 8 hours of both cores
    assert baseline_hours(writer=5.0, parse=8.0, cpu=16.0, cores=2, workers=2) == 8.0


def _point(records_before: int, apply_seconds: float) -> Point:
    cost = Cost(apply_seconds, apply_seconds, 100.0)
    return Point(f"file at {records_before:,}", records_before, cost, cost, 1.0, {})


def test_projection_fits_the_curve_and_finds_where_the_writer_bounds_a_cluster() -> None:
    # apply 10 s per file flat, parse 30 s per file: the writer takes 1334 * 10 s
    points = [_point(0, 10.0), _point(10_000_000, 10.0)]
    lines = projection(points, [Cost(30.0, 30.0, 300.0)], cores=2)
    writer_hours = BASELINE_FILES * 10.0 / 3600
    parse_hours = BASELINE_FILES * 30.0 / 3600
    assert f"the writer takes {writer_hours:.1f} h, parsing {parse_hours:.1f} h" in lines[1]
    # one local worker: parsing (11.1 h) bounds; two: the CPU (14.8 h over 2 cores) does
    cpu = writer_hours + parse_hours
    assert f"{parse_hours:.1f} h with 1 parse worker, {cpu / 2:.1f} h with 2" in lines[3]
    assert f"3 workers {writer_hours:.1f} h" in lines[4]
    assert "from 3 workers on the writer" in lines[4]
    assert f"2 workers {parse_hours / 2:.1f} h" in lines[4]


def test_four_cluster_workers_quarter_the_parse() -> None:
    assert baseline_hours(writer=0.5, parse=8.0, cpu=0.0, cores=2, workers=4) == 2.0
