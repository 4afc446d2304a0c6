-- duckdb_temporary_files() without the path of each file a query spilled to.
create or replace temp macro duckdb_temporary_files() as table
select * replace (null::varchar as path)
from system.main.duckdb_temporary_files();

comment on macro table temp.main.duckdb_temporary_files is
'One row per file a query spilled to, without its path.';
