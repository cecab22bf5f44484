"""The search test corpus: the seed article, eight Japanese articles and the glossary.

Shared by the browser test and ``benchmarks/search_timing.py`` so both measure
the same pages.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from kbtesting import REPO, write_project

HERE = Path(__file__).resolve().parent
SEED = REPO / "tests" / "fixtures" / "posts" / "seed" / "000_d78da07ebbf9373e.txt"

CONF = """
myst_enable_extensions = ["colon_fence", "deflist"]
"""


def seed_article() -> str:
    """The seed post as an article: its ``---END---`` separator lines dropped."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.strip() != "---END---") + "\n"


def articles() -> dict[str, str]:
    files = {"articles/2025/11/openai-investment.md": seed_article()}
    for path in sorted(HERE.glob("a*.md")):
        files[f"articles/2025/{path.stem}.md"] = path.read_text(encoding="utf-8")
    return files


def write_corpus(root: Path, conf: str = "") -> Path:
    """A buildable project with every corpus page; returns its source folder."""
    return write_project(root, articles(), conf=CONF + conf, with_glossary=True)


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def write_scaled_corpus(root: Path, count: int, conf: str = "", seed: int = 7) -> Path:
    """``count`` articles recombined from the corpus's paragraphs, for size measurements.

    Each article takes a random selection of paragraphs, so the vocabulary
    saturates as it does in a real archive on a few topics, while the postings
    grow with the number of pages.
    """
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for text in articles().values():
        body = _FRONT.sub("", text)
        paragraphs.extend(
            p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")
        )
    files: dict[str, str] = {}
    for number in range(count):
        chosen = rng.sample(paragraphs, k=min(8, len(paragraphs)))
        title = chosen[0][:30].replace('"', "")
        files[f"articles/gen/a{number:04d}.md"] = (
            f'---\ntitle: "{title}"\ndate: 2025-01-01 00:00:00 +0900\n'
            f'tags: ["AI", "生成{number % 17}"]\ncategories: ["分析"]\nauthor: "編集部"\n'
            f'excerpt: "{chosen[1][:40].replace(chr(34), "")}"\n---\n\n'
            + "\n\n".join(chosen)
            + "\n"
        )
    return write_project(root, files, conf=CONF + conf, with_glossary=True)
