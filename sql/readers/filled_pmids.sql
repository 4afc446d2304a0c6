-- PMIDs whose UI-less names the warehouse has since given a UI (sql/load/fill_pending_uis.sql):
-- their rows left pending_uis there, so they are in the copy's pending_uis and not in the
-- warehouse's.
insert into replayed_pmids
select distinct c.pmid
from readers_copy.pending_uis as c
anti join pending_uis as w on c.kind = w.kind and c.name = w.name and c.pmid = w.pmid
where c.pmid not in (select pmid from replayed_pmids)
