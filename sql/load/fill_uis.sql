-- Names without a UI (MEDLINE and abstract text carry names only) take the UI that another row
-- of the warehouse gives the same name. Only names the file brought are looked at: its UI-less
-- rows get a UI, and older UI-less rows get the UI the file brought.
-- Run once per (table, ui, name) listed in load.py's NAMED_UIS.
update {table} as t
set {ui} = m.ui
from (
    select {name} as name, min({ui}) as ui
    from {table}
    where {ui} is not null
      and {name} in (select {name} from stage_{table})
    group by {name}
) as m
where t.{ui} is null and t.{name} = m.name;
