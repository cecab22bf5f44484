"""Generate a benchmark corpus: N Japanese analysis articles shaped like the seed post.

Standard library only, and deterministic: the same seed and N give byte-identical
trees. Each article is drawn from its own random stream (seeded by the corpus seed
and the article's number), so the corpus of N=500 is the first 500 articles of the
corpus of N=2000 and growth figures compare like with like.

The output folder holds two complete Sphinx projects with the same articles:

``plain/``  myst_parser + sphinx_design, Furo with its navigation removed.
``kb/``     the same plus the ``kb`` extension, its sidebar template, the real
            glossary (``docs/glossary``) and taxonomy file (``docs/_data``).

Articles are reached through kb's generated index pages, never through a toctree
(a toctree of every article would put all of them on every page). Plain Sphinx has
no such pages, so every article carries ``orphan: true`` in its front matter, in
*both* projects: the article files are byte-identical, and neither build warns
about documents missing from a toctree. kb ignores the key (it marks articles as
orphans itself). The glossary pages are in both projects too, so both build the
same set of source documents; only plain's ``glossary/index.md`` differs (a hidden
toctree instead of references to kb's generated entry lists).

Usage: ``python -m benchmarks.generate --n 500 --seed 1 --out benchmarks/work/n500``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
EXT = REPO / "ext"

FLAVOURS = ("plain", "kb")
DEFAULT_SEED = 20251107

# --- vocabulary ---------------------------------------------------------------

CATEGORIES = [
    "投資分析",
    "技術解説",
    "市場動向",
    "企業戦略",
    "政策・規制",
    "半導体",
    "クラウド",
    "インタビュー",
]

AUTHORS = [
    "ALLFORCES編集部",
    "佐藤 健",
    "鈴木 美咲",
    "高橋 誠",
    "田中 花子",
    "伊藤 大輔",
    "渡辺 真理",
    "山本 翔",
    "中村 優子",
    "Kenji Kobayashi",
]

# The most used tags, in the order of their popularity; the rest of the pool
# follows in a fixed shuffled order. Case and width variants (AI/ai/ＡＩ,
# Python/python, C/C++) are there on purpose: they are what breaks tag pages.
HEAD_TAGS = [
    "AI",
    "最新ニュース",
    "技術動向",
    "OpenAI",
    "投資",
    "半導体",
    "チップ",
    "エージェント",
    "生成AI",
    "データセンター",
    "GPU",
    "クラウド",
    "Nvidia",
    "LLM",
    "市場分析",
]

OTHER_TAGS = [
    "ai",
    "ＡＩ",
    "gpu",
    "ＧＰＵ",
    "NVIDIA",
    "AWS",
    "Azure",
    "ChatGPT",
    "Python",
    "python",
    "C",
    "C++",
    "Rust",
    "Go",
    "Kubernetes",
    "Docker",
    "SaaS",
    "IoT",
    "5G",
    "EV",
    "ESG",
    "IPO",
    "M&A",
    "API",
    "DX",
    "GX",
    "RAG",
    "MLOps",
    "FinOps",
    "Web3",
    "NFT",
    "Blockchain",
    "blockchain",
    "Cloud",
    "Security",
    "HPC",
    "ASIC",
    "FPGA",
    "RISC-V",
    "Arm",
    "ARM",
    "x86",
    "CUDA",
    "ROCm",
    "TPU",
    "HBM",
    "DRAM",
    "NAND",
    "EUV",
    "CoWoS",
    "Edge AI",
    "GenAI",
    "AGI",
    "Transformer",
    "Diffusion",
    "Agents",
    "Copilot",
    "Gemini",
    "Claude",
    "Llama",
    "Stargate",
    "SoftBank",
    "TSMC",
    "AMD",
    "Intel",
    "Microsoft",
    "Google",
    "Meta",
    "Oracle",
    "Broadcom",
    "Anthropic",
    "H100",
    "GB200",
    "GB300",
    "Blackwell",
    "MI450",
    "AIエージェント",
    "AI規制",
    "AI投資",
    "AIチップ",
    "AI倫理",
    "AI人材",
    "AI活用",
    "大規模言語モデル",
    "電力",
    "原子力",
    "再生可能エネルギー",
    "規制",
    "地政学",
    "米中対立",
    "輸出規制",
    "サプライチェーン",
    "決算",
    "株価",
    "スタートアップ",
    "資金調達",
    "買収",
    "提携",
    "人材",
    "雇用",
    "教育",
    "医療",
    "金融",
    "製造業",
    "自動運転",
    "ロボティクス",
    "量子コンピュータ",
    "セキュリティ",
    "プライバシー",
    "著作権",
    "倫理",
    "オープンソース",
    "研究開発",
    "特許",
    "日本市場",
    "米国市場",
    "中国",
    "台湾",
    "韓国",
    "欧州",
    "インド",
    "中東",
    "サウジアラビア",
    "ファウンドリ",
    "メモリ",
    "パッケージング",
    "冷却",
    "液冷",
    "電力網",
    "送電",
    "不動産",
    "建設",
    "物流",
    "小売",
    "広告",
    "検索",
    "SNS",
    "動画",
    "音声",
    "画像生成",
    "翻訳",
    "推論",
    "学習",
    "ファインチューニング",
    "蒸留",
    "量子化",
    "ベンチマーク",
    "評価",
    "安全性",
    "アライメント",
    "ガバナンス",
    "経営戦略",
    "組織",
    "リーダーシップ",
    "働き方",
    "生産性",
    "コスト削減",
    "価格競争",
    "収益化",
    "サブスクリプション",
    "エコシステム",
    "プラットフォーム",
    "独占禁止法",
    "訴訟",
    "政策",
    "補助金",
    "経済安全保障",
    "為替",
    "金利",
    "インフレ",
    "景気",
    "バブル",
    "長期投資",
    "分散投資",
    "ETF",
    "個人投資家",
    "機関投資家",
    "ベンチャーキャピタル",
    "データ",
    "データ分析",
    "ガイド",
    "デジタル",
    "ブロックチェーン",
    "ソフトウェア",
    "ハードウェア",
    "ネットワーク",
    "光通信",
    "スイッチ",
    "サーバー",
    "ストレージ",
    "エッジ",
    "スマートフォン",
    "PC",
    "ゲーム",
    "メタバース",
    "XR",
    "ウェアラブル",
    "ヘルスケア",
    "創薬",
    "気候変動",
    "脱炭素",
    "水資源",
    "土地",
    "地方創生",
    "東京",
    "大阪",
    "熊本",
    "北海道",
    "シリコンバレー",
    "テキサス",
    "アリゾナ",
    "ドイツ",
    "フランス",
    "英国",
    "UAE",
    "シンガポール",
    "ベトナム",
    "アフリカ",
    "人口減少",
    "少子高齢化",
    "イノベーション",
    "デザイン",
    "UX",
    "マーケティング",
    "ブランド",
    "顧客体験",
    "カスタマーサポート",
    "コールセンター",
    "法務",
    "会計",
    "税務",
    "監査",
    "内部統制",
    "リスク管理",
    "BCP",
    "サイバー攻撃",
    "ランサムウェア",
    "ゼロトラスト",
    "認証",
    "暗号",
    "量子暗号",
    "衛星",
    "宇宙",
    "防衛",
    "ドローン",
    "農業",
    "食品",
    "エネルギー",
    "蓄電池",
    "水素",
    "核融合",
    "送配電",
    "スマートシティ",
    "交通",
    "航空",
    "鉄道",
    "海運",
    "自動車",
    "EV電池",
    "素材",
    "化学",
    "鉄鋼",
    "商社",
    "銀行",
    "保険",
    "証券",
    "決済",
    "フィンテック",
    "暗号資産",
    "ステーブルコイン",
    "中央銀行",
    "財政",
    "税制",
    "労働市場",
    "賃金",
    "リスキリング",
    "大学",
    "研究機関",
    "論文",
    "オープンモデル",
    "クローズドモデル",
    "マルチモーダル",
    "長文脈",
    "コード生成",
    "開発者",
    "ノーコード",
    "ローコード",
    "業務自動化",
    "RPA",
    "ERP",
    "CRM",
    "Java",
    "JavaScript",
    "TypeScript",
    "Swift",
    "C#",
    "Linux",
    "Windows",
    "macOS",
    "iOS",
    "Android",
]

TOPICS = [
    "AIインフラ投資",
    "計算資源の確保",
    "GPU不足",
    "データセンターの電力問題",
    "半導体サプライチェーン",
    "クラウド市場の競争",
    "生成AIの収益化",
    "AIエージェントの実用化",
    "大規模言語モデルの進化",
    "AI規制の行方",
    "先端パッケージング",
    "HBMの供給",
    "推論コストの低下",
    "企業のAI導入",
    "日本企業の勝ち筋",
    "米中の技術覇権",
    "AIバブル論",
    "オープンモデルの台頭",
]

TOPIC_SLUGS = [
    "ai-infra",
    "compute",
    "gpu-shortage",
    "dc-power",
    "supply-chain",
    "cloud-race",
    "genai-revenue",
    "agents",
    "llm",
    "ai-rules",
    "packaging",
    "hbm",
    "inference-cost",
    "enterprise-ai",
    "japan",
    "tech-rivalry",
    "ai-bubble",
    "open-models",
]

TITLE_TEMPLATES = [
    "{a}の{t}、その真意は？{b}の未来をどう変えるのか",
    "{a}と{b}の提携が示す{t}の新局面",
    "{t}を読み解く：{a}は何を狙っているのか",
    "{a}が仕掛ける{t}、{b}への影響を考える",
    "なぜ今{t}なのか？{a}の動きから見える構図",
    "{t}の最前線：{a}・{b}・{c}の戦略比較",
]

HEADINGS = [
    "{a}の戦略を読み解く",
    "市場への影響",
    "今後の展望",
    "投資家が注目すべき点",
    "{t}の背景",
    "{a}と{b}の関係",
    "技術的なポイント",
    "日本企業にとっての意味",
    "リスクと課題",
    "数字で見る{t}",
    "競争環境の変化",
    "私の見立て",
]

# One sentence each; {a} and {b} are glossary names, {t} a topic, {n} an amount,
# {k} a small count, {p} a percentage, {x} a factor, {y} a future year.
SENTENCES = [
    "{a}が{n}億ドル規模の投資を発表したことで、{t}をめぐる議論は一段と熱を帯びています。",
    "正直なところ、{a}の今回の動きには私も最初は目を疑いました。",
    "{a}と{b}の関係は、単なる取引先という枠を超えつつあると私は見ています。",
    "注目すべきは、{a}が{b}に依存するリスクを避けようとしている点です。",
    "{t}の観点から見ると、{a}の判断は極めて合理的だと言えるでしょう。",
    "かつてはアルゴリズムやデータが主役でしたが、今は計算資源がボトルネックになっています。",
    "{a}は今後{k}年間で供給能力を大きく引き上げる計画だと伝えられています。",
    "この動きは、{b}にとっても無視できない意味を持つはずです。",
    "業界関係者の多くは、{a}の{t}への姿勢を慎重に見守っています。",
    "{a}の最新世代の製品は、前世代と比べて性能が{x}倍近くに向上したとされます。",
    "あなたもこのニュースを聞いて、「またか」と感じたかもしれませんね。",
    "{a}が{b}と手を組む背景には、{t}という避けて通れない課題があります。",
    "もちろん、楽観的な見方ばかりではありません。",
    "電力の確保や冷却の問題は、{t}を語るうえで欠かせない論点です。",
    "{a}の経営陣は、{y}年までに収益構造を大きく変えると繰り返し述べています。",
    "ここで{b}の存在感が増していることにも触れておくべきでしょう。",
    "私がこの業界に足を踏み入れて{k}年、これほどの規模の動きは記憶にありません。",
    "{a}の発表を受けて、{b}の株価は一時{p}%上昇しました。",
    "これは単なる投資話ではなく、{t}の構図そのものを塗り替える可能性を秘めています。",
    "{a}にとって、{b}との協業は長期的な覇権を見据えた布石だと考えられます。",
    "一方で、規制当局が{a}の動きに目を光らせていることも忘れてはなりません。",
    "日本企業にとっては、{t}の波にどう乗るかが問われています。",
    "{a}と{b}の競争は、結果として利用者に恩恵をもたらすかもしれません。",
    "短期的な成果だけでなく、長期的な視点で評価する必要があります。",
    "{a}の技術は、{b}の製品に組み込まれることで真価を発揮します。",
    "数字だけを見れば過熱感は否めませんが、需要の裏付けがあるのも事実です。",
    "{t}において、{a}は依然として先頭を走っていると言ってよいでしょう。",
    "ただし、{b}が追い上げていることは数字にも表れています。",
    "関係者によれば、{a}は{k}か所以上の拠点で導入を検討しているとのことです。",
    "この点については、今後の決算発表で明らかになるはずです。",
    "{a}の強みは、ハードウェアとソフトウェアを一体で提供できることにあります。",
    "{b}の担当者は「顧客の要望に応えるための自然な選択だ」と説明しています。",
    "結局のところ、{t}の勝者を決めるのは実行力だと私は考えています。",
    "私自身、{a}のイベントで話を聞き、その本気度を肌で感じました。",
    "{a}と{b}、そして新興勢力の三つ巴の構図が鮮明になってきました。",
    "投資家の視点では、{t}のリスクとリターンを冷静に見極めることが大切です。",
]

BULLETS = [
    "{a}による大型投資の発表",
    "{b}との長期契約",
    "{t}をめぐる規制の動き",
    "供給能力の拡大計画",
    "電力と冷却の確保",
    "人材獲得競争の激化",
]

ASCII_WORDS = ["analysis", "report", "insight", "outlook", "review", "deep-dive", "note", "brief"]


def glossary_names(glossary: Path = DOCS / "glossary") -> list[list[str]]:
    """Each entry's name then aliases, read from the entries' front matter.

    A tiny reader rather than PyYAML so the generator stays stdlib-only; the
    entries keep ``name:`` on one line and aliases as a JSON-compatible list.
    """
    entries: list[list[str]] = []
    for path in sorted(glossary.glob("*/*.md")):
        if path.name == "index.md":
            continue
        name = ""
        aliases: list[str] = []
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or lines[0].strip() != "---":
            continue
        for line in lines[1:]:
            if line.strip() == "---":
                break
            key, _, value = line.partition(":")
            value = value.strip()
            if key == "name":
                name = value.strip("\"'")
            elif key == "aliases" and value.startswith("["):
                aliases = [str(item) for item in json.loads(value)]
        if name:
            entries.append([name, *aliases])
    if not entries:
        raise SystemExit(f"no glossary entries under {glossary}")
    return entries


#: Syllables of made-up glossary names (``--glossary``): Latin letters, as most
#: partner and product names in the seed are.
_SYLLABLES = ["ka", "lo", "ri", "ven", "tor", "mi", "sa", "quen", "dra", "lux", "no", "vi", "zen"]
_PARTNER_SUFFIXES = ["Labs", "Systems", "Networks", "Cloud", "Robotics", "Energy", "AI"]
_TECH_SUFFIXES = ["", " X", " Pro", " Core", " Link", " Engine"]


def extra_entries(total: int, existing: list[list[str]]) -> list[tuple[str, str, str]]:
    """Made-up entries that grow the glossary to ``total``: (kind folder, slug, name).

    Deterministic and independent of the corpus seed; names are unique whatever
    their case, and never one of the real entries' names or aliases.
    """
    rng = random.Random("kb-bench-glossary")
    taken = {name.casefold() for forms in existing for name in forms}
    made: list[tuple[str, str, str]] = []
    while len(existing) + len(made) < total:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if len(made) % 3 == 2:
            folder, name = "technologies", f"{stem}{rng.choice(_TECH_SUFFIXES)} {rng.randint(2, 9)}"
        else:
            folder, name = "partners", f"{stem} {rng.choice(_PARTNER_SUFFIXES)}"
        if name.casefold() in taken:
            continue
        taken.add(name.casefold())
        slug = "bench-" + name.lower().replace(" ", "-")
        made.append((folder, slug, name))
    return made


def extra_entry_text(name: str) -> str:
    return (
        f"---\nname: {_quoted(name)}\n"
        f"summary: {_quoted(name + 'の説明（ベンチマーク用の架空の項目）。')}\n---\n\n"
        f"{name}はベンチマークのために作られた架空の項目です。\n"
    )


def tag_pool() -> list[str]:
    """About 300 tags, most popular first; fixed, whatever the corpus seed."""
    rest = [tag for tag in dict.fromkeys(OTHER_TAGS) if tag not in HEAD_TAGS]
    random.Random("kb-bench-tags").shuffle(rest)
    pool = HEAD_TAGS + rest
    return pool


def zipf_weights(count: int, exponent: float = 1.1) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


# --- one article ---------------------------------------------------------------

START = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
SPAN_SECONDS = int((dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc) - START).total_seconds())


@dataclass
class Article:
    path: str
    text: str


class _Names:
    """Glossary names for one article: each chosen name is used before any repeats."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        self.rng = rng
        self.names = names
        self.unused = list(names)

    def next(self, avoid: tuple[str, ...] = ()) -> str:
        candidates = [name for name in self.unused if name not in avoid]
        if candidates:
            name = candidates[0]
            self.unused.remove(name)
        else:
            name = self.rng.choice([name for name in self.names if name not in avoid] or self.names)
        # Bold as the seed does for partner and product names, but not always.
        return f"**{name}**" if self.rng.random() < 0.25 else name


