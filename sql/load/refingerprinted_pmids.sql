-- Articles with rows about to take a UI from pending_uis (fill_pending_uis.sql), of every kind
-- of name the file has just given a UI (new_uis): their record_fingerprints rows are computed
-- again from the filled rows. A superset is harmless: a fingerprint computed from the rows is
-- true.
create or replace temp table refingerprinted_pmids as
select distinct pmid
from pending_uis
where name in (select name from new_uis)
