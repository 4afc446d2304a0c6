-- Upsert the aggregate rows refreshed since the copy's newest refresh, by the table's key.
create or replace temp table refreshed_rows as {refreshed};
delete from readers_copy.{table} as c
where exists (select 1 from refreshed_rows as r where {key_match});
insert into readers_copy.{table} select * from refreshed_rows;
drop table refreshed_rows;
