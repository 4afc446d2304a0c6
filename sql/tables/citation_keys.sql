-- One row per article whose citation can match a record saved without a PMID.
create table if not exists citation_keys (
    pmid bigint not null,
    citation_hash ubigint not null
);

comment on table citation_keys is 'One row per article with a complete citation (grain: pmid): a hash of the citation (journal, year, volume, issue, first page, title) that a record saved without a PMID is matched on, stored once when the article loads. Maintained by the loader.';
comment on column citation_keys.pmid is 'Article (articles.pmid); negative for a record saved without a PMID.';
comment on column citation_keys.citation_hash is 'Lower 64 bits of the MD5 of the citation key (sql/load/citation_key.sql); equal hashes are confirmed on the full key.';
