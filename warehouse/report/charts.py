"""The report's charts as Vega-Lite specs, built with Altair from the report queries' frames.

Years sit on a continuous axis (each bar spans its year, so a missing year leaves a gap) and are
printed without a thousands separator; counts are printed with one. Charts that list
descriptors hold check tags too, flagged `is_check_tag`, and drop them unless the page's
`include_check_tags` parameter is true, so one switch in the page shows or hides them.
"""

from __future__ import annotations

import altair as alt
import polars as pl

TOP = 15
CO_OCCURRING = 12
MESH_NODES = 20
INCLUDE_CHECK_TAGS = "include_check_tags"
YEAR_FORMAT = "d"
COUNT_FORMAT = ",d"
# Vega ignores `tickMinStep`, so small counts get ticks at 0.5: label whole numbers only
COUNT_LABELS = "datum.value % 1 ? '' : format(datum.value, ',d')"
WHOLE_YEARS = "datum.value % 1 ? '' : format(datum.value, 'd')"
BAR_COLOR = "#2f6db5"
MAJOR_COLOR = "#e07b24"
WIDTH = "container"


def values(frame: pl.DataFrame) -> alt.Data:
    """A frame as inline Vega-Lite data (JSON values; dates as ISO text)."""
    return alt.Data(values=frame.with_columns(pl.selectors.temporal().cast(pl.String)).to_dicts())


def year_axis(frame: pl.DataFrame, title: str | None = "publication year") -> alt.X:
    """A continuous year axis: each year's mark spans `year_start`..`year_end` (the year
    ± 0.5), so ticks sit at the middle of their year and a missing year is a gap."""
    years = frame.get_column("pub_year")
    first, last = (int(years.min()), int(years.max())) if years.len() else (2000, 2000)
    return alt.X(
        "year_start:Q",
        title=title,
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], zero=False, nice=False),
        axis=alt.Axis(format=YEAR_FORMAT, labelExpr=WHOLE_YEARS, labelOverlap=True),
    )


def with_year_span(chart: alt.Chart) -> alt.Chart:
    """Add the `year_start` and `year_end` fields that `year_axis` marks span."""
    return chart.transform_calculate(
        year_start="datum.pub_year - 0.5", year_end="datum.pub_year + 0.5"
    )


def count_tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=COUNT_FORMAT)


def year_tooltip() -> alt.Tooltip:
    return alt.Tooltip("pub_year:Q", title="year", format=YEAR_FORMAT)


def year_bars(
    frame: pl.DataFrame, field: str, title: str, count_title: str, year_title: str
) -> alt.Chart:
    """Bars of FIELD per year (`pub_year`) on a continuous year axis."""
    return (
        with_year_span(alt.Chart(values(frame), title=title))
        .mark_bar(color=BAR_COLOR, stroke="white", strokeWidth=0.5)
        .encode(
            x=year_axis(frame, year_title),
            x2="year_end:Q",
            y=alt.Y(
                f"{field}:Q",
                title=count_title,
                axis=alt.Axis(format=COUNT_FORMAT, labelExpr=COUNT_LABELS),
            ),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("pub_year:Q", title=year_title, format=YEAR_FORMAT),
                count_tooltip(field, count_title),
            ],
        )
        .properties(width=WIDTH, height=220)
    )


def articles_per_year(frame: pl.DataFrame) -> dict:
    """Bars of articles per publication year on a continuous year axis."""
    title = "Articles per publication year"
    return year_bars(frame, "article_count", title, "articles", "publication year").to_dict()


def citations_per_year(frame: pl.DataFrame) -> dict:
    """Bars of citations within the warehouse per publication year of the citing articles."""
    title = "Citations within the warehouse, by year of the citing article"
    chart = year_bars(frame, "citation_count", title, "citations", "citing year")
    tooltip = [
        alt.Tooltip("pub_year:Q", title="citing year", format=YEAR_FORMAT),
        count_tooltip("citation_count", "citations"),
        count_tooltip("cited_articles", "articles cited"),
    ]
    return chart.encode(tooltip=tooltip).to_dict()


def base_chart(frame: pl.DataFrame, title: str, check_tags: bool | None) -> alt.Chart:
    """A chart of the frame; with CHECK_TAGS not None, rows flagged as check tags are dropped
    (before any ranking) unless the switch, whose first value is CHECK_TAGS, is on."""
    chart = alt.Chart(values(frame), title=title)
    if check_tags is None:
        return chart
    switch = alt.param(name=INCLUDE_CHECK_TAGS, value=check_tags)
    return chart.add_params(switch).transform_filter(f"{INCLUDE_CHECK_TAGS} || !datum.is_check_tag")


def ranked_bars(
    frame: pl.DataFrame,
    name: str,
    title: str,
    top: int,
    check_tags: bool | None = None,
) -> alt.Chart:
    """Horizontal bars of `article_count` per NAME, longest first, at most TOP."""
    return (
        base_chart(frame, title, check_tags)
        .transform_window(
            rank="row_number()",
            sort=[alt.SortField("article_count", order="descending"), alt.SortField(name)],
        )
        .transform_filter(f"datum.rank <= {top}")
        .mark_bar(color=BAR_COLOR)
        .encode(
            y=alt.Y(f"{name}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X(
                "article_count:Q",
                title="articles",
                axis=alt.Axis(format=COUNT_FORMAT, labelExpr=COUNT_LABELS),
            ),
            tooltip=[
                alt.Tooltip(f"{name}:N", title=title),
                count_tooltip("article_count", "articles"),
            ],
        )
        .properties(width=WIDTH)
    )


