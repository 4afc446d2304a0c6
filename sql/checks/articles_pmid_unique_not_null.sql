-- Invariant: every article has a PMID, and no PMID has two articles.
-- Violations: one row per PMID that is NULL or held by more than one article.
select
    pmid,
    count(*) as articles
from articles
group by pmid
having pmid is null or count(*) > 1
