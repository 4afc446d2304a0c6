"""The `pubmed-warehouse` command (and `python -m warehouse`): `warehouse.cli`, imported when run.

A parse process starts as a new interpreter that imports the main script again (`multiprocessing`
spawn); importing the command line only inside `main` spares each of them typer, rich, the
settings and every command's modules, which it never uses.
"""

from __future__ import annotations


def main() -> None:
    from warehouse.cli import main as run

    run()


if __name__ == "__main__":
    main()
