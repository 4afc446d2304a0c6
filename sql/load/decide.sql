-- What each staged record does to the warehouse (one row per staged pmid).
-- Newest wins: a later NLM file number where both files have one, else a later date_revised;
-- on a tie a richer format is not replaced by a poorer one (the parameters $formats and $ranks
-- are the format ranks, from `warehouse.formats.registry.format_ranks`), and otherwise the later
-- load wins. A PMID deleted by a newer file is not brought back.
create or replace temp table decisions as
with
format_rank as (
    select unnest($formats) as source_format, unnest($ranks) as format_rank
),

staged as (
    select s.pmid, s.record_hash, s.file_order_key, s.date_revised, r.format_rank
    from stage_articles as s
    left join format_rank as r using (source_format)
),

current as (
    select a.pmid, a.record_hash, a.file_order_key, a.date_revised, r.format_rank
    from articles as a
    inner join staged using (pmid)
    left join format_rank as r using (source_format)
),

newest_deletion as (
    select d.pmid, max(d.file_order_key) as file_order_key
    from deletions as d
    inner join staged using (pmid)
    group by d.pmid
),

final as (
    select
        s.pmid,
        s.record_hash,
        case
            when c.pmid is null and s.file_order_key < d.file_order_key then 'skipped-older'
            when c.pmid is null then 'insert'
            when s.file_order_key < c.file_order_key then 'skipped-older'
            when s.file_order_key > c.file_order_key and s.record_hash = c.record_hash
                then 'unchanged'
            when s.file_order_key > c.file_order_key then 'replace'
            when s.date_revised < c.date_revised then 'skipped-older'
            when s.date_revised > c.date_revised then 'replace'
            when s.format_rank < c.format_rank then 'skipped-poorer'
            when s.record_hash = c.record_hash then 'unchanged'
            else 'replace'
        end as action,
        s.file_order_key > c.file_order_key as newer_file
    from staged as s
    left join current as c using (pmid)
    left join newest_deletion as d using (pmid)
)

select * from final
