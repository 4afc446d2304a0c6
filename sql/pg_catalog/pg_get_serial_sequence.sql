-- The sequence behind a serial column: no column here takes its values from a sequence.
create or replace temp macro pg_get_serial_sequence(relation_name, column_name) as null::varchar;

comment on macro temp.main.pg_get_serial_sequence is 'NULL: no column here is serial.';
