-- Copy {table} whole into the readers' copy.
delete from readers_copy.{table};
insert into readers_copy.{table} select * from {table};
