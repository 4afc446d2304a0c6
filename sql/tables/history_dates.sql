-- One row per date in an article's publication history.
create table if not exists history_dates (
    pmid bigint not null,
    pub_status varchar not null,
    date date
);

comment on table history_dates is 'One row per date in an article''s publication history (grain: pmid, pub_status): PubmedData History, MEDLINE PHST. Parent: articles.pmid.';
comment on column history_dates.pmid is 'Article (articles.pmid).';
comment on column history_dates.pub_status is 'Event: received, revised, accepted, pubmed, medline, entrez, epublish, ...';
comment on column history_dates.date is 'Day of the event.';
