-- Build citation_keys from the articles already loaded (once, for a warehouse made before it
-- existed): one row per article with a complete citation.
insert into citation_keys
select pmid, citation_hash(citation_key(journal_abbrev, pub_year, volume, issue, pages, title))
from articles
where citation_key(journal_abbrev, pub_year, volume, issue, pages, title) is not null
