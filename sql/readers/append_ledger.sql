-- Append the ledger rows written since the copy was brought up to date (append-only table).
insert into readers_copy.{table}
select * from {table} where rowid >= {copied}
