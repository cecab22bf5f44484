"""The chunked index (kb.search.store) and the query engine of kb-search.js over it.

No Sphinx here: pages are random sentences; the oracle is a substring test on
their folded text, written in this file. The engine runs in node over the
files the Python side wrote, as a browser would load them.
"""

from __future__ import annotations

import json
import random
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

from kb.search.files import FOLDER, order_pages, pack_positions
from kb.search.index import decode
from kb.search.pagekeys import PageRecord, page_keys
from kb.search.store import update, write_full
from search_oracle import holds, page_text

JS = Path(__file__).resolve().parent.parent / "ext" / "kb" / "static" / "kb-search.js"

WORDS = [
    "データセンター",
    "容量",
    "電力",
    "GB200",
    "H100",
    "ｴｰｼﾞｪﾝﾄ",
    "1.4兆ドル",
    "投資",
    "AWS",
    "提携",
    "チップ",
    "汎用人工知能",
    "半導体",
    "の",
    "と",
    "との",
    "を",
    "、",
    "。",
    "計算資源",
    "ＧＰＵ",
    "AI",
    "は",
    "が",
    "2024年",
    "9月",
    "協力",
    "会社",
    "力会",
    " ",
    "\n",
]


def fold(text: str) -> str:
    """NFKC and lower case, written again here so the oracle does not trust the code it checks."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def random_pages(seed: int, count: int) -> dict[str, PageRecord]:
    rng = random.Random(seed)

    def sentence(low: int, high: int) -> str:
        return "".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))

    pages = {}
    for number in range(count):
        name = f"p{number:03d}"
        dated = rng.random() < 0.8
        pages[name] = PageRecord(
            docname=name,
            url=f"{name}.html",
            title=sentence(2, 4).replace("\n", ""),
            date=f"2025-01-{rng.randint(1, 28):02d}T00:00:00" if dated else "",
            names=tuple(rng.sample(WORDS[:13], 2)) if number % 3 == 0 else (),
            excerpt=sentence(2, 5).replace("\n", "") if number % 2 else "",
            body=sentence(5, 40),
        )
    return pages


def oracle(record: PageRecord, query: str) -> bool:
    return holds(page_text(record.text().split("\n")), query)


ENGINE = """
const { KbSearchTokenizer, KbSearchEngine } = require(process.argv[1]);
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const dir = process.argv[2];
let loaded = new Map(); // files one query loaded, with their sizes
const grab = (file) => {
  let out;
  global.KbSearch = new Proxy({}, { get: () => (number, data) => (out = data) });
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  loaded.set(file, Buffer.byteLength(text));
  eval(text);
  return out;
};
const loader = {
  manifest: async () => grab("index.js"),
  chunk: async (bucket) => grab(`t/${bucket}.js`),
  positions: async (bucket) => grab(`x/${bucket}.js`),
};
// As the search page does when positions cannot prove a part: the pages' text decides.
const compact = KbSearchTokenizer.compact || ((text) => text); // index format 1 had none
const byText = (ranked, parts) =>
  ranked.filter((id) => {
    const data = grab(`d/${id}.js`);
    const text = zlib.inflateRawSync(Buffer.from(data.z, "base64")).toString("utf8");
    return KbSearchEngine.verify(compact(KbSearchTokenizer.foldWidthAndCase(text)), parts);
  });
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const engine = KbSearchEngine.create(loader);
  const out = [];
  for (const query of JSON.parse(input)) {
    loaded = new Map();
    const parts = KbSearchTokenizer.queryParts(query);
    const found = await engine.search(parts);
    const exact = await found.exact();
    const answer = exact === null ? byText(found.ranked, parts) : exact;
    // Bytes to the exact count and the snippets of the first 20 results.
    for (const id of answer.slice(0, 20)) grab(`d/${id}.js`);
    const bytes = [...loaded.values()].reduce((a, b) => a + b, 0);
    out.push({ ranked: found.ranked, proven: found.proven, exact, answer, bytes });
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def run_engine(
    node: str, index: Path, queries: list[str], script: Path = JS
) -> list[dict[str, Any]]:
    """Each query's answer from ``script`` (kb-search.js) over the index folder, in ``node``
    (the tests' fixture of that name)."""
    result = subprocess.run(
        [node, "-e", ENGINE, str(script), str(index)],
        input=json.dumps(queries, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


def build_index(tmp: Path, pages: dict[str, PageRecord]) -> tuple[Path, list[str]]:
    order = order_pages({name: record.date for name, record in pages.items()})
    write_full(tmp, order, pages.__getitem__)
    return tmp / FOLDER, order


def queries_for(pages: dict[str, PageRecord], seed: int) -> list[str]:
    rng = random.Random(seed)
    queries = [
        "データセンターの電力",
        "AWSとの提携",
        "エージェント",
        "gpu",
        "B20",
        "兆ド",
        "1.4兆ドル",
        "ai半導体",
        "2024年9月",
        "協力会社",
        "量子コンピュータ",
        "ＸＹＺ９９９",
    ]
    texts = [fold(record.text()) for record in pages.values()]
    for _ in range(40):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        queries.append(text[start : start + rng.randint(1, 9)])
    return queries


def test_engine_finds_exactly_the_pages_containing_the_query(tmp_path: Path, node: str) -> None:
    """Every page holding the query is a candidate, and the exact list is the oracle's."""
    pages = random_pages(3, 80)
    index, order = build_index(tmp_path, pages)
    queries = queries_for(pages, 5)
    exact_checked = 0
    answers = run_engine(node, index, queries)
    for query, answer in zip(queries, answers, strict=True):
        expected = {order.index(name) for name, record in pages.items() if oracle(record, query)}
        assert expected <= set(answer["ranked"]), query
        if answer["exact"] is not None:
            assert set(answer["exact"]) == expected, query
            assert answer["exact"] == [doc for doc in answer["ranked"] if doc in expected]
            exact_checked += 1
        if answer["proven"]:
            assert set(answer["ranked"]) == expected, query
    # Positions prove every phrase, one-character Japanese edges (2024年9月) included.
    assert exact_checked == len(queries)


def test_phrase_whose_tokens_are_all_on_a_page_is_not_found(tmp_path: Path, node: str) -> None:
    record = PageRecord("a", "a.html", "協力体制", body="電力会社どうしの協力。")
    other = PageRecord("b", "b.html", "別の話", body="協力会社の一覧。")
    index, order = build_index(tmp_path, {"a": record, "b": other})
    (answer,) = run_engine(node, index, ["協力会社"])
    assert set(answer["ranked"]) == {0, 1}  # both hold 協力, 力会, 会社
    assert answer["exact"] == [order.index("b")]


def test_ranking_title_then_names_then_excerpt_then_body_then_newest(
    tmp_path: Path, node: str
) -> None:
    pages = {
        "body-old": PageRecord("body-old", "1.html", "一", "2024-01-01", body="半導体の話"),
        "body-new": PageRecord("body-new", "2.html", "二", "2025-01-01", body="半導体の話"),
        "excerpt": PageRecord("excerpt", "3.html", "三", "2023-01-01", excerpt="半導体"),
        "names": PageRecord("names", "4.html", "四", "2022-01-01", names=("半導体",)),
        "title": PageRecord("title", "5.html", "半導体の今", "2021-01-01"),
    }
    index, order = build_index(tmp_path, pages)
    (answer,) = run_engine(node, index, ["半導体"])
    ranked = [order[doc] for doc in answer["ranked"]]
    assert ranked == ["title", "names", "excerpt", "body-new", "body-old"]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.js"))
    }


def test_update_gives_the_files_a_full_build_gives(tmp_path: Path) -> None:
    pages = random_pages(11, 60)
    first = tmp_path / "incremental"
    order = order_pages({name: record.date for name, record in pages.items()})
    state = write_full(first, order, pages.__getitem__)
    rng = random.Random(2)
    edited = dict(pages)
    changes: dict[str, tuple[PageRecord | None, PageRecord]] = {}
    for name in rng.sample(sorted(pages), 5):
        new = replace(pages[name], body=pages[name].body[::-1] + "新語ZZ9", excerpt="")
        edited[name] = new
        changes[name] = (pages[name], new)
    before = _files(first / FOLDER)
    written = update(first, state, changes)
    after = _files(first / FOLDER)
    fresh = tmp_path / "fresh"
    write_full(fresh, order, edited.__getitem__)
    assert after == _files(fresh / FOLDER)
    changed = {name for name in after if before.get(name) != after[name]}
    assert written == len(changed)
    assert update(first, state, {}) == 0
    # A word added at the end of one page: its page file, the buckets of the
    # word, its grams, the pairs around 。 (with a letter more on a word's
    # side) and 。 itself, and the positions of the word and the pairs; nothing else.
    name = order[7]
    grown = replace(edited[name], body=edited[name].body + "。QQ7")
    before = _files(first / FOLDER)
    update(first, state, {name: (edited[name], grown)})
    after = _files(first / FOLDER)
    changed = {path for path in after if before.get(path) != after[path]}
    assert "d/7.js" in changed
    assert 1 <= len([path for path in changed if path.startswith("t/")]) <= 12
    assert 1 <= len([path for path in changed if path.startswith("x/")]) <= 5


def test_positions_round_trip() -> None:
    offsets = [0, 1, 5, 40, 1000, 40000, 40001]
    assert decode(pack_positions(offsets)) == offsets


def test_page_keys_cover_fields_and_edges() -> None:
    keys = page_keys(
        PageRecord(
            "a", "a.html", "ＧＰＵの話", names=("エヌビディア",), excerpt="要約", body="GB200を導入"
        )
    )
    assert {"gpu", "\u212bgp", "\u2126話", "uの"} <= keys.fields[0]
    assert "ビデ" in keys.fields[1] and "要約" in keys.fields[2]
    assert {"gb200", "\u212bb20", "\u2126導", "導入", "0を"} <= keys.keys
    assert "gb200" in keys.words
