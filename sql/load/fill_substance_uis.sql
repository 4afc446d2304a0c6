-- A substance's UI is its MeSH UI: another substance row's for the same name, else the
-- descriptor's of that name (fill_uis.sql, widened to the terms table).
update substances as s
set substance_ui = m.ui
from (
    select name, coalesce(min(substance_ui), min(descriptor_ui)) as ui
    from (
        select name, substance_ui, null as descriptor_ui
        from substances
        where substance_ui is not null
        union all
        select descriptor_name, null, descriptor_ui
        from terms
        where descriptor_ui is not null
    )
    where name in (select name from stage_substances union all select descriptor_name from stage_terms)
    group by name
) as m
where s.substance_ui is null and s.name = m.name;
