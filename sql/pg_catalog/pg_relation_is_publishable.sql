-- No relation here can be published (there is no logical replication).
create or replace temp macro pg_relation_is_publishable(relation_oid) as false;

comment on macro temp.main.pg_relation_is_publishable is 'False: nothing is published here.';