def _fill(template: str, rng: random.Random, names: _Names, topic: str) -> str:
    values = {
        "t": topic,
        "n": str(rng.randint(2, 900)),
        "k": str(rng.randint(2, 30)),
        "p": str(rng.randint(2, 25)),
        "x": str(rng.randint(2, 10)),
        "y": str(rng.randint(2026, 2035)),
    }
    used: list[str] = []
    for slot in ("a", "b", "c"):
        if "{" + slot + "}" in template:
            # Never "AnthropicとAnthropic": one name per slot in a sentence.
            name = names.next(avoid=tuple(used))
            used.append(name.strip("*"))
            values[slot] = name
    return template.format(**values)


def _quoted(value: str) -> str:
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(value, ensure_ascii=False)


def make_article(seed: int, number: int, entries: list[list[str]], tags: list[str]) -> Article:
    rng = random.Random(f"kb-bench:{seed}:{number}")
    moment = START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
    topic_index = rng.randrange(len(TOPICS))
    topic = TOPICS[topic_index]

    chosen = rng.sample(entries, k=min(10, len(entries)))
    # Mostly the entry's name, sometimes an alias (エヌビディア, スターゲート…).
    mentions = [forms[0] if rng.random() < 0.7 else rng.choice(forms) for forms in chosen]
    title_names = _Names(rng, mentions[:3])
    title = _fill(rng.choice(TITLE_TEMPLATES), rng, title_names, topic).replace("**", "")

    weights = zipf_weights(len(tags))
    count = rng.randint(3, 8)
    picked: list[str] = []
    while len(picked) < count:
        tag = rng.choices(tags, weights=weights)[0]
        if tag not in picked:
            picked.append(tag)
    categories = [rng.choice(CATEGORIES)]
    if rng.random() < 0.15:
        second = rng.choice(CATEGORIES)
        if second not in categories:
            categories.append(second)
    author = AUTHORS[min(int(rng.expovariate(0.5)), len(AUTHORS) - 1)]
    excerpt = f"{mentions[0]}、{topic}について詳細に分析します。"

    names = _Names(rng, mentions)
    target = rng.randint(3700, 4300)
    parts = [title.rstrip("？?") + "\n"]
    length = len(parts[0])
    paragraphs_in_section = 0
    headings = list(HEADINGS)
    rng.shuffle(headings)
    while length < target:
        if paragraphs_in_section >= rng.randint(3, 4) and headings:
            heading = "## " + _fill(headings.pop(), rng, names, topic).replace("**", "") + "\n"
            parts.append(heading)
            length += len(heading)
            paragraphs_in_section = 0
        if rng.random() < 0.08:
            items = rng.sample(BULLETS, k=3)
            block = "\n".join("- " + _fill(item, rng, names, topic) for item in items) + "\n"
        else:
            sentences = rng.sample(SENTENCES, k=rng.randint(3, 5))
            block = "".join(_fill(sentence, rng, names, topic) for sentence in sentences) + "\n"
        parts.append(block)
        length += len(block)
        paragraphs_in_section += 1
    body = "\n".join(parts)

    front = [
        "---",
        "layout: post",
        f"title: {_quoted(title)}",
        f"date: {moment:%Y-%m-%d %H:%M:%S} +0000",
        f"categories: [{', '.join(_quoted(c) for c in categories)}]",
        f"tags: [{', '.join(_quoted(t) for t in picked)}]",
        f"author: {_quoted(author)}",
        f"excerpt: {_quoted(excerpt)}",
    ]
    if rng.random() < 0.8:
        front.append(f"reading_time: {max(1, round(len(body) / 500))}")
    front += ["orphan: true", "---", ""]
    slug = f"{TOPIC_SLUGS[topic_index]}-{rng.choice(ASCII_WORDS)}-{number:05d}"
    path = f"articles/{moment:%Y}/{moment:%m}/{slug}.md"
    return Article(path=path, text="\n".join(front) + "\n" + body)


