-- Older rows waiting in pending_uis whose name the file has just given a UI (new_uis) take it,
-- found by pmid, and leave pending_uis. Run once per named-UI column listed in NAMED_UIS.
create or replace temp table resolved_uis as
with
final as (
    select p.kind, p.name, p.pmid, arg_min(n.ui, n.kind <> '{kind}') as ui
    from pending_uis as p
    inner join name_uis as n on n.name = p.name and n.kind in ('{kind}', '{fallback}')
    where p.kind = '{kind}'
      and p.name in (select name from new_uis where kind in ('{kind}', '{fallback}'))
    group by p.kind, p.name, p.pmid
)

select * from final;

update {table} as t
set {ui} = r.ui
from resolved_uis as r
where t.pmid = r.pmid and t.{name} = r.name and t.{ui} is null;

delete from pending_uis as p
using resolved_uis as r
where p.kind = r.kind and p.name = r.name and p.pmid = r.pmid;
