-- Names new to name_uis, or given a lesser UI than it holds (one row per kind and name); then
-- name_uis takes them. Only the names the file brought are looked at.
create or replace temp table new_uis as
with
learned as (
    select kind, name, min(ui) as ui
    from learned_uis
    group by all
),

final as (
    select l.kind, l.name, l.ui, n.ui is null as is_new
    from learned as l
    left join name_uis as n using (kind, name)
    where n.ui is null or l.ui < n.ui
)

select * from final;

update name_uis as n
set ui = u.ui
from new_uis as u
where n.kind = u.kind and n.name = u.name and not u.is_new;

insert into name_uis
select kind, name, ui from new_uis where is_new;
