"""The benchmark corpus generator and a smoke run of the benchmark runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import generate, run
from kb.core.articlemeta import article_meta
from kb.core.dates import zone_named
from kb.core.frontmatter import read_front_matter

REPO = Path(__file__).resolve().parent.parent


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate.generate(out, 40, seed=7)
    return out


def test_same_seed_gives_byte_identical_trees(corpus: Path, tmp_path: Path) -> None:
    generate.generate(tmp_path, 40, seed=7)
    assert tree(tmp_path) == tree(corpus)


def test_different_seed_gives_different_articles(corpus: Path, tmp_path: Path) -> None:
    generate.generate(tmp_path, 40, seed=8)
    ours = {k: v for k, v in tree(tmp_path).items() if k.startswith("kb/articles/")}
    theirs = {k: v for k, v in tree(corpus).items() if k.startswith("kb/articles/")}
    assert ours != theirs
    assert set(ours.values()).isdisjoint(theirs.values())


def test_smaller_corpus_is_a_prefix_of_a_larger_one(corpus: Path, tmp_path: Path) -> None:
    generate.generate(tmp_path, 10, seed=7)
    small = tree(tmp_path / "kb" / "articles")
    large = tree(corpus / "kb" / "articles")
    assert len(small) == 10
    assert all(large.get(path) == data for path, data in small.items())


def test_both_flavours_share_the_articles_and_differ_in_settings(corpus: Path) -> None:
    plain, kb = corpus / "plain", corpus / "kb"
    assert tree(plain / "articles") == tree(kb / "articles")
    assert len(tree(kb / "articles")) == 40
    plain_conf = (plain / "conf.py").read_text(encoding="utf-8")
    kb_conf = (kb / "conf.py").read_text(encoding="utf-8")
    assert "'kb'" in kb_conf and "'kb'" not in plain_conf
    assert "kb/sidebar-nav.html" in kb_conf and "kb/sidebar-nav.html" not in plain_conf
    for conf in (plain_conf, kb_conf):
        assert "sidebar/navigation.html" not in conf
        assert 'html_theme = "furo"' in conf
        assert "sphinx_design" in conf
    # Both projects build the same documents: glossary entries are in both.
    assert sorted(tree(plain / "glossary")) == sorted(tree(kb / "glossary"))
    entry = REPO / "docs" / "glossary" / "partners" / "nvidia.md"
    assert (kb / "glossary" / "partners" / "nvidia.md").read_bytes() == entry.read_bytes()


def test_articles_are_shaped_like_the_seed(corpus: Path) -> None:
    entries = generate.glossary_names()
    all_names = [name for forms in entries for name in forms]
    zone = zone_named("Asia/Tokyo")
    years, authors, categories, with_reading_time = set(), set(), set(), 0
    paths = generate.article_paths(corpus / "kb")
    assert len(paths) == 40
    for path in paths:
        text = path.read_text(encoding="utf-8")
        raw = read_front_matter(text)
        meta = article_meta(raw, zone)
        assert meta.problems == [], (path, meta.problems)
        assert raw.data["layout"] == "post" and raw.data["orphan"] is True
        assert meta.title and meta.excerpt and meta.authors
        assert meta.date is not None and meta.date.utcoffset().total_seconds() == 0
        assert "+0000" in raw.data["date"]
        assert 3 <= len(meta.tags) <= 8
        assert 1 <= len(meta.categories) <= 2
        rel = path.relative_to(corpus / "kb").as_posix()
        assert rel.startswith(f"articles/{meta.date:%Y}/{meta.date:%m}/")
        body = raw.body
        assert 3500 <= len(body) <= 5000, (path, len(body))
        assert "\n## " in body and "**" in body
        mentioned = {forms[0] for forms in entries if any(form in body for form in forms)}
        assert len(mentioned) >= 8, (path, mentioned)
        assert any(name in body for name in all_names)
        years.add(meta.date.year)
        authors.update(meta.authors)
        categories.update(meta.categories)
        with_reading_time += "reading_time" in raw.data
    assert len(years) >= 3
    assert len(authors) >= 4 and len(categories) >= 5
    assert 0 < with_reading_time < 40


def test_aliases_appear_somewhere(corpus: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in generate.article_paths(corpus / "kb"))
    aliases = [alias for forms in generate.glossary_names() for alias in forms[1:]]
    assert sum(alias in text for alias in aliases) >= 5


def test_tag_pool_is_zipf_like_and_mixed() -> None:
    pool = generate.tag_pool()
    assert 250 <= len(pool) <= 350
    assert len(set(pool)) == len(pool)
    assert {"AI", "ai", "Python", "python", "C", "C++"} <= set(pool)
    assert any(not tag.isascii() for tag in pool) and any(tag.isascii() for tag in pool)
    weights = generate.zipf_weights(len(pool))
    assert weights[0] > 10 * weights[50]


@pytest.mark.slow
def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--quick",
            "--sizes",
            "6",
            "--runs",
            "1",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        # A guard against a hang, not a speed limit: on a machine shared by several
        # suites the quick run has taken 125 s, and passed 180 s.
        timeout=600,
        check=False,
        cwd=REPO,  # where python -m finds the benchmarks package
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    size = results["sizes"]["6"]
    for flavour in ("plain", "kb"):
        assert set(run.METRICS) <= set(size[flavour])
        for key in run.TIMED:
            assert size[flavour][key] > 0, (flavour, key)
        assert size[flavour]["body_edit_reread"] == 1
    assert set(run.METRICS) == set(size["ratio"])
    assert results["targets"]
    for target in results["targets"]:
        # Each status follows from its value and limit, whichever way it goes.
        assert target["status"] == _expected_status(target), target
    report = (tmp_path / "results" / "results.md").read_text(encoding="utf-8")
    assert "| figure | plain | kb | kb/plain |" in report
    for target in results["targets"]:
        assert f"| {target['target']} |" in report
        assert f"[{target['status']:6}] {target['target']}: " in done.stdout


def _expected_status(target: dict[str, object]) -> str:
    value, limit = target["value"], str(target["limit"])
    if value is None:
        return "n/a"
    assert isinstance(value, (int, float))
    words = limit.split(",")[0].split()
    if len(words) == 1:  # an exact figure, such as 0 cards drawn
        return "met" if value == float(words[0]) else "missed"
    bound = float(words[1])
    if limit.startswith("≤"):
        within = value <= bound
    elif limit.startswith(">"):
        within = value > bound
    else:
        within = value < bound
    if limit.endswith(", 0 others"):
        others = str(target["target"]).rsplit("re-read: ", 1)[-1].rstrip(")")
        within = within and others == "0"
    return "met" if within else "missed"
