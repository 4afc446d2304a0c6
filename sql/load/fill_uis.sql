-- Names without a UI (MEDLINE and abstract text carry names only) take the UI that another row
-- of the warehouse gives the same name. Only names the file brought are looked at: its UI-less
-- rows get a UI, and older UI-less rows get the UI the file brought.
update terms as t
set descriptor_ui = m.ui
from (
    select descriptor_name as name, min(descriptor_ui) as ui
    from terms
    where descriptor_ui is not null
      and descriptor_name in (select descriptor_name from stage_terms)
    group by descriptor_name
) as m
where t.descriptor_ui is null and t.descriptor_name = m.name;

update terms as t
set qualifier_ui = m.ui
from (
    select qualifier_name as name, min(qualifier_ui) as ui
    from terms
    where qualifier_ui is not null
      and qualifier_name in (select qualifier_name from stage_terms)
    group by qualifier_name
) as m
where t.qualifier_ui is null and t.qualifier_name = m.name;

-- a substance's UI is its MeSH UI: another substance row's, else the descriptor's of that name
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

update supplementary_concepts as c
set concept_ui = m.ui
from (
    select name, min(concept_ui) as ui
    from supplementary_concepts
    where concept_ui is not null
      and name in (select name from stage_supplementary_concepts)
    group by name
) as m
where c.concept_ui is null and c.name = m.name;

update publication_types as p
set type_ui = m.ui
from (
    select name, min(type_ui) as ui
    from publication_types
    where type_ui is not null
      and name in (select name from stage_publication_types)
    group by name
) as m
where p.type_ui is null and p.name = m.name;
