-- Put into the copy's {table} the warehouse's rows of every PMID of {pmids} (a deleted one has
-- none).
insert into readers_copy.{table}
select * from {table} where pmid in (select pmid from {pmids});
