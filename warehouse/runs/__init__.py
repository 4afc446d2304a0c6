"""The commands that write the warehouse, as plain runs the flows and the CLI call: load
(`ingest`), sync, MeSH sync, inbox and fetch, all through one writer session (`writer`), with the
writer lock, progress and Ctrl-C/SIGTERM handling they share."""