def top_list(frame: pl.DataFrame, name: str, title: str, top: int) -> dict:
    """A ranked bar chart of the frame's rows (journals, substances, countries)."""
    return ranked_bars(frame, name, title, top).to_dict()


def top_journals(frame: pl.DataFrame, top: int) -> dict:
    """Bars of the TOP journals by articles (NLM abbreviation; the full title on hover)."""
    tooltip = [
        alt.Tooltip("journal:N", title="Top journals"),
        alt.Tooltip("journal_title:N", title="title"),
        count_tooltip("article_count", "articles"),
    ]
    return ranked_bars(frame, "journal", "Top journals", top).encode(tooltip=tooltip).to_dict()


def top_descriptors(frame: pl.DataFrame, top: int, include_check_tags: bool) -> dict:
    """Bars of the TOP descriptors by articles, check tags shown only when the switch is on."""
    chart = ranked_bars(frame, "descriptor_name", "Top MeSH descriptors", top, include_check_tags)
    tooltip = [
        alt.Tooltip("descriptor_name:N", title="descriptor"),
        count_tooltip("article_count", "articles"),
        count_tooltip("major_article_count", "as major topic"),
    ]
    return chart.encode(tooltip=tooltip).to_dict()


def term_trend(frame: pl.DataFrame, term: str) -> dict:
    """The term's articles per year (bars, left axis) and their share of all articles that
    year (line, right axis)."""
    tooltip = [
        year_tooltip(),
        count_tooltip("term_articles", f"articles on {term}"),
        count_tooltip("major_articles", "as major topic"),
        count_tooltip("all_articles", "all articles"),
        alt.Tooltip("term_share:Q", title="share of all", format=".1%"),
    ]
    base = with_year_span(alt.Chart(values(frame))).encode(tooltip=tooltip)
    bars = base.mark_bar(color=BAR_COLOR, stroke="white", strokeWidth=0.5).encode(
        x=year_axis(frame),
        x2="year_end:Q",
        y=alt.Y(
            "term_articles:Q",
            title=f"articles on {term}",
            axis=alt.Axis(format=COUNT_FORMAT, labelExpr=COUNT_LABELS, titleColor=BAR_COLOR),
        ),
        y2=alt.datum(0),
    )
    share = base.mark_line(color=MAJOR_COLOR, point=True).encode(
        x="pub_year:Q",
        y=alt.Y(
            "term_share:Q",
            title="share of all articles",
            axis=alt.Axis(format="%", orient="right", titleColor=MAJOR_COLOR),
        ),
    )
    title = f"{term}: articles per year, and their share of all articles that year"
    chart = alt.layer(bars, share, title=title).resolve_scale(y="independent")
    return chart.properties(width=WIDTH, height=220).to_dict()


def heatmap(
    frame: pl.DataFrame, title: str, name_title: str, top: int, check_tags: bool | None = None
) -> alt.Chart:
    """Cells of articles per name and year: names by total (largest first), years continuous."""
    return (
        with_year_span(base_chart(frame, title, check_tags))
        .transform_window(
            name_rank="dense_rank()",
            sort=[alt.SortField("total", order="descending"), alt.SortField("name")],
        )
        .transform_filter(f"datum.name_rank <= {top}")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=year_axis(frame),
            x2="year_end:Q",
            y=alt.Y(
                "name:N",
                title=None,
                sort=alt.EncodingSortField("total", order="descending"),
                axis=alt.Axis(labelLimit=320),
            ),
            color=alt.Color(
                "article_count:Q",
                title="articles",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format=COUNT_FORMAT, labelExpr=COUNT_LABELS),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=name_title),
                year_tooltip(),
                count_tooltip("article_count", "articles"),
                count_tooltip("total", "all years"),
            ],
        )
        .properties(width=WIDTH)
    )


def term_substances(frame: pl.DataFrame, term: str, top: int) -> dict:
    """Heat map of the substances indexed with the term, year by year."""
    return heatmap(frame, f"Substances indexed with {term}", "substance", top).to_dict()


def term_descriptors(frame: pl.DataFrame, term: str, top: int, include_check_tags: bool) -> dict:
    """Heat map of descriptors co-occurring with the term, check tags behind the switch."""
    title = f"Descriptors co-occurring with {term}"
    return heatmap(frame, title, "descriptor", top, include_check_tags).to_dict()


def mesh_tree(frame: pl.DataFrame, title: str, top: int) -> dict:
    """Heat map of articles per MeSH tree node and year (each article once per node), with the
    major-topic articles on hover."""
    tooltip = [
        alt.Tooltip("name:N", title="tree node"),
        year_tooltip(),
        count_tooltip("article_count", "articles"),
        count_tooltip("major_article_count", "as major topic"),
        count_tooltip("total", "all years"),
    ]
    return heatmap(frame, title, "tree node", top).encode(tooltip=tooltip).to_dict()
