-- Staged names without a UI (MEDLINE and abstract text carry names only) take the UI that
-- name_uis holds for the name (for substances, a substance's UI, else a descriptor's of that
-- name). Run once per named-UI column listed in apply.py's NAMED_UIS, before the rows go in.
update stage_{table} as s
set {ui} = m.ui
from (
    select name, arg_min(ui, kind <> '{kind}') as ui
    from name_uis
    where kind in ('{kind}', '{fallback}')
      and name in (select {name} from stage_{table} where {ui} is null)
    group by name
) as m
where s.{ui} is null and s.{name} = m.name
