-- PostgreSQL's regnamespace: an OID, which a cast of a number (or an OID column) keeps as it is; a
-- name in quotes cast to regclass is looked up instead (regclass_oid).
create or replace temp type regnamespace as bigint;
