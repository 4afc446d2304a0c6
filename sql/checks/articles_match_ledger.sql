-- Invariant: the articles present equal the PMIDs inserted minus those deleted, by the ledger.
-- Violations: one row when the count of articles differs from the ledger's totals.
with
ledger as (
    select
        coalesce(sum(inserted), 0) as inserted,
        coalesce(sum(deleted), 0) as deleted
    from ingested_files
),

present as (
    select count(*) as articles from articles
),

final as (
    select
        present.articles,
        ledger.inserted,
        ledger.deleted,
        ledger.inserted - ledger.deleted as expected_articles
    from present, ledger
)

select * from final where articles <> expected_articles
