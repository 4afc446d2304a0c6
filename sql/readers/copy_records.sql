-- Put into the copy's {table} the warehouse's rows of every PMID of {pmids} (a deleted one has
-- none).
-- Found by row id, not by pmid alone: DuckDB then reads the columns only between the first
-- and last of these rows, which the files' moves appended together at the end of the table; a
-- filter on pmid reads them wherever the PMIDs are spread (for updates revising records all
-- over the range: every abstract, 11.7 s of a catch-up at 10M records, against 0.8 s).
insert into readers_copy.{table}
select * from {table}
where rowid in (select rowid from {table} where pmid in (select pmid from {pmids}));
