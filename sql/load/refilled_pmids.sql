-- Articles with rows about to take a UI from pending_uis (fill_pending_uis.sql): those of the
-- descriptor, concept and substance names the file has just given a UI (new_uis), which the
-- MeSH roll-ups read. A superset is harmless: an article taken out is put back the same.
create or replace temp table refilled_pmids as
select distinct pmid
from pending_uis
where kind in ('descriptor', 'concept', 'substance')
    and name in (select name from new_uis)
