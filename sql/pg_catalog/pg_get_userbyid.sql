-- Every object here is owned by the product that loads it: one owner, whatever the OID.
create or replace temp macro pg_get_userbyid(role_oid) as 'pubmed-warehouse';

comment on macro temp.main.pg_get_userbyid is
'The owner of every object: pubmed-warehouse, which loads the warehouse.';
