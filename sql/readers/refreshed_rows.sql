-- The rows of aggregate {table} refreshed since the readers' copy's newest refresh.
select * from {table}
where refreshed_at >= coalesce((select max(refreshed_at) from readers_copy.{table}), '-infinity')
