-- Build name_uis from the rows already loaded (once, for a warehouse made before it existed):
-- one row per name, its least UI. Run once per named-UI column listed in NAMED_UIS.
insert into name_uis
select '{kind}', {name}, min({ui})
from {table}
where {ui} is not null and {name} is not null
group by {name}
