-- Take out of the copy's {table} the rows of every PMID of {pmids} (before they go in again).
delete from readers_copy.{table} where pmid in (select pmid from {pmids});
