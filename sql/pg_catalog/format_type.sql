-- A type's name as PostgreSQL writes it (`bigint`, `text[]`, `numeric(10,2)`), for the type
-- OIDs this server sends (`pg_type_oid`); a numeric's type modifier is precision * 1000 + scale.
create or replace temp macro format_type(formatted_type, type_modifier) as
    coalesce(pg_type_format(formatted_type::integer), 'text')
    || case
        when formatted_type = 1700 and type_modifier > 0
            then concat('(', type_modifier // 1000, ',', type_modifier % 1000, ')')
        else ''
    end;

comment on macro temp.main.format_type is
'The name PostgreSQL gives a type OID with its modifier: bigint, text[], numeric(10,2).';
