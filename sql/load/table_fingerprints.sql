-- One table's rows of a set of PMIDs, per pmid (one row per pmid with rows there): their
-- count and fingerprint, the sum of their row hashes modulo 2^64, so that the rows compare as a
-- multiset (order and position do not matter, a duplicate row counts twice). The rows are the
-- table's or its staged ones; the row hash is that of the whole row, so staged and loaded rows
-- with equal values have equal hashes. Joined per pmid by record_fingerprints.sql.
select
    r.pmid,
    count(*)::integer as {table}_rows,
    (sum(hash(r)) % 18446744073709551616)::ubigint as {table}_fingerprint
from {rows} as r
where r.pmid in (select pmid from {pmids})
group by r.pmid
