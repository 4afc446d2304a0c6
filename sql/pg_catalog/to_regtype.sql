-- psycopg looks types up by name (hstore, for SQLAlchemy): none of them exists here.
create or replace temp macro to_regtype(type_name) as null::integer;

comment on macro temp.main.to_regtype is 'NULL: no PostgreSQL type is defined by name here.';
