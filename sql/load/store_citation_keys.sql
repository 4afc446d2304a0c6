-- The file's inserted articles with a complete citation get their row in citation_keys.
insert into citation_keys
select pmid, citation_hash
from staged_citations
where pmid in (select pmid from pmids_inserted)
