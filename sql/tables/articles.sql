-- One row per article: the newest accepted version of each PMID.
create table if not exists articles (
    pmid bigint primary key,
    pmid_version integer,
    title varchar using compression zstd,
    vernacular_title varchar,
    abstract varchar using compression zstd,
    journal_title varchar,
    journal_abbrev varchar,
    journal_iso varchar,
    nlm_unique_id varchar,
    issn varchar,
    issn_linking varchar,
    volume varchar,
    issue varchar,
    pages varchar,
    pub_year integer,
    pub_date date,
    pub_date_raw varchar,
    article_date date,
    language varchar,
    languages varchar[],
    doi varchar,
    pmc_id varchar,
    status varchar,
    date_completed date,
    date_revised date,
    coi_statement varchar,
    is_book boolean,
    source_format varchar,
    source_file varchar,
    file_order_key varchar,
    record_hash varchar,
    loaded_at timestamp
);

comment on table articles is 'One row per article (grain: pmid), the newest accepted version of each PubMed record. Key: pmid, unique and not null.';
comment on column articles.pmid is 'PubMed identifier; negative for a record saved without a PMID (deterministic surrogate from citation and title).';
comment on column articles.pmid_version is 'Version of the PMID (PMID/@Version), 1 for almost every record.';
comment on column articles.title is 'Article title (ArticleTitle, MEDLINE TI) with inline markup flattened to text; for a book, the book or chapter title.';
comment on column articles.vernacular_title is 'Title in the original language (VernacularTitle, MEDLINE TT).';
comment on column articles.abstract is 'Whole abstract; labelled sections joined as "LABEL: text" separated by a blank line. Sections are in abstract_sections.';
comment on column articles.journal_title is 'Full journal title (Journal/Title, MEDLINE JT).';
comment on column articles.journal_abbrev is 'NLM title abbreviation, MedlineTA (MEDLINE TA, the citation line of the abstract page).';
comment on column articles.journal_iso is 'ISO abbreviation of the journal (Journal/ISOAbbreviation); only XML carries it.';
comment on column articles.nlm_unique_id is 'NLM catalogue identifier of the journal (NlmUniqueID, MEDLINE JID).';
comment on column articles.issn is 'ISSN printed on the citation (Journal/ISSN, first MEDLINE IS).';
comment on column articles.issn_linking is 'Linking ISSN (ISSNLinking).';
comment on column articles.volume is 'Journal volume, as printed.';
comment on column articles.issue is 'Journal issue, as printed.';
comment on column articles.pages is 'Page range as NLM writes it (MedlinePgn, MEDLINE PG), e.g. 245-8.';
comment on column articles.pub_year is 'Year of the issue''s publication date (first year of a range such as 1998 Dec-1999 Jan).';
comment on column articles.pub_date is 'First day of the issue''s publication period: day, else first of the month (seasons: Spring Mar, Summer Jun, Fall Sep, Winter Dec), else 1 January.';
comment on column articles.pub_date_raw is 'Publication date as written (PubDate parts or MedlineDate, MEDLINE DP), e.g. 2010 Sep-Oct.';
comment on column articles.article_date is 'Electronic publication date (ArticleDate, MEDLINE DEP).';
comment on column articles.language is 'First language of the article, NLM three-letter code (eng, fre, ...).';
comment on column articles.languages is 'Every language of the article, in record order.';
comment on column articles.doi is 'DOI of the article: PubmedData ArticleIdList first, else ELocationID of type doi (MEDLINE AID [doi], else LID [doi]).';
comment on column articles.pmc_id is 'PubMed Central identifier (PMC...), when the article is in PMC.';
comment on column articles.status is 'MEDLINE citation status (MEDLINE, PubMed-not-MEDLINE, In-Process, In-Data-Review, Publisher, ...).';
comment on column articles.date_completed is 'Date NLM completed indexing (DateCompleted, MEDLINE DCOM).';
comment on column articles.date_revised is 'Date the record was last revised (DateRevised, MEDLINE LR); decides which version is newer.';
comment on column articles.coi_statement is 'Conflict of interest statement (CoiStatement, MEDLINE COIS).';
comment on column articles.is_book is 'True for a Bookshelf record (PubmedBookArticle, MEDLINE BTI).';
comment on column articles.source_format is 'Format the accepted version came in: xml, medline, abstract-text, csv or summary-text.';
comment on column articles.source_file is 'Path of the file the accepted version came from.';
comment on column articles.file_order_key is 'Sortable NLM file number of the source file (e.g. 26n01335), NULL for files not named pubmedYYnNNNN.';
comment on column articles.record_hash is 'Hash of the record''s source text; equal hashes mean an unchanged record.';
comment on column articles.loaded_at is 'When this version was loaded.';
