"""A MeSH vocabulary for the scale data: `desc2026.xml` and `supp2026.xml` shaped like NLM's.

`uv run --group bench python -m bench.scale_mesh` writes them into `bench/out/mesh/`.

Every descriptor the scale files draw (`bench.scale_vocab.descriptor_pool`) gets a
`DescriptorRecord` with its UI and name. Descriptors whose tree numbers the corpus MeSH samples
hold (`../shared/corpus/mesh/`) keep them; the others get believable places: under several top
nodes per category (A01..A17, C01..C26, D01..D27, ...), at depths 2-8 (most at 3-5), each
parent an existing node, a built name (`Neoplasms, Experimental`) below the descriptor it is
built from, substances under D (Chemicals and Drugs), and about a third of the descriptors in
two or three places. The pharmacological actions of the corpus are descriptors under D27.505
(Pharmacologic Actions), some below others. Every scale substance with a C UI gets a
`SupplementalRecord` mapped to one to three chemical descriptors (the first major); some
supplementary records and substance descriptors have actions, drawn with Zipf frequencies.
Random draws are seeded: the same corpus gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import polars as pl
from lxml import etree

from bench.scale_data import ranks, zipf_cdf
from bench.scale_templates import CHECK_TAGS
from bench.scale_vocab import CORPUS, build_vocabulary

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "mesh"
MESH_YEAR = 2026
CORPUS_DESCRIPTORS = (
    "mesh/meshrdf/desc-samples.xml",
    "mesh/drugref/mesh_ci_desc_subset.xml",
    "mesh/tipplerow/mesh_desc_sample.xml",
    "mesh/wellcome/raw_descriptors.xml",
)
"""Corpus descriptor files, first wins for a UI or a tree number."""
CORPUS_RECORDS = (*CORPUS_DESCRIPTORS, "mesh/meshrdf/supp-samples.xml",
                  "mesh/drugref/mesh_ci_supp_subset.xml", "mesh/tipplerow/mesh_supp_sample.xml",
                  "mesh/tipplerow/mesh_pa_sample.xml")  # fmt: skip
"""Corpus MeSH files whose pharmacological actions become the scale actions."""
TOP_NODES = {"A": 17, "B": 5, "C": 26, "D": 27, "E": 7, "F": 4, "G": 17, "H": 2, "I": 3,
             "J": 3, "K": 1, "L": 1, "M": 1, "N": 6, "V": 4, "Z": 1}  # fmt: skip
"""Top nodes per MeSH category letter, as many as MeSH has."""
LETTER_WEIGHTS = {"A": 9, "B": 8, "C": 22, "D": 36, "E": 7, "F": 3, "G": 8, "H": 1, "I": 2,
                  "J": 1, "K": 0.3, "L": 0.5, "M": 1, "N": 3, "V": 0.5, "Z": 1}  # fmt: skip
"""Share of MeSH tree numbers per category (roughly MeSH's)."""
DEPTH_WEIGHTS = np.array([8, 20, 26, 21, 13, 8, 4], dtype=float)
"""Depths 2..8 of a new place."""
ACTION_BRANCHES = ("D27.505.519", "D27.505.696", "D27.505.954")
"""Molecular mechanisms, physiological effects, therapeutic uses: where actions go."""
SECOND_PLACE, THIRD_PLACE = 0.30, 0.08
"""Share of descriptors with a second, and a third, tree number."""
ACTION_SHARE = {"supplementary": 0.4, "descriptors": 0.6}
"""Share of supplementary records, and of substance descriptors, that have actions."""
MAX_DEPTH = 8
NODE_DEPTH = 3
"""Depth of the tree node the growth bench's subtree queries ask for."""


@dataclass
class Tree:
    """Tree numbers and their owners, growing as descriptors are placed."""

    rng: np.random.Generator
    owner: dict[str, str] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)
    by_level: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def own(self, number: str, ui: str) -> None:
        self.owner[number] = ui
        self.places.setdefault(ui, []).append(number)
        self.by_level.setdefault((number[0], number.count(".") + 1), []).append(number)

    def child(self, parent: str) -> str:
        """A new, free tree number below `parent` (three digits, as MeSH's)."""
        while True:
            number = f"{parent}.{int(self.rng.integers(1, 1000)):03d}"
            if number not in self.owner:
                return number

    def parent_for(self, letter: str) -> str:
        """An existing node of category `letter` at a drawn depth (shallower when none)."""
        depth = 2 + int(self.rng.choice(len(DEPTH_WEIGHTS), p=DEPTH_WEIGHTS / DEPTH_WEIGHTS.sum()))
        for level in range(depth - 1, 0, -1):
            nodes = self.by_level.get((letter, level))
            if nodes:
                return nodes[int(self.rng.integers(len(nodes)))]
        raise ValueError(f"no top node for category {letter}")

    def place(self, ui: str, letter: str, below: str | None = None) -> None:
        """Give `ui` a new place under `below` when it is not too deep, else anywhere."""
        if below is None or below.count(".") + 1 >= MAX_DEPTH:
            below = self.parent_for(letter)
        self.own(self.child(below), ui)


