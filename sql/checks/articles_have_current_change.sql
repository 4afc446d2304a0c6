-- Invariant: each article's record is the one its newest insert or replace in changes carried.
-- Violations: one row per article whose record_hash no applied change explains.
with
applied as (
    select pmid, arg_max(record_hash, changed_at) as record_hash
    from changes
    where action in ('insert', 'replace')
    group by pmid
),

final as (
    select a.pmid, a.record_hash as article_hash, applied.record_hash as change_hash
    from articles as a
    left join applied using (pmid)
    where applied.record_hash is distinct from a.record_hash
)

select * from final order by pmid