# --- projects --------------------------------------------------------------------

CONF_COMMON = '''"""Benchmark corpus ({flavour}); generated by benchmarks/generate.py."""

from __future__ import annotations

project = "ベンチマーク分析ナレッジベース"
author = "ALLFORCES編集部"
copyright = "2025, ALLFORCES編集部"
language = "ja"

extensions = {extensions!r}

source_suffix = {{".md": "markdown"}}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "_data"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist", "substitution", "attrs_inline"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = "分析ナレッジベース"
html_baseurl = "https://kb.example.org/"
html_static_path: list[str] = []
# Furo's navigation would render every article into every page; both flavours
# leave it out (kb puts its own small navigation in its place).
html_sidebars = {{
    "**": {sidebars!r}
}}
'''

PLAIN_SIDEBARS = [
    "sidebar/brand.html",
    "sidebar/search.html",
    "sidebar/scroll-start.html",
    "sidebar/scroll-end.html",
]
KB_SIDEBARS = [
    "sidebar/brand.html",
    "sidebar/search.html",
    "sidebar/scroll-start.html",
    "kb/sidebar-nav.html",
    "sidebar/scroll-end.html",
]

PLAIN_INDEX = """# 分析ナレッジベース

AI、半導体、クラウド、投資をめぐる長文の分析記事を集めたナレッジベースです。

```{toctree}
:hidden:
:maxdepth: 1

glossary/index
```
"""

