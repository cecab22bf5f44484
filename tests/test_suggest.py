"""``kb glossary suggest``: names without an entry, on the seed and on made-up articles."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kb import cli
from kb.cli import suggest
from kb.cli.suggest import ArticleText
from kb.core.frontmatter import read_front_matter
from kb.core.settings import role_kinds
from kbtesting import REPO, article, build, write_project

SEED = next((REPO / "docs" / "articles").rglob("*.md"))
GLOSSARY = REPO / "docs" / "glossary"
KINDS = suggest.default_kinds()
ROLES = role_kinds(KINDS)

BODY = """\
**CoreWeaveの戦略とは？**

GPUクラウドの**CoreWeave**は急成長している。ＣｏｒｅＷｅａｖｅとCOREWEAVEも同じ会社だ。
**Lambda Labs (Lambda)**もNVIDIA H200を使う。H200の供給はまだ少ない。
次世代の**Rubin**は2026年に出る。**1.4兆ドル**という数字は大きい。
**これはとても重要なことだと私は思います**。hypeには注意。
Jensen Huangは語った。Jensen Huangはまた語った。
{partner}`Cerebras` と {tech}`GPU` と {partner}`Nvidia`。

```python
Hidden = H999  # code is not prose
```

`Inline999` も対象外。[リンク](https://example.com/Foo999) も。
"""


def articles_for(body: str) -> list[ArticleText]:
    return [ArticleText("a.md", article(body, title="テスト"))]


def table() -> suggest.GlossaryTable:
    return suggest.read_glossary(GLOSSARY, KINDS)


def by_name(found: list[suggest.Suggestion]) -> dict[str, suggest.Suggestion]:
    return {item.name: item for item in found}


# The bold names of the seed article, written out by hand (its other bold
# texts are heading lines and a question).
SEED_BOLD = [
    "Microsoft",
    "Azure",
    "Nvidia",
    "GB200",
    "GB300",
    "H100",
    "Oracle",
    "AWS (Amazon Web Services)",
    "Amazon EC2 UltraServers",
    "AMD",
    "MI450シリーズGPU",
    "SoftBank",
    "スターゲート",
    "Broadcom",
]


def test_seed_article_every_bold_name_has_an_entry_and_recurring_ai_has_none() -> None:
    text = SEED.read_text(encoding="utf-8")
    glossary = table()
    for name in SEED_BOLD:
        assert f"**{name}**" in text
        # Each is an entry's name or alias, or holds one (MI450シリーズGPU).
        assert glossary.linker.find(name), name
    found = suggest.suggest([ArticleText("seed.md", text)], glossary, ROLES)
    assert [(s.name, s.sources) for s in found] == [("AI", {"latin"})]
    body = read_front_matter(text).body
    alone = re.findall(r"(?<![A-Za-z生成])AI(?![A-Za-z])", body)
    assert found[0].count == len(alone)


def test_bold_and_recurring_names_without_entry_longest_first() -> None:
    found = suggest.suggest(articles_for(BODY), table(), ROLES)
    names = [s.name for s in found]
    assert names == sorted(names, key=len, reverse=True)
    items = by_name(found)
    assert set(items) == {"Jensen Huang", "Lambda Labs", "CoreWeave", "Cerebras", "Rubin", "H200"}
    core = items["CoreWeave"]
    # Bold, full width, upper case and the heading are one name, counted as the
    # linker counts mentions (headings included).
    assert core.count == 4 and core.sources == {"bold", "latin"}
    assert core.aliases == ["COREWEAVE"]
    assert items["Lambda Labs"].aliases == ["Lambda"]
    assert items["H200"].count == 2 and items["H200"].sources == {"latin"}
    assert items["Jensen Huang"].count == 2
    assert items["Rubin"].count == 1 and items["Rubin"].sources == {"bold"}
    assert "role" in items["Cerebras"].sources and items["Cerebras"].kind == "partner"
    assert items["CoreWeave"].articles == {"a.md": 6}


def test_headings_sentences_amounts_code_links_and_lower_case_words_are_not_names() -> None:
    names = {s.key for s in suggest.suggest(articles_for(BODY), table(), ROLES, min_recurrence=1)}
    for phrase in ["coreweaveの戦略とは？", "1.4兆ドル", "hype", "h999", "inline999", "foo999"]:
        assert phrase not in names
    assert not any("重要" in name for name in names)
    # Known names (NVIDIA, GPU, Nvidia) are never suggested, whatever their case.
    assert not names & {"nvidia", "gpu"}


def test_unresolved_roles_are_reported_with_their_line() -> None:
    roles = suggest.unresolved_roles(articles_for(BODY), table(), ROLES)
    assert [(r.path, r.line, r.role, r.name) for r in roles] == [
        ("a.md", 13, "partner", "Cerebras")
    ]


def test_drafts_hold_name_empty_summary_aliases_and_never_overwrite(tmp_path: Path) -> None:
    found = by_name(suggest.suggest(articles_for(BODY), table(), ROLES))
    path, written = suggest.write_draft(tmp_path, found["Lambda Labs"])
    assert written and path == tmp_path / "lambda-labs.md"
    assert path.read_text(encoding="utf-8") == (
        '---\nname: "Lambda Labs"\nsummary: ""\naliases: ["Lambda"]\n---\n'
    )
    path.write_text("edited", encoding="utf-8")
    again, written = suggest.write_draft(tmp_path, found["Lambda Labs"])
    assert again == path and not written
    assert path.read_text(encoding="utf-8") == "edited"


def project(root: Path) -> Path:
    """The repository's glossary and the seed, plus one article with names lacking entries."""
    index = "# テスト\n\n```{toctree}\n:hidden:\n\nglossary/index\n```\n"
    src = write_project(
        root,
        {"articles/2025/11/names.md": article(BODY, title="名前")},
        index=index,
        with_glossary=True,
    )
    seed = src / "articles" / "2025" / "11" / SEED.name
    shutil.copyfile(SEED, seed)
    return src


def test_cli_lists_suggestions_and_drafts_entries_that_build_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = project(tmp_path)
    monkeypatch.chdir(src)
    assert cli.main(["glossary", "suggest", "articles", "--write", "../drafts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names_md = os.path.join("articles", "2025", "11", "names.md")
    assert (
        f"{names_md}:13: {{partner}}`Cerebras` has no entry; an entry named 'Cerebras' resolves it"
        in lines
    )
    assert "CoreWeave\t4 mentions in 1 article\t[bold, latin]" in lines
    assert f"    {names_md}:6" in lines
    assert "7 names without a glossary entry" in lines
    drafted = sorted(line for line in lines if line.startswith("drafted: "))
    expected = ["ai", "cerebras", "coreweave", "h200", "jensen-huang", "lambda-labs", "rubin"]
    assert drafted == [f"drafted: {os.path.join('..', 'drafts', name + '.md')}" for name in expected]

    # A second run overwrites nothing.
    (tmp_path / "drafts" / "rubin.md").write_text("edited", "utf-8")
    assert cli.main(["glossary", "suggest", "articles", "--write", "../drafts"]) == 0
    second = capsys.readouterr().out.splitlines()
    assert f"exists, not overwritten: {os.path.join('..', 'drafts', 'rubin.md')}" in second
    assert not [line for line in second if line.startswith("drafted: ")]
    assert (tmp_path / "drafts" / "rubin.md").read_text("utf-8") == "edited"

    # Once a summary is filled in, every draft builds without a warning, and
    # the role that warned before resolves.
    (tmp_path / "drafts" / "rubin.md").unlink()
    assert cli.main(["glossary", "suggest", "articles", "--write", "../drafts"]) == 0
    capsys.readouterr()
    before = build(src)
    assert "Cerebras" in before.warnings
    for path in sorted((tmp_path / "drafts").glob("*.md")):
        text = path.read_text("utf-8").replace('summary: ""', 'summary: "要約。"')
        (src / "glossary" / "partners" / path.name).write_text(text, "utf-8")
    shutil.rmtree(tmp_path / "drafts")
    after = build(src)
    assert after.warnings == ""
    assert cli.main(["glossary", "suggest", "articles"]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 names without a glossary entry"]


def test_cli_finds_the_project_around_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = project(tmp_path)
    (src.parent / "docs").mkdir()
    shutil.move(src, src.parent / "docs" / "x")
    docs = src.parent / "docs"
    for item in (docs / "x").iterdir():
        shutil.move(item, docs / item.name)
    monkeypatch.chdir(docs.parent)
    assert cli.main(["glossary", "suggest"]) == 0
    out = capsys.readouterr().out
    assert "CoreWeave\t4 mentions in 1 article\t[bold, latin]" in out
    assert cli.main(["glossary", "suggest", "nowhere"]) == cli.USAGE_ERROR
    assert "nowhere: no such file or folder" in capsys.readouterr().err
