-- The plan of a file applied in chunks, kept in apply_plans until it is loaded (one row per
-- pmid and step): the records it puts in, its DeleteCitations and the surrogates it merges, as
-- decided against the warehouse before any row moved. $sha256 is the file's.
insert into apply_plans by name
with
final as (
    select $sha256 as sha256, pmid, action as step, record_hash, null::bigint as merged_into
    from decisions
    where action in ('insert', 'replace')
    union all
    select $sha256, pmid, 'delete', null, null
    from delete_decisions
    union all
    select $sha256, surrogate_pmid, 'merge', null, pmid
    from merged_surrogates
)

select * from final
