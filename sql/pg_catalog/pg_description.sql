-- One row per comment on a table, view or column (objsubid: the column's attnum, 0 for the
-- relation), with PostgreSQL's classoid: pg_class (1259), which the comment belongs to.
create or replace temp macro pg_description() as table
select
    objoid,
    1259::bigint as classoid,
    objsubid,
    description
from system.pg_catalog.pg_description
where objoid in (select oid from system.pg_catalog.pg_class) and description is not null;

comment on macro table temp.main.pg_description is
'One row per comment on a table, view or column, classoid pg_class (1259) as in PostgreSQL.';
