-- information_schema._pg_expandarray(array): one row per element, as (x: the element, n: its
-- position from 1); pgjdbc reads primary key columns through it.
create or replace temp macro _pg_expandarray(elements) as
    unnest(list_transform(range(1, len(elements) + 1), lambda i: {'x': elements[i], 'n': i}));

comment on macro temp.main._pg_expandarray is
'One row per element of an array: x the element, n its position from 1.';
