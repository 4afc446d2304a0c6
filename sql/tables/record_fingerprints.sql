-- One row per article whose rows' fingerprints the loader keeps: the count and fingerprint of
-- its rows in each child table (and citation_keys), so that a replacing record's changed tables
-- are found without reading the replaced rows.
create table if not exists record_fingerprints (
    pmid bigint not null,
    abstract_section_spans_rows integer not null,
    abstract_section_spans_fingerprint ubigint not null,
    authors_rows integer not null,
    authors_fingerprint ubigint not null,
    affiliations_rows integer not null,
    affiliations_fingerprint ubigint not null,
    terms_rows integer not null,
    terms_fingerprint ubigint not null,
    supplementary_concepts_rows integer not null,
    supplementary_concepts_fingerprint ubigint not null,
    substances_rows integer not null,
    substances_fingerprint ubigint not null,
    publication_types_rows integer not null,
    publication_types_fingerprint ubigint not null,
    keywords_rows integer not null,
    keywords_fingerprint ubigint not null,
    grants_rows integer not null,
    grants_fingerprint ubigint not null,
    article_ids_rows integer not null,
    article_ids_fingerprint ubigint not null,
    references_rows integer not null,
    references_fingerprint ubigint not null,
    comments_corrections_rows integer not null,
    comments_corrections_fingerprint ubigint not null,
    history_dates_rows integer not null,
    history_dates_fingerprint ubigint not null,
    citation_keys_rows integer not null,
    citation_keys_fingerprint ubigint not null
);

comment on table record_fingerprints is 'One row per article (grain: pmid): per child table (and citation_keys), how many rows the article has there and their fingerprint, the sum modulo 2^64 of their row hashes (hash() of the whole row), written with the rows from the staged file. A file replacing the article compares its staged rows'' counts and fingerprints with these to find the tables whose rows changed, without reading the old rows. Internal bookkeeping, maintained by the loader (sql/load/, warehouse/loading/fingerprints.py); the check record_fingerprints_match_rows recomputes it from the rows.';
comment on column record_fingerprints.pmid is 'Article (articles.pmid); negative for a record saved without a PMID.';
comment on column record_fingerprints.abstract_section_spans_rows is 'Rows of the article in abstract_section_spans (0 when none).';
comment on column record_fingerprints.abstract_section_spans_fingerprint is 'Sum of the hashes of the article''s rows in abstract_section_spans, modulo 2^64 (0 when none).';
comment on column record_fingerprints.authors_rows is 'Rows of the article in authors (0 when none).';
comment on column record_fingerprints.authors_fingerprint is 'Sum of the hashes of the article''s rows in authors, modulo 2^64 (0 when none).';
comment on column record_fingerprints.affiliations_rows is 'Rows of the article in affiliations (0 when none).';
comment on column record_fingerprints.affiliations_fingerprint is 'Sum of the hashes of the article''s rows in affiliations, modulo 2^64 (0 when none).';
comment on column record_fingerprints.terms_rows is 'Rows of the article in terms (0 when none).';
comment on column record_fingerprints.terms_fingerprint is 'Sum of the hashes of the article''s rows in terms, modulo 2^64 (0 when none).';
comment on column record_fingerprints.supplementary_concepts_rows is 'Rows of the article in supplementary_concepts (0 when none).';
comment on column record_fingerprints.supplementary_concepts_fingerprint is 'Sum of the hashes of the article''s rows in supplementary_concepts, modulo 2^64 (0 when none).';
comment on column record_fingerprints.substances_rows is 'Rows of the article in substances (0 when none).';
comment on column record_fingerprints.substances_fingerprint is 'Sum of the hashes of the article''s rows in substances, modulo 2^64 (0 when none).';
comment on column record_fingerprints.publication_types_rows is 'Rows of the article in publication_types (0 when none).';
comment on column record_fingerprints.publication_types_fingerprint is 'Sum of the hashes of the article''s rows in publication_types, modulo 2^64 (0 when none).';
comment on column record_fingerprints.keywords_rows is 'Rows of the article in keywords (0 when none).';
comment on column record_fingerprints.keywords_fingerprint is 'Sum of the hashes of the article''s rows in keywords, modulo 2^64 (0 when none).';
comment on column record_fingerprints.grants_rows is 'Rows of the article in grants (0 when none).';
comment on column record_fingerprints.grants_fingerprint is 'Sum of the hashes of the article''s rows in grants, modulo 2^64 (0 when none).';
comment on column record_fingerprints.article_ids_rows is 'Rows of the article in article_ids (0 when none).';
comment on column record_fingerprints.article_ids_fingerprint is 'Sum of the hashes of the article''s rows in article_ids, modulo 2^64 (0 when none).';
comment on column record_fingerprints.references_rows is 'Rows of the article in references (0 when none).';
comment on column record_fingerprints.references_fingerprint is 'Sum of the hashes of the article''s rows in references, modulo 2^64 (0 when none).';
comment on column record_fingerprints.comments_corrections_rows is 'Rows of the article in comments_corrections (0 when none).';
comment on column record_fingerprints.comments_corrections_fingerprint is 'Sum of the hashes of the article''s rows in comments_corrections, modulo 2^64 (0 when none).';
comment on column record_fingerprints.history_dates_rows is 'Rows of the article in history_dates (0 when none).';
comment on column record_fingerprints.history_dates_fingerprint is 'Sum of the hashes of the article''s rows in history_dates, modulo 2^64 (0 when none).';
comment on column record_fingerprints.citation_keys_rows is 'Rows of the article in citation_keys (0 when none).';
comment on column record_fingerprints.citation_keys_fingerprint is 'Sum of the hashes of the article''s rows in citation_keys, modulo 2^64 (0 when none).';
