"""The real-text search corpus: Debian's Japanese manuals, the seed post and kb's glossary.

Shared by tests/test_search_real.py (every query through the engine in node,
a sample in Chromium) and benchmarks/search_real_bench.py (every query in Chromium,
bytes and time). The pages' truth comes from their built HTML
(tests/search_oracle.py), never from kb's search code.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from kbtesting import write_project
from search_corpus.corpus import CONF, seed_article
from search_oracle import html_blocks, page_text

HERE = Path(__file__).resolve().parent

#: Queries by kind; each must be held by at least one page (checked) unless its kind says absent.
QUERIES: dict[str, list[str]] = {
    "identifier": [
        "package_name", "pam_unix", "sshd_config", "apt_preferences", "user_ID",
        "sources.list", "/etc/apt/sources.list", "debian/rules", "dh_make", "dpkg-buildpackage",
        "debian/control", "LANG=C", "en_US.UTF-8", "$HOME", "~/.bashrc", "H100", "GB200",
        "CUDA", "QUILT_PATCHES", "FZF_KEYBINDINGS_PATH", "crypt_file", "id_rsa",
        # Ruby in irb's code, beside Ruby's Japanese README
        "attr_accessor", "IRB::Inspector", "IRB::Context", "Module#name", "StandardError",
        "PerfectMatchedProc", "RDoc::RI", "Driver::NotFoundError",
    ],
    "code": [
        "apt-get install", "sudo", "#!/bin/sh", "dpkg -l", "set -e", "--color", "--clearsign",
        "if [", "$(id -u)", "/usr/bin/dash",
    ],
    "symbol": ["->", "::", "|", "&&", "${", "$$", "#", "@", "/", "=>", "#=>", "<=>"],
    "number": ["10月", "1.4兆ドル", "9MiB", "2220kB", "4.4B", "10行", "2015年", "2.6", "UTF-8", "30ギガワット", "5000億ドル"],
    "latin": ["Debian", "POSIX", "shell", "kernel", "Nvidia", "OpenAI", "Ubuntu"],
    "japanese": [
        "パッケージ", "メソッド", "シェルスクリプト", "ファイルシステム", "設定ファイル",
        "データセンター", "投資", "エージェント", "です", "下さい", "インストール",
        "オブジェクト指向",
    ],
    "absent": [
        "define_method", "each_with_index", "Array#map", "torch.compile", "CUDA_VISIBLE_DEVICES",
        "865億ドル", "3nm", "A/B", "2>&1", "crypt_files",
        # The Ruby names the Ruby pages do not hold, though their parts stand there.
        "Array#each", "Foo::Bar", "attr_accessors", "IRB::Context#eval",
    ],
}  # fmt: skip
#: Queries the browser test types: one or two of each kind.
BROWSER_SAMPLE = [
    "package_name", "sources.list", "H100", "apt-get install", "=>", "::", "10月",
    "1.4兆ドル", "Debian", "パッケージ", "メソッド", "define_method", "attr_accessor",
    "Array#each", "->",
]  # fmt: skip


def files() -> dict[str, str]:
    out = {"articles/2025/11/openai-investment.md": seed_article()}
    for path in sorted((HERE / "articles").glob("*.md")):
        out[f"articles/real/{path.name}"] = path.read_text(encoding="utf-8")
    return out


def write_real_corpus(root: Path, conf: str = "") -> Path:
    return write_project(root, files(), conf=CONF + conf, with_glossary=True)


def texts(site: Any, docnames: list[str]) -> dict[str, str]:
    """docname -> the page's text by the README's rules: built main content and front matter."""
    out = {}
    for docname in docnames:
        blocks = html_blocks(site.page_path(docname).read_text(encoding="utf-8"))
        article = site.domain.articles.get(docname)
        if article is not None:
            blocks += [article.title, *article.tags, *article.categories, *article.authors]
            blocks.append(article.excerpt)
        entry = site.domain.entries.get(docname)
        if entry is not None:
            blocks += [entry.name, *entry.aliases, entry.summary]
        out[docname] = page_text(blocks)
    return out


def random_queries(page_texts: dict[str, str], count: int, seed: int = 24) -> list[str]:
    """Pieces of the pages' own text, 1 to 16 characters, from anywhere (code and prose)."""
    rng = random.Random(seed)
    names = sorted(page_texts)
    out: list[str] = []
    while len(out) < count:
        text = page_texts[rng.choice(names)]
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randint(1, 16)].strip()
        if piece and piece not in out:
            out.append(piece)
    return out
