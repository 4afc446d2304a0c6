-- Replace, as whole records, the rows of {table} of every replayed PMID (a deleted one goes).
delete from readers_copy.{table} where pmid in (select pmid from replayed_pmids);
insert into readers_copy.{table}
select * from {table} where pmid in (select pmid from replayed_pmids);
