-- The file's inserted rows still without a UI wait in pending_uis (one row per kind, name and
-- pmid) until a later file gives the name one. Run once per named-UI column in NAMED_UIS.
insert into pending_uis
select distinct '{kind}', {name}, pmid
from stage_{table}
where {ui} is null and {name} is not null and pmid in (select pmid from pmids_inserted)
