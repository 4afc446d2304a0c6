"""`serve-sql`: the readers' copy over the PostgreSQL wire protocol, read-only, one session per
client."""
