-- The file's inserted articles with a complete citation get their row in citation_keys.
insert into citation_keys
select pmid, citation_hash(citation_key(journal_abbrev, pub_year, volume, issue, pages, title))
from stage_articles
where pmid in (select pmid from pmids_inserted)
  and citation_key(journal_abbrev, pub_year, volume, issue, pages, title) is not null
