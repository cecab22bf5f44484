"""Related articles updated from one changed article equal those scored from scratch.

kb.core.relations scores again only the articles a changed article's features can
reach (``before``); every other keeps its related articles from the cache. On a
generated corpus whose most popular tags pass CANDIDATE_LIMIT, each edit of a
sequence (tags added, removed, a tag crossing the limit, mentions changed, two
articles at once) must give the related articles a build from scratch gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from kb.core.records import Article
from kb.core.relations import CANDIDATE_LIMIT, Relations, _reached, features_of

COUNT = 5
TAGS = [f"tag{number}" for number in range(60)]
ENTRIES = [f"glossary/e{number}" for number in range(25)]
EDGE = "境界"


def _corpus(seed: int, size: int) -> tuple[list[Article], dict[str, dict[str, int]]]:
    rng = random.Random(seed)
    start = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
    articles = []
    mentions: dict[str, dict[str, int]] = {}
    # Zipf-like: the first tags are on a third of the articles, past the limit.
    weights = [1 / (rank + 1) for rank in range(len(TAGS))]
    for number in range(size):
        docname = f"articles/a{number:04d}"
        tags = sorted(set(rng.choices(TAGS, weights, k=rng.randint(2, 6))))
        if number % 3 == 0 and number < 3 * CANDIDATE_LIMIT:
            tags.append(EDGE)  # on exactly CANDIDATE_LIMIT articles: one more crosses it
        articles.append(
            Article(docname, f"記事{number}", start + dt.timedelta(hours=number), tags=tuple(tags))
        )
        mentions[docname] = {entry: 1 for entry in rng.sample(ENTRIES, rng.randint(0, 4))}
    articles.sort(key=lambda article: article.sort_key)
    return articles, mentions


def _names(relations: Relations) -> dict[str, list[str]]:
    return {name: [a.docname for a in related] for name, related in relations.related.items()}


def _holders(articles: list[Article], tag: str) -> int:
    return sum(tag in article.tags for article in articles)


def test_an_update_from_the_changed_articles_equals_a_build_from_scratch() -> None:
    articles, mentions = _corpus(7, 400)
    assert _holders(articles, "tag0") > CANDIDATE_LIMIT
    assert _holders(articles, EDGE) == CANDIDATE_LIMIT
    edge = EDGE
    last = Relations.build(articles, mentions, COUNT)
    rng = random.Random(11)
    edits = ["add", "remove", "add popular", "cross", "mentions", "two", "add", "remove"]
    reached_sizes = []
    for edit in edits:
        positions = rng.sample(range(len(articles)), 2 if edit == "two" else 1)
        before = {}
        for position in positions:
            article = articles[position]
            before[article.docname] = (article, dict(mentions[article.docname]))
            tags = list(article.tags)
            if edit in ("add", "two"):
                tags.append(rng.choice([tag for tag in TAGS if tag not in tags]))
            elif edit == "add popular":
                tags.append(next(tag for tag in TAGS if tag not in tags))
            elif edit == "cross":
                while edge in tags:
                    article = articles[position := rng.randrange(len(articles))]
                    before = {article.docname: (article, dict(mentions[article.docname]))}
                    tags = list(article.tags)
                tags.append(edge)
            elif edit == "remove":
                tags.pop(rng.randrange(len(tags)))
            else:
                mentions[article.docname] = {entry: 2 for entry in rng.sample(ENTRIES, 3)}
            articles[position] = dataclasses.replace(article, tags=tuple(tags))
        updated = Relations.build(articles, mentions, COUNT, last.cache, before)
        scratch = Relations.build(articles, mentions, COUNT)
        assert _names(updated) == _names(scratch), edit
        if edit == "cross":
            assert _holders(articles, EDGE) == CANDIDATE_LIMIT + 1
        assert updated.cache == scratch.cache, edit
        features = {a.docname: features_of(a, mentions[a.docname]) for a in articles}
        postings: dict[str, list[str]] = {}
        for article in articles:
            for feature in features[article.docname]:
                postings.setdefault(feature, []).append(article.docname)
        reached = _reached(COUNT, articles, features, postings, last.cache, before)
        assert reached is not None, edit
        reached_sizes.append(len(reached))
        last = updated
    # The update scored a part of the site, not all of it.
    assert min(reached_sizes) < len(articles) / 2


def test_a_cache_of_another_state_is_not_updated_but_replaced() -> None:
    articles, mentions = _corpus(3, 120)
    stale = Relations.build(articles[1:], mentions, COUNT)  # one article fewer
    article = articles[5]
    before = {article.docname: (article, dict(mentions[article.docname]))}
    articles[5] = dataclasses.replace(article, tags=(*article.tags, "tag59"))
    features = {a.docname: features_of(a, mentions[a.docname]) for a in articles}
    assert _reached(COUNT, articles, features, {}, stale.cache, before) is None
    updated = Relations.build(articles, mentions, COUNT, stale.cache, before)
    assert _names(updated) == _names(Relations.build(articles, mentions, COUNT))
