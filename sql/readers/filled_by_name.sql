-- PMIDs of the readers' copy whose UI-less {name} rows the warehouse has since given a UI: a
-- replayed record brought that name with a UI, and sql/load/fill_uis.sql (or
-- fill_substance_uis.sql) filled it into older rows of other articles.
insert into filled_pmids
select distinct c.pmid
from readers_copy.{table} as c
where c.{ui} is null
  and c.{name} in (
      select {source_name}
      from {source_table}
      where {source_ui} is not null and pmid in (select pmid from replayed_pmids)
  )