@dataclass
class Vocabulary:
    """Descriptor names, their places and actions; supplementary records and their links."""

    names: dict[str, str]
    tree: Tree
    actions: list[str]
    descriptor_actions: dict[str, list[str]]
    supplementary: list[tuple[str, str, str]]
    mapped: dict[str, list[str]]
    supplementary_actions: dict[str, list[str]]


def corpus_records() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Tree numbers of each corpus descriptor UI, and every corpus action (UI -> name)."""
    trees: dict[str, list[str]] = {}
    actions: dict[str, str] = {}
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    for path in CORPUS_RECORDS:
        root = etree.parse(str(CORPUS / path), parser).getroot()
        for record in root.iter("DescriptorRecord"):
            numbers = [" ".join(t.text.split()) for t in record.iterfind(".//TreeNumber")]
            trees.setdefault(record.findtext("DescriptorUI").strip(), numbers)
        for action in root.iter("PharmacologicalAction"):
            ui = action.findtext("DescriptorReferredTo/DescriptorUI").strip()
            name = action.findtext("DescriptorReferredTo/DescriptorName/String").strip()
            actions.setdefault(ui, escape(name))
    return trees, actions


def prefixes(number: str) -> list[str]:
    parts = number.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def place_fixed(tree: Tree, names: dict[str, str], corpus: dict[str, list[str]]) -> list[str]:
    """Corpus places of pool descriptors; the nodes above them and the top nodes still to own."""
    for ui in names:
        for number in corpus.get(ui, []):
            if number not in tree.owner:
                tree.own(number, ui)
    needed = {p for n in tree.owner for p in prefixes(n)}
    needed |= {
        f"{letter}{i:02d}" for letter, count in TOP_NODES.items() for i in range(1, count + 1)
    }
    needed |= {p for branch in ACTION_BRANCHES for p in prefixes(branch)}
    return sorted(needed - tree.owner.keys(), key=lambda n: (n.count("."), n))


def place_actions(tree: Tree, actions: list[str], names: dict[str, str]) -> None:
    """Actions under D27.505's branches, some below earlier actions (roll-ups of actions)."""
    for ui in actions:
        if ui in tree.places:
            continue
        below = [*ACTION_BRANCHES, *(p for a in actions for p in tree.places.get(a, []))]
        parent = below[int(tree.rng.integers(len(below)))]
        tree.place(ui, "D", parent)


def place_rest(
    tree: Tree, names: dict[str, str], open_nodes: list[str], chemicals: set[str]
) -> None:
    """Nodes still unowned go to drawn descriptors; every other descriptor gets a place."""
    waiting = [ui for ui in names if ui not in tree.places]
    order = tree.rng.permutation(len(waiting))
    for number, index in zip(open_nodes, order, strict=False):
        tree.own(number, waiting[index])
    by_name = {name: ui for ui, name in names.items()}
    letters = list(LETTER_WEIGHTS)
    weights = np.array(list(LETTER_WEIGHTS.values()))
    for ui in waiting:
        if ui in tree.places:
            continue
        base = by_name.get(names[ui].rsplit(", ", 1)[0]) if ui.startswith("D9") else None
        below = tree.places[base][0] if base in tree.places else None
        letter = below[0] if below else "D" if ui in chemicals else None
        letter = letter or letters[int(tree.rng.choice(len(letters), p=weights / weights.sum()))]
        tree.place(ui, letter, below)


def more_places(tree: Tree, names: dict[str, str]) -> None:
    """A second place for about a third of the descriptors, a third place for some."""
    uis = list(names)
    draws = tree.rng.random(len(uis))
    for ui, draw in zip(uis, draws, strict=True):
        for _ in range(int(draw < SECOND_PLACE) + int(draw < THIRD_PLACE)):
            tree.place(ui, tree.places[ui][0][0])


