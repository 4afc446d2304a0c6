-- duckdb_settings() with any value that names a file or directory left out (NULL).
create or replace temp macro duckdb_settings() as table
select * replace (case when value like '%/%' or value like '%\%' then null else value end as value)
from system.main.duckdb_settings();

comment on macro table temp.main.duckdb_settings is
'One row per DuckDB setting; a value naming a server file or directory is NULL.';
