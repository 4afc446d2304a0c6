-- The UIs the file's inserted rows give names (one row per name, its least UI; a blank name
-- teaches nothing), gathered into
-- learned_uis for merge_name_uis.sql. Run once per named-UI column listed in apply.py's NAMED_UIS.
insert into learned_uis
select '{kind}', {name}, min({ui})
from stage_{table}
where {ui} is not null and {name} is not null and pmid in (select pmid from pmids_inserted)
group by {name}