PLAIN_GLOSSARY_INDEX = """# 用語集

記事に登場するパートナー企業と技術の解説です。
"""


def conf_py(flavour: str) -> str:
    if flavour == "kb":
        # kb is the one installed from this working tree (make bench installs it).
        text = CONF_COMMON.format(
            flavour=flavour,
            extensions=["myst_parser", "sphinx_design", "kb"],
            sidebars=KB_SIDEBARS,
        )
        return text + '\nkb_timezone = "Asia/Tokyo"\n'
    return CONF_COMMON.format(
        flavour=flavour,
        extensions=["myst_parser", "sphinx_design"],
        sidebars=PLAIN_SIDEBARS,
    )


def _plain_entry(text: str) -> str:
    """A glossary entry as plain Sphinx can show it: titled, and an orphan like the articles.

    kb titles entries from their ``name`` and lists them on generated pages;
    without it they would have no title and belong to no toctree.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return text
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            name = next(
                (
                    ln.partition(":")[2].strip().strip("\"'")
                    for ln in lines[1:index]
                    if ln.startswith("name:")
                ),
                "",
            )
            head = [*lines[:index], "orphan: true\n", lines[index]]
            return "".join([*head, f"\n# {name}\n", *lines[index + 1 :]])
    return text


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def generate(out: Path, n: int, seed: int = DEFAULT_SEED, glossary: int = 0) -> dict[str, Path]:
    """Write the two projects under ``out``; returns flavour -> source folder.

    ``glossary``: grow the glossary to this many entries with made-up ones
    (articles then mention names from all of them); 0 keeps the real glossary.
    """
    entries = glossary_names()
    extra = extra_entries(glossary, entries) if glossary else []
    entries += [[name] for _, _, name in extra]
    tags = tag_pool()
    articles = [make_article(seed, number, entries, tags) for number in range(n)]
    sources: dict[str, Path] = {}
    for flavour in FLAVOURS:
        src = out / flavour
        # Only our own sub-folders are removed, never ``out`` itself.
        if src.exists():
            shutil.rmtree(src)
        src.mkdir(parents=True)
        _write(src / "conf.py", conf_py(flavour))
        glossary = src / "glossary"
        for entry in sorted((DOCS / "glossary").glob("*/*.md")):
            text = entry.read_text(encoding="utf-8")
            if flavour == "plain":
                text = _plain_entry(text)
            _write(glossary / entry.relative_to(DOCS / "glossary"), text)
        for folder, slug, name in extra:
            text = extra_entry_text(name)
            if flavour == "plain":
                text = _plain_entry(text)
            _write(glossary / folder / f"{slug}.md", text)
        if flavour == "kb":
            _write(src / "index.md", (DOCS / "index.md").read_text(encoding="utf-8"))
            index = DOCS / "glossary" / "index.md"
            _write(glossary / "index.md", index.read_text(encoding="utf-8"))
            taxonomy = DOCS / "_data" / "taxonomy.yaml"
            if taxonomy.is_file():
                _write(src / "_data" / "taxonomy.yaml", taxonomy.read_text(encoding="utf-8"))
        else:
            _write(src / "index.md", PLAIN_INDEX)
            _write(glossary / "index.md", PLAIN_GLOSSARY_INDEX)
        for article in articles:
            _write(src / article.path, article.text)
        sources[flavour] = src
    return sources


def article_paths(src: Path) -> list[Path]:
    """The generated articles of a project, in a stable order."""
    return sorted((src / "articles").glob("*/*/*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="number of articles")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "work" / "corpus")
    parser.add_argument(
        "--glossary",
        type=int,
        default=0,
        help="grow the glossary to this many entries with made-up ones (e.g. 300)",
    )
    args = parser.parse_args(argv)
    sources = generate(args.out, args.n, args.seed, args.glossary)
    for flavour, src in sources.items():
        print(f"{flavour}: {src} ({args.n} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
