-- Build pending_uis from the rows already loaded (once, after build_name_uis.sql): one row per
-- kind, name and pmid whose UI is NULL and that no loaded row gives a UI.
insert into pending_uis
select distinct '{kind}', t.{name}, t.pmid
from {table} as t
where t.{ui} is null
  and t.{name} is not null
  and t.{name} not in (select name from name_uis where kind in ('{kind}', '{fallback}'))
