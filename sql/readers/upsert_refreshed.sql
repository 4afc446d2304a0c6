-- Upsert the aggregate rows refreshed since the copy's newest refresh (kept in the temp table
-- {refreshed} by `refreshed_rows`), by the table's key.
delete from readers_copy.{table} as c
where exists (select 1 from {refreshed} as r where {key_match});
insert into readers_copy.{table} select * from {refreshed};
