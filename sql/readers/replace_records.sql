-- Replace, as whole records, the rows of {table} of every PMID of {pmids} (a deleted one goes).
delete from readers_copy.{table} where pmid in (select pmid from {pmids});
insert into readers_copy.{table}
select * from {table} where pmid in (select pmid from {pmids});
