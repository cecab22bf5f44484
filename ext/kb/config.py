"""The ``kb_*`` settings, typed, with their defaults in one place."""

from __future__ import annotations

import weakref
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from sphinx.config import Config

from kb.settings import KbConfig

if TYPE_CHECKING:
    from sphinx.application import Sphinx



def register(app: Sphinx) -> None:
    """Declare every ``kb_*`` value with its type; changes re-read the whole project."""
    for item in fields(KbConfig):
        default = item.default_factory() if callable(item.default_factory) else item.default
        app.add_config_value(f"kb_{item.name}", default, "env", types=(type(default),))


#: Typed settings per Sphinx Config object: looked up for every link and list
#: item, so building the dataclass each time was a measurable share of a build.
#: Weak keys: an entry lives exactly as long as its Config.
_TYPED: weakref.WeakKeyDictionary[Config, KbConfig] = weakref.WeakKeyDictionary()


def kb_config(app_or_env: Any) -> KbConfig:
    """The typed settings of a Sphinx app or build environment."""
    config = app_or_env.config
    typed = _TYPED.get(config)
    if typed is None:
        typed = _TYPED[config] = KbConfig.from_values(lambda name: getattr(config, name))
    return typed


def forget_typed_config(app: Sphinx, config: Config) -> None:
    """config-inited may adjust values after a first look; start from them afresh."""
    _TYPED.pop(config, None)
