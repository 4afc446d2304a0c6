-- The row of occ_snapshot for the pairs just loaded. Parameters: source file, sha256, loaded at.
insert into occ_snapshot
select
    ? as source_file,
    ? as sha256,
    count(*) as pairs,
    ? as loaded_at
from occ_links
