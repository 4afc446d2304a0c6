-- The pairs of an Open Citation Collection CSV (header citing,referenced), read whole by DuckDB
-- with fixed types (a value that is no PMID fails the file): each pair once, an article citing
-- itself left out, as for PubMed's own reference lists; sorted by citing PMID, so that a file's
-- articles find their pairs from zonemaps. Parameter: the CSV's path;
-- {compression} is gzip or none, from the file's first bytes.
insert into occ_links
select distinct citing as citing_pmid, referenced as cited_pmid
from read_csv(
    ?,
    header = true,
    auto_detect = false,
    delim = ',',
    quote = '',
    compression = '{compression}',
    columns = {{'citing': 'bigint', 'referenced': 'bigint'}}
)
where citing is not null and referenced is not null and citing <> referenced
order by citing_pmid, cited_pmid
