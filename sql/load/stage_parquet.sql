-- Stage one table of a file parsed into Parquet: $1 lists its files, one per part the file was
-- parsed in, in file order (one row per staged row, in file order; a PMID repeated in a later
-- batch or part is dropped from the earlier ones by drop_superseded.sql).
insert into stage_{table} by name
select * from read_parquet($1)
