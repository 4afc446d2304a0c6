"""What scale files are made of: real corpus records, and the names and words they draw from.

Everything comes from `../shared/corpus/` (never `holdout/`): the seed records (every distinct
`PubmedArticle`, and the legacy `MedlineCitation`s of a real 2016 update file wrapped as one),
MeSH descriptors, qualifiers and substances with their UIs, keywords, author names,
affiliations, and a second-order word chain trained on the seeds' titles and abstracts. Pools are
ranked by how often the seeds use each name, so a Zipf draw keeps `Humans` common and the tail
long. Where the corpus has fewer names than a baseline uses, pools are extended with names built
from real parts (`Neoplasms` + `, Experimental`; `N-acetyl` + a real substance) under UIs
`D9.....`/`C9.....` that no real record carries.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import numpy as np
from lxml import etree

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SEED_FOLDERS = ("xml", "pairs")
QUALIFIERS = "mesh/meshrdf/qual2014.xml"
DESCRIPTOR_POOL = 10_000
SUBSTANCE_POOL = 5_000
SUBSTANCE_PREFIXES = (
    "N-acetyl-", "2-hydroxy-", "4-chloro-", "3-methyl-", "N,N-dimethyl-", "6-fluoro-",
    "1-benzyl-", "5-nitro-", "O-methyl-", "4-amino-", "2-oxo-", "N-ethyl-",
)  # fmt: skip


@dataclass
class Pool:
    """Names (XML-escaped) ranked by frequency in the corpus, with UIs and extra fields."""

    names: list[str]
    uis: list[str]
    extra: list[str]

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class WordChain:
    """Word bigrams of the corpus text as flat arrays (successors of word w: start[w]..end)."""

    words: np.ndarray  # object array of XML-escaped words
    start: np.ndarray
    count: np.ndarray
    successor: np.ndarray
    cumulative: np.ndarray  # running sum of edge weights, in successor order


@dataclass
class Vocabulary:
    """Seed records and every pool a scale file draws from."""

    seeds: list[etree._Element]
    descriptors: Pool
    qualifiers: Pool
    substances: Pool
    keywords: Pool
    journals: Pool
    last_names: Pool
    fore_names: Pool
    departments: Pool
    institutions: Pool
    chain: WordChain


def seed_paths() -> list[Path]:
    """Corpus XML files that seed scale files, in path order (holdout excluded)."""
    found = [
        p
        for folder in SEED_FOLDERS
        for p in (CORPUS / folder).rglob("*")
        if p.is_file() and p.name.endswith((".xml", ".xml.gz"))
    ]
    return sorted(found, key=lambda p: p.relative_to(CORPUS).as_posix())


def _root(path: Path) -> etree._Element:
    parser = etree.XMLParser(
        load_dtd=False, no_network=True, resolve_entities=False, huge_tree=True
    )
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as stream:
        return etree.parse(stream, parser).getroot()


def _as_article(citation: etree._Element) -> etree._Element:
    """A legacy `MedlineCitation` wrapped as a `PubmedArticle` with its PMID in `PubmedData`."""
    article = etree.Element("PubmedArticle")
    article.append(citation)
    ids = etree.SubElement(etree.SubElement(article, "PubmedData"), "ArticleIdList")
    etree.SubElement(ids, "ArticleId", IdType="pubmed").text = citation.findtext("PMID")
    return article


def seed_records() -> list[etree._Element]:
    """Every distinct seed record as a `PubmedArticle` with `PubmedData` (first PMID wins)."""
    records: dict[str, etree._Element] = {}
    for path in seed_paths():
        root = _root(path)
        for article in root.iter("PubmedArticle"):
            if article.find("PubmedData") is not None:
                records.setdefault(article.findtext("MedlineCitation/PMID"), article)
        if root.tag == "MedlineCitationSet":
            for citation in root.findall("MedlineCitation"):
                records.setdefault(citation.findtext("PMID"), _as_article(citation))
    return [records[pmid] for pmid in sorted(records, key=int)]


def _ranked(counts: Counter) -> list:
    """Keys by falling count, ties in key order (deterministic)."""
    return [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _named_pool(seeds: list[etree._Element], tag: str) -> Counter:
    """(UI, name) pairs of an element across the seeds, one UI per name, with counts."""
    counts: Counter = Counter()
    ui_of: dict[str, str] = {}
    for seed in seeds:
        for el in seed.iter(tag):
            name = (el.text or "").strip()
            if name and el.get("UI"):
                ui_of.setdefault(name, el.get("UI"))
                counts[(ui_of[name], name)] += 1
    return counts


def _extend(pool: Counter, size: int, make_name, ui_prefix: str) -> list[tuple[str, str]]:
    """The ranked pool, then names built from its own parts until it holds `size` names."""
    ranked = _ranked(pool)
    taken = {name for _, name in ranked}
    extra: list[tuple[str, str]] = []
    for candidate in make_name([name for _, name in ranked]):
        if len(ranked) + len(extra) >= size:
            break
        if candidate not in taken:
            taken.add(candidate)
            extra.append((f"{ui_prefix}{len(extra):05d}", candidate))
    return ranked + extra


def _descriptor_variants(names: list[str]) -> Iterator[str]:
    """`Name, Modifier` from real names and the modifiers real names end with."""
    modifiers = sorted({n.rsplit(", ", 1)[1] for n in names if ", " in n})
    for modifier in modifiers:
        for name in names:
            if ", " not in name:
                yield f"{name}, {modifier}"


def _substance_variants(names: list[str]) -> Iterator[str]:
    for prefix in SUBSTANCE_PREFIXES:
        for name in names:
            yield prefix + name[:1].lower() + name[1:]


def descriptor_pool(seeds: list[etree._Element]) -> Pool:
    pairs = _extend(
        _named_pool(seeds, "DescriptorName"), DESCRIPTOR_POOL, _descriptor_variants, "D9"
    )
    return Pool([escape(n) for _, n in pairs], [u for u, _ in pairs], [""] * len(pairs))


def substance_pool(seeds: list[etree._Element]) -> Pool:
    """Substances with registry numbers (`0` for built names, as NLM gives many real ones)."""
    registry: dict[str, str] = {}
    for seed in seeds:
        for chemical in seed.iter("Chemical"):
            name = chemical.find("NameOfSubstance")
            registry.setdefault(name.get("UI"), chemical.findtext("RegistryNumber") or "0")
    pairs = _extend(
        _named_pool(seeds, "NameOfSubstance"), SUBSTANCE_POOL, _substance_variants, "C9"
    )
    numbers = [registry.get(ui, "0") for ui, _ in pairs]
    return Pool([escape(n) for _, n in pairs], [u for u, _ in pairs], numbers)


def qualifier_pool(seeds: list[etree._Element]) -> Pool:
    """Every qualifier of MeSH 2014, the ones the seeds use most first."""
    used = _named_pool(seeds, "QualifierName")
    records = _root(CORPUS / QUALIFIERS).iter("QualifierRecord")
    for record in records:
        key = (record.findtext("QualifierUI"), record.findtext("QualifierName/String").strip())
        used[key] += 0
    pairs = _ranked(+used) + sorted(k for k in used if used[k] == 0)
    return Pool([escape(n) for _, n in pairs], [u for u, _ in pairs], [""] * len(pairs))


def text_pool(seeds: list[etree._Element], path: str, also: list[str] = ()) -> Pool:
    """Distinct texts of an element path across the seeds, most frequent first, then `also`."""
    counts = Counter(
        " ".join("".join(el.itertext()).split()) for seed in seeds for el in seed.iterfind(path)
    )
    counts.pop("", None)
    ranked = _ranked(counts)
    names = ranked + [n for n in also if n not in counts]
    return Pool([escape(n) for n in names], [""] * len(names), [""] * len(names))


def affiliation_pools(seeds: list[etree._Element]) -> tuple[Pool, Pool]:
    """Departments (text before the first comma) and institutions (the rest), apart."""
    departments: Counter = Counter()
    institutions: Counter = Counter()
    for seed in seeds:
        for el in seed.iterfind(".//AffiliationInfo/Affiliation"):
            head, _, rest = " ".join((el.text or "").split()).partition(", ")
            if head and rest:
                departments[head] += 1
                institutions[rest] += 1
    pools = []
    for counts in (departments, institutions):
        names = [escape(n) for n in _ranked(counts)]
        pools.append(Pool(names, [""] * len(names), [""] * len(names)))
    return pools[0], pools[1]


def word_chain(seeds: list[etree._Element]) -> WordChain:
    """Second-order word chain (next word given the two before it) over every title and
    abstract of the seeds, read as one circular text; a state is a word pair."""
    tokens: list[str] = []
    for seed in seeds:
        for el in seed.iterfind("MedlineCitation/Article/ArticleTitle"):
            tokens += "".join(el.itertext()).split()
        for el in seed.iterfind("MedlineCitation/Article/Abstract/AbstractText"):
            tokens += "".join(el.itertext()).split()
    vocabulary, ids = np.unique(np.array(tokens, dtype=object), return_inverse=True)
    pair_keys = ids.astype(np.int64) * len(vocabulary) + np.roll(ids, -1)
    pairs, states = np.unique(pair_keys, return_inverse=True)
    moves = states.astype(np.int64) * len(pairs) + np.roll(states, -1)
    edges, weights = np.unique(moves, return_counts=True)
    source, successor = np.divmod(edges, len(pairs))
    start = np.searchsorted(source, np.arange(len(pairs)))
    count = np.diff(np.append(start, len(source)))
    escaped = np.array([escape(w) for w in vocabulary], dtype=object)
    return WordChain(escaped[pairs % len(vocabulary)], start, count, successor, np.cumsum(weights))


def build_vocabulary() -> Vocabulary:
    """Read the corpus once and build every pool."""
    seeds = seed_records()
    descriptors = descriptor_pool(seeds)
    departments, institutions = affiliation_pools(seeds)
    return Vocabulary(
        seeds=seeds,
        descriptors=descriptors,
        qualifiers=qualifier_pool(seeds),
        substances=substance_pool(seeds),
        keywords=text_pool(
            seeds, ".//KeywordList/Keyword", [unescape(n).lower() for n in descriptors.names]
        ),
        journals=text_pool(seeds, ".//MedlineJournalInfo/MedlineTA"),
        last_names=text_pool(seeds, ".//AuthorList/Author/LastName"),
        fore_names=text_pool(seeds, ".//AuthorList/Author/ForeName"),
        departments=departments,
        institutions=institutions,
        chain=word_chain(seeds),
    )
