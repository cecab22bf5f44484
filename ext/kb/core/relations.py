"""Related articles and neighbours, computed from tags and glossary mentions (no Sphinx)."""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from kb.core.names import name_key
from kb.core.records import Article

#: Features shared by more articles than this only add to scores, never
#: propose candidates: a tag on half the corpus says little about relatedness
#: and would make the computation quadratic.
CANDIDATE_LIMIT = 100


@dataclass
class Relations:
    related: dict[str, list[Article]]
    older: dict[str, Article]
    newer: dict[str, Article]

    #: The key and result of the last computation, for the caller to keep and pass back.
    cache: tuple[str, dict[str, list[str]]] | None = None

    @classmethod
    def build(
        cls,
        listed: list[Article],
        mentions: Mapping[str, Mapping[str, int]],
        count: int,
        cache: Any = None,
        before: Mapping[str, tuple[Article, Mapping[str, int]]] | None = None,
    ) -> Relations:
        """Related articles of every listed article (newest first), and its neighbours.

        ``before``: the articles whose record changed since ``cache`` was made, as
        they were then (the article and its mentions). When the cache is exactly
        the result for that state, only the articles the change can reach are
        scored again (see :func:`_reached`); a tag added to one article no longer
        scores the whole site.
        """
        features = {a.docname: features_of(a, mentions.get(a.docname, {})) for a in listed}
        postings: dict[str, list[str]] = defaultdict(list)
        for article in listed:
            for feature in features[article.docname]:
                postings[feature].append(article.docname)
        by_name = {a.docname: a for a in listed}
        older = {a.docname: b for a, b in pairwise(listed)}
        newer = {b.docname: a for a, b in pairwise(listed)}
        # Most rebuilds change an article's text, not its tags or mentions: the
        # scores depend only on these features and the order, so the last
        # result is kept in the domain and reused while they are unchanged.
        key = _key(count, listed, features)
        if cache and cache[0] == key:
            reused = {
                name: [by_name[other] for other in others] for name, others in cache[1].items()
            }
            return cls(reused, older, newer, cache)
        reached = _reached(count, listed, features, postings, cache, before)
        total = max(1, len(listed))
        weight = {
            f: math.log(1 + total / len(docs)) * (1.5 if f.startswith("e:") else 1.0)
            for f, docs in postings.items()
        }
        order = {a.docname: position for position, a in enumerate(listed)}
        related: dict[str, list[Article]] = {}
        common = {f for f, docs in postings.items() if len(docs) > CANDIDATE_LIMIT}
        for article in listed:
            if reached is not None and article.docname not in reached:
                related[article.docname] = [by_name[other] for other in cache[1][article.docname]]
                continue
            scores: dict[str, float] = defaultdict(float)
            own = features[article.docname]
            # Sorted: a sum of floats depends on its order, and set order on the
            # process's hash seed; ties must break the same way in every build.
            for feature in sorted(own - common):
                feature_weight = weight[feature]
                for other in postings[feature]:
                    scores[other] += feature_weight
            scores.pop(article.docname, None)
            own_common = own & common
            if own_common:
                for other in scores:
                    for feature in sorted(own_common & features[other]):
                        scores[other] += weight[feature]
            best = heapq.nsmallest(
                count, scores.items(), key=lambda item: (-item[1], order[item[0]])
            )
            related[article.docname] = [by_name[name] for name, _ in best]
        kept = (key, {name: [a.docname for a in articles] for name, articles in related.items()})
        return cls(related, older, newer, kept)


def features_of(article: Article, mentions: Mapping[str, int]) -> set[str]:
    """What relates an article to others: its tags (folded) and the entries it mentions."""
    return {f"t:{name_key(tag)}" for tag in article.tags} | {f"e:{entry}" for entry in mentions}


def _key(count: int, listed: list[Article], features: Mapping[str, set[str]]) -> str:
    return hashlib.sha256(
        repr((count, [(a.docname, sorted(features[a.docname])) for a in listed])).encode()
    ).hexdigest()


def _reached(
    count: int,
    listed: list[Article],
    features: Mapping[str, set[str]],
    postings: Mapping[str, list[str]],
    cache: Any,
    before: Mapping[str, tuple[Article, Mapping[str, int]]] | None,
) -> set[str] | None:
    """The articles whose related articles may differ from ``cache``'s; None: any.

    An article's scores sum the weights of the features it shares with each other
    article, and which articles it scores at all depends on its own features'
    postings. A changed article's features that came or went (and only they)
    change weight, postings and whether they are common; so an article holding
    none of them, and not changed itself, scores every other exactly as before.
    Only when ``cache`` is the result for the state ``before`` describes (the
    same order, the same features elsewhere): its key is checked.
    """
    if not cache or not before:
        return None
    old = dict(features)
    for docname, (article, counts) in before.items():
        if docname not in old:
            return None  # not listed now: the order moved
        old[docname] = features_of(article, counts)
    if _key(count, listed, old) != cache[0]:
        return None
    reached = set(before)
    for docname in before:
        for feature in old[docname] ^ features[docname]:
            reached.update(postings.get(feature, ()))
    return reached