def zipf_lists(rng: np.random.Generator, keys: list[str], pool: list[str], share: float,
               most: int) -> dict[str, list[str]]:  # fmt: skip
    """For a `share` of `keys`, 1..`most` distinct items of `pool` drawn with Zipf ranks."""
    chosen = [k for k, u in zip(keys, rng.random(len(keys)), strict=True) if u < share]
    counts = rng.integers(1, most + 1, len(chosen))
    picks = ranks(zipf_cdf(len(pool)), rng.random(int(counts.sum()))).tolist()
    out, at = {}, 0
    for key, count in zip(chosen, counts.tolist(), strict=True):
        out[key] = list(dict.fromkeys(pool[i] for i in picks[at : at + count]))
        at += count
    return out


def build() -> Vocabulary:
    """Place every scale descriptor, draw supplementary mappings and actions."""
    scale = build_vocabulary()
    rng = np.random.default_rng([MESH_YEAR, 0x4D455348])
    names = dict(zip(scale.descriptors.uis, scale.descriptors.names, strict=True))
    names = {ui: names[ui] for ui in dict.fromkeys(scale.descriptors.uis)}
    corpus, corpus_actions = corpus_records()
    actions = list(corpus_actions)
    for ui in actions:
        names.setdefault(ui, corpus_actions[ui])
    substances = dict(zip(scale.substances.uis, scale.substances.names, strict=True))
    chemicals = {ui for ui in substances if ui.startswith("D")}
    tree = Tree(rng)
    open_nodes = place_fixed(tree, names, corpus)
    place_actions(tree, actions, names)
    place_rest(tree, names, open_nodes, chemicals)
    more_places(tree, names)
    drugs = [ui for ui in names if tree.places[ui][0][0] == "D" and ui not in corpus_actions]
    supplementary = [
        (ui, name, number)
        for (ui, name), number in zip(substances.items(), scale.substances.extra, strict=True)
        if ui.startswith("C")
    ]
    keys = [ui for ui, _, _ in supplementary]
    return Vocabulary(
        names=names,
        tree=tree,
        actions=actions,
        descriptor_actions=zipf_lists(
            rng, sorted(chemicals), actions, ACTION_SHARE["descriptors"], 2
        ),
        supplementary=supplementary,
        mapped=zipf_lists(rng, keys, drugs, 1.0, 3),
        supplementary_actions=zipf_lists(rng, keys, actions, ACTION_SHARE["supplementary"], 2),
    )


def _date(tag: str, number: int) -> str:
    year, month, day = 1963 + number % 60, 1 + number % 12, 1 + number % 28
    return (
        f"  <{tag}>\n   <Year>{year}</Year>\n   <Month>{month:02d}</Month>\n"
        f"   <Day>{day:02d}</Day>\n  </{tag}>\n"
    )


def _referred(ui: str, name: str, star: bool = False) -> str:
    return (
        f"    <DescriptorReferredTo>\n     <DescriptorUI>{'*' if star else ''}{ui}</DescriptorUI>\n"
        f"     <DescriptorName>\n      <String>{name}</String>\n     </DescriptorName>\n"
        "    </DescriptorReferredTo>\n"
    )


def _actions(uis: list[str], names: dict[str, str]) -> str:
    if not uis:
        return ""
    body = "".join(
        f"   <PharmacologicalAction>\n{_referred(ui, names[ui])}   </PharmacologicalAction>\n"
        for ui in uis
    )
    return f"  <PharmacologicalActionList>\n{body}  </PharmacologicalActionList>\n"


def _concept(number: int, name: str, registry: str | None = None) -> str:
    registry_line = f"    <RegistryNumber>{registry}</RegistryNumber>\n" if registry else ""
    return (
        f'  <ConceptList>\n   <Concept PreferredConceptYN="Y">\n    <ConceptUI>M9{number:06d}'
        f"</ConceptUI>\n    <ConceptName>\n     <String>{name}</String>\n    </ConceptName>\n"
        f"{registry_line}    <TermList>\n"
        '     <Term ConceptPreferredTermYN="Y" IsPermutedTermYN="N" LexicalTag="NON" '
        f'RecordPreferredTermYN="Y">\n      <TermUI>T9{number:06d}</TermUI>\n'
        f"      <String>{name}</String>\n     </Term>\n    </TermList>\n   </Concept>\n"
        "  </ConceptList>\n"
    )


