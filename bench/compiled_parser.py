"""CPU of parse + normalize with the XML parser as it is and compiled by Cython, interleaved.

`python -m bench.compiled_parser [FILE] [--repeat N]`: compiles an unchanged copy of
`warehouse/formats/xml.py` with Cython (`uvx --from cython cythonize`, into
`bench/out/compiled/`), then runs `bench.parse_cpu` once per round with the module as it is and
once with the compiled copy in its place, each in its own process, so both see the same load.
Cython reads the type annotations as checks unless told not to (`annotation_typing=False`: with
them, `list[...]` refuses the tuples the parser passes and records are rejected). `--same`
first compares, over the files of `bench.parse_same`, the frames of the compiled parser with the
module's. Nothing of the project is built this way: it measures what compiling would give.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import types
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
        [
            "uvx",
            "--from",
            "cython",
            "cythonize",
            "-3",
            "-X",
            "annotation_typing=False",
            "-i",
            source.name,
        ],
        cwd=COMPILED,
        check=True,
        capture_output=True,
    )
    return next(COMPILED.glob("xml.*.so"))


def load_compiled(library: Path) -> types.ModuleType:
    """The compiled parser module (its extension's name is `xml`)."""
    spec = importlib.util.spec_from_file_location("xml", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def differing_files(library: Path) -> int:
    """Files of `bench.parse_same` that the compiled parser reads otherwise than the module."""
    from bench.parse_same import corpus_files, differences, read
    from warehouse.formats import xml

    compiled = load_compiled(library)
    return sum(
        bool(differences(read(xml.parse, path), read(compiled.parse, path)))
        for path in corpus_files()
    )


def run_compiled(library: Path, file: str) -> None:
    """`bench.parse_cpu` on `file` with the compiled module as `warehouse.formats.xml`."""
    module = load_compiled(library)
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
    parser.add_argument("--same", action="store_true", help="first compare the two's frames")
    parser.add_argument("--compiled", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    file = args.file or str(bench_file(1))
    if args.compiled:
        run_compiled(args.compiled, file)
        return
    library = compile_parser()
    if args.same:
        sys.stdout.write(f"files read otherwise when compiled: {differing_files(library)}\n")
    as_is = [sys.executable, "-m", "bench.parse_cpu", file]
    compiled = [sys.executable, "-m", "bench.compiled_parser", file, "--compiled", str(library)]
    for _ in range(args.repeat):
        for name, command in (("as it is", as_is), ("compiled", compiled)):
            sys.stdout.write(f"{name}: ")
            sys.stdout.flush()
            subprocess.run(command, cwd=REPO, check=True)


if __name__ == "__main__":
    main()
