"""`uv run --group bench python -m bench`: build the input, measure, print the table."""

from bench.run import main

main()
