-- The text of a stored expression (a column default): DuckDB keeps it as text already.
create or replace temp macro pg_get_expr(expression, relation_oid) as expression::varchar,
    (expression, relation_oid, pretty) as expression::varchar;

comment on macro temp.main.pg_get_expr is
'The text of a stored expression (a column default), pretty or not.';
