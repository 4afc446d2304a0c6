-- duckdb_databases() without the path of each file: no server path is a client's to read.
create or replace temp macro duckdb_databases() as table
select * replace (null::varchar as path)
from system.main.duckdb_databases();

comment on macro table temp.main.duckdb_databases is
'One row per attached database, as DuckDB lists them, without the path of its file.';