def descriptor_record(number: int, ui: str, vocab: Vocabulary) -> str:
    name = vocab.names[ui]
    trees = "".join(f"   <TreeNumber>{t}</TreeNumber>\n" for t in vocab.tree.places[ui])
    return (
        f'<DescriptorRecord DescriptorClass="1">\n  <DescriptorUI>{ui}</DescriptorUI>\n'
        f"  <DescriptorName>\n   <String>{name}</String>\n  </DescriptorName>\n"
        f"{_date('DateCreated', number)}{_date('DateEstablished', number + 7)}"
        f"{_actions(vocab.descriptor_actions.get(ui, []), vocab.names)}"
        f"  <TreeNumberList>\n{trees}  </TreeNumberList>\n{_concept(number, name)}"
        "</DescriptorRecord>\n"
    )


def supplementary_record(number: int, record: tuple[str, str, str], vocab: Vocabulary) -> str:
    ui, name, registry = record
    headings = "".join(
        f"   <HeadingMappedTo>\n{_referred(d, vocab.names[d], star=i == 0)}   </HeadingMappedTo>\n"
        for i, d in enumerate(vocab.mapped[ui])
    )
    return (
        f'<SupplementalRecord SCRClass="1">\n  <SupplementalRecordUI>{ui}</SupplementalRecordUI>\n'
        f"  <SupplementalRecordName>\n   <String>{name}</String>\n  </SupplementalRecordName>\n"
        f"{_date('DateCreated', number)}  <Frequency>{1 + number % 40}</Frequency>\n"
        f"  <HeadingMappedToList>\n{headings}  </HeadingMappedToList>\n"
        f"{_actions(vocab.supplementary_actions.get(ui, []), vocab.names)}"
        f"{_concept(500_000 + number, name, None if registry == '0' else escape(registry))}"
        "</SupplementalRecord>\n"
    )


def _write(path: Path, root: str, dtd: str, records: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE {root} SYSTEM "https://nlmpubs.nlm.nih.gov/projects/mesh/{MESH_YEAR}/'
        f'xmlmesh/{dtd}{MESH_YEAR}.dtd">\n<{root} LanguageCode="eng">\n'
    )
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(head + "".join(records) + f"</{root}>\n", encoding="utf-8")
    partial.replace(path)
    return path


@cache
def vocabulary() -> Vocabulary:
    return build()


def write_mesh(folder: Path = OUT) -> tuple[Path, Path]:
    """Write `desc2026.xml` and `supp2026.xml` into `folder` (always rewritten: a few s)."""
    vocab = vocabulary()
    descriptors = [descriptor_record(i, ui, vocab) for i, ui in enumerate(vocab.names)]
    supplementary = [supplementary_record(i, r, vocab) for i, r in enumerate(vocab.supplementary)]
    desc = _write(folder / f"desc{MESH_YEAR}.xml", "DescriptorRecordSet", "desc", descriptors)
    supp = _write(folder / f"supp{MESH_YEAR}.xml", "SupplementalRecordSet", "supp", supplementary)
    return desc, supp


def common_action() -> str:
    """The action drawn most often (Zipf rank 0): a parameter the scale data matches."""
    return vocabulary().actions[0]


def populated_node(terms: pl.LazyFrame, depth: int = NODE_DEPTH, category: str = "C") -> str:
    """The tree node of `category` (C: Diseases) at `depth` with the most articles at or below
    it, in a scale file's `terms` (its descriptors placed by this vocabulary), check tags such
    as `Humans` aside."""
    owner = vocabulary().tree.owner
    places = pl.LazyFrame(
        {"tree_number": list(owner), "descriptor_ui": list(owner.values())},
        schema={"tree_number": pl.String, "descriptor_ui": pl.String},
    )
    parts = pl.col("tree_number").str.split(".")
    top = (
        terms.filter(~pl.col("descriptor_name").is_in(sorted(CHECK_TAGS)))
        .select("pmid", "descriptor_ui")
        .join(places, on="descriptor_ui")
        .filter(pl.col("tree_number").str.starts_with(category), parts.list.len() >= depth)
        .group_by(node=parts.list.head(depth).list.join("."))
        .agg(pl.col("pmid").n_unique().alias("articles"))
        .sort(["articles", "node"], descending=[True, False])
        .first()
        .collect()
    )
    return top["node"][0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_mesh", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default bench/out/mesh)")
    args = parser.parse_args(argv)
    for path in write_mesh(args.out):
        sys.stdout.write(f"{path}: {path.stat().st_size / 2**20:.1f} MiB\n")


if __name__ == "__main__":
    main()
