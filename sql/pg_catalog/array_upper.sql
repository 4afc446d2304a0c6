-- The upper bound of an array's first dimension (its length; NULL for an empty array).
create or replace temp macro array_upper(list, dimension) as nullif(len(list), 0);

comment on macro temp.main.array_upper is
'The upper bound of dimension 1 of an array (its length), NULL when it is empty.';
