-- The server's version as PostgreSQL words it: clients read the major version from it.
create or replace temp macro version() as 'PostgreSQL 16.0 on pubmed-warehouse (DuckDB readers copy)';

comment on macro temp.main.version is
'The server version in PostgreSQL''s words: clients read the major version from it.';
