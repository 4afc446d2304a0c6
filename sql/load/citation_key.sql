-- The citation a record without a PMID (negative surrogate pmid) is matched on when the same
-- article arrives with its PMID: journal, year, volume, issue, first page and the title's
-- letters and digits (case, accents, punctuation and a final period do not matter).
create or replace temp macro citation_key(journal_abbrev, pub_year, volume, issue, pages, title) as
    case
        when journal_abbrev is not null and pub_year is not null and title is not null
            then struct_pack(
                journal := lower(journal_abbrev),
                pub_year := pub_year,
                volume := lower(volume),
                issue := lower(issue),
                first_page := lower(split_part(pages, '-', 1)),
                title := regexp_replace(strip_accents(lower(title)), '[^0-9a-z]', '', 'g')
            )
    end;

-- What citation_keys stores for a key: the lower 64 bits of its MD5 (NULL parts kept distinct).
create or replace temp macro citation_hash(citation) as
    case when citation is not null then md5_number_lower(
        concat_ws(
            chr(31),
            citation.journal,
            citation.pub_year::varchar,
            coalesce(citation.volume, chr(30)),
            coalesce(citation.issue, chr(30)),
            coalesce(citation.first_page, chr(30)),
            citation.title
        )
    ) end
