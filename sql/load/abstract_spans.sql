-- Rows of abstract_section_spans for the sections in {sections} (pmid, position, label,
-- nlm_category, text) of the articles in {articles} (pmid, abstract). The abstract joins the
-- sections that have text by a space, a labelled one as "LABEL: text", so a section's text
-- starts after the pieces before it and its own label. The text itself is kept only where that
-- span of the abstract does not give it exactly (the view abstract_sections reads the span).
with

pieces as (
    select
        sections.pmid,
        sections.position,
        sections.label,
        sections.nlm_category,
        sections.text,
        if(sections.label is null, 0, length(sections.label) + 2) as prefix,
        coalesce(
            sum(if(sections.label is null, 0, length(sections.label) + 2) + length(sections.text) + 1)
                over (
                    partition by sections.pmid order by sections.position
                    rows between unbounded preceding and 1 preceding
                ),
            0
        ) as before
    from {sections} as sections
),

spans as (
    select
        pieces.*,
        (pieces.before + pieces.prefix + 1)::integer as text_start,
        length(pieces.text)::integer as text_length
    from pieces
),

final as (
    select
        spans.pmid,
        spans.position,
        spans.label,
        spans.nlm_category,
        spans.text_start,
        spans.text_length,
        if(
            substring(articles.abstract, spans.text_start, spans.text_length)
                is not distinct from spans.text,
            null,
            spans.text
        ) as text
    from spans
    left join {articles} as articles on spans.pmid = articles.pmid
)

select * from final
