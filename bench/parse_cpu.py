"""CPU seconds of the floor and of parse + normalize on one bench file, in one process.

`python -m bench.parse_cpu [FILE] [--repeat N]`: quicker than the whole bench for a change to
the parser or the normalizer; `time.process_time` counts every thread of the process.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.contenders import floor, parse_normalize
from bench.run import bench_file


def cpu_seconds(contender, path: str) -> tuple[int, float]:
    """Records read and CPU seconds of one contender on one file."""
    started = time.process_time()
    records = contender([path])
    return records, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parse_cpu", description=__doc__)
    parser.add_argument("file", nargs="?", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    path = args.file or str(bench_file(1))
    for _ in range(args.repeat):
        _, base = cpu_seconds(floor, path)
        records, ours = cpu_seconds(parse_normalize, path)
        sys.stdout.write(
            f"floor {base:.2f} CPU s; parse + normalize {ours:.2f} CPU s "
            f"({records:,} records); ratio {ours / base:.2f}\n"
        )


if __name__ == "__main__":
    main()
