-- No table inherits from another here: an empty pg_inherits for psql's \d.
create or replace temp macro pg_inherits() as table
select
    null::bigint as inhrelid,
    null::bigint as inhparent,
    null::integer as inhseqno,
    null::boolean as inhdetachpending
where false;

comment on macro table temp.main.pg_inherits is 'No rows: no table inherits from another here.';
