-- No row-level security policy exists here: an empty pg_policy for psql's \d.
create or replace temp macro pg_policy() as table
select
    null::bigint as oid,
    null::varchar as polname,
    null::bigint as polrelid,
    null::varchar as polcmd,
    null::boolean as polpermissive,
    null::bigint[] as polroles,
    null::varchar as polqual,
    null::varchar as polwithcheck
where false;

comment on macro table temp.main.pg_policy is 'No rows: no row-level security policy exists here.';
