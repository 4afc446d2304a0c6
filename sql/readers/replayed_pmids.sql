-- PMIDs whose rows changed in the warehouse since the readers' copy was last brought up to date:
-- those of the ledger rows appended since (rows at and after the row counts the copy holds;
-- the ledgers are append-only). A skipped record changed nothing.
create or replace temp table replayed_pmids as
select pmid
from changes
where rowid >= {changes_copied}
  and action not in ('skipped-older', 'skipped-poorer')
union
select pmid
from deletions
where rowid >= {deletions_copied}
