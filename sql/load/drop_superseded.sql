-- A PMID met again in a later batch of the same file keeps only its later record: the staged
-- rows of a table before `keep_from` (the table's staged row count when the later record was
-- met, from staging.py's SupersededRecords) go. Staged rows keep file order, so their rowids
-- count up from the table's first row.
delete from stage_{table} as s
using (
    select pmid, max(keep_from) + (select min(rowid) from stage_{table}) as first_kept
    from superseded
    where table_name = '{table}'
    group by pmid
) as l
where s.pmid = l.pmid and s.rowid < l.first_kept
