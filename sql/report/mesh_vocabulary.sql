-- The loaded MeSH descriptor vocabulary: one row (its MeSH year and records), none when no
-- descriptor file (descYYYY.xml) is loaded.
with

final as (
    select mesh_year, records
    from mesh_vocabularies
    where kind = 'descriptors'
)

select * from final;
