"""CPU of parse + normalize with the XML parser as it is and compiled by Cython, interleaved.

`python -m bench.compiled_parser [FILE] [--repeat N]`: compiles an unchanged copy of
`warehouse/formats/xml.py` with Cython (`uvx --from cython cythonize`, into
`bench/out/compiled/`), then runs `bench.parse_cpu` once per round with the module as it is and
once with the compiled copy in its place, each in its own process, so both see the same load.
Nothing of the project is built this way: it measures what compiling the parser would give.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from bench.run import OUT, REPO, bench_file

COMPILED = OUT / "compiled"


def compile_parser() -> Path:
    """The Cython-compiled copy of the parser module (built once)."""
    COMPILED.mkdir(parents=True, exist_ok=True)
    source = COMPILED / "xml.py"
    shutil.copyfile(REPO / "warehouse" / "formats" / "xml.py", source)
    for built in COMPILED.glob("xml.*.so"):
        built.unlink()
    subprocess.run(
        ["uvx", "--from", "cython", "cythonize", "-3", "-i", source.name],
        cwd=COMPILED,
        check=True,
        capture_output=True,
    )
    return next(COMPILED.glob("xml.*.so"))


def run_compiled(library: Path, file: str) -> None:
    """`bench.parse_cpu` on `file` with the compiled module as `warehouse.formats.xml`."""
    spec = importlib.util.spec_from_file_location("xml", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["warehouse.formats.xml"] = module
    import warehouse.formats

    warehouse.formats.xml = module
    from bench import parse_cpu

    sys.argv = ["bench.parse_cpu", file]
    parse_cpu.main()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compiled_parser", description=__doc__)
    parser.add_argument("file", nargs="?", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--compiled", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    file = args.file or str(bench_file(1))
    if args.compiled:
        run_compiled(args.compiled, file)
        return
    library = compile_parser()
    as_is = [sys.executable, "-m", "bench.parse_cpu", file]
    compiled = [sys.executable, "-m", "bench.compiled_parser", file, "--compiled", str(library)]
    for _ in range(args.repeat):
        for name, command in (("as it is", as_is), ("compiled", compiled)):
            sys.stdout.write(f"{name}: ")
            sys.stdout.flush()
            subprocess.run(command, cwd=REPO, check=True)


if __name__ == "__main__":
    main()
