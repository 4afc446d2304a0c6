-- The server's version as PostgreSQL words it: clients read the major version from it.
create or replace temp macro version() as 'PostgreSQL 16.0 on pubmed-warehouse (DuckDB readers copy)';
