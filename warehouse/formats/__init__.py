"""Input formats: one module per format, each declaring its `FORMAT`; `registry` lists them.

This package's own module imports nothing, so that importing one format module (or `records`)
never loads the others.
"""
