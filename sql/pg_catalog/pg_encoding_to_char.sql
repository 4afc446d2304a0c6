-- The name of an encoding number: every database here is UTF8 (6).
create or replace temp macro pg_encoding_to_char(encoding_number) as
    case when encoding_number = 6 then 'UTF8' else '' end;

comment on macro temp.main.pg_encoding_to_char is 'The name of an encoding number (6: UTF8).';
