"""The taxonomy file (``_data/taxonomy.yaml``): slug, display name and description per name."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from kb.names import fold, is_safe_slug, slugify

#: Plural of each kind: the taxonomy file's section names.
SECTIONS = {"tag": "tags", "category": "categories", "author": "authors"}


@dataclass
class Overrides:
    """What editors set in the taxonomy file: slug, name and description per name."""

    by_kind: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    problems: list[tuple[str, int | None]] = field(default_factory=list)
    path: str = ""


def load_overrides(path: str) -> Overrides:
    overrides = Overrides(path=path)
    if not os.path.isfile(path):
        return overrides
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        overrides.problems.append((f"not valid YAML: {error}", mark.line + 1 if mark else None))
        return overrides
    except OSError as error:
        overrides.problems.append((f"cannot read: {error}", None))
        return overrides
    if data is None:
        return overrides
    if not isinstance(data, dict):
        overrides.problems.append(("expected sections tags:, categories:, authors:", 1))
        return overrides
    for kind, section in SECTIONS.items():
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            overrides.problems.append((f"{section}: expected a mapping of names", None))
            continue
        folded: dict[str, dict[str, str]] = {}
        for name, spec in entries.items():
            if isinstance(spec, str):
                spec = {"description": spec}
            if not isinstance(spec, dict):
                overrides.problems.append(
                    (f"{section}.{name}: expected slug/name/description", None)
                )
                continue
            clean = {
                k: str(v)
                for k, v in spec.items()
                if k in ("slug", "name", "description") and v is not None
            }
            if "slug" in clean and not is_safe_slug(clean["slug"]):
                safe = slugify(clean["slug"])
                overrides.problems.append(
                    (f"{section}.{name}: slug {clean['slug']!r} is not safe; using {safe!r}", None)
                )
                clean["slug"] = safe
            folded[fold(str(name))] = clean
        overrides.by_kind[kind] = folded
    return overrides
