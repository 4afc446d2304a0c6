-- current_setting(name) answers as PostgreSQL does, from the settings the server reports at
-- start-up; DuckDB's own settings (file paths among them) are not a client's to read.
create or replace temp macro current_setting(setting_name) as (
    select any_value(value)
    from (values {settings}) as settings (name, value)
    where name = lower(setting_name)
);

comment on macro temp.main.current_setting is
'The value of a PostgreSQL setting as this server reports it (NULL for any other name).';
