"""The ``kb_*`` settings in Sphinx: declared with their types and rebuild kinds, validated."""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from sphinx.config import Config
from sphinx.util import logging

from kb.core.settings import KbConfig, defaults, problems, rebuild_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import _ConfigRebuild

logger = logging.getLogger(__name__)


def register(app: Sphinx) -> None:
    """Declare every ``kb_*`` value with its type and the rebuild it really needs."""
    for name, default in defaults().items():
        rebuild = cast("_ConfigRebuild", rebuild_of(name[len("kb_") :]))
        app.add_config_value(name, default, rebuild, types=(type(default),))
    app.connect("config-inited", validate, priority=400)
    app.connect("config-inited", forget_typed_config, priority=900)


def validate(app: Sphinx, config: Config) -> None:
    """Report each bad ``kb_*`` value by name and use its default instead."""
    for name, reason, default in problems(lambda key: getattr(config, key)):
        logger.warning(
            "%s = %r %s; using %r",
            name,
            getattr(config, name),
            reason,
            default,
            type="kb",
            subtype="config",
        )
        setattr(config, name, default)
    if not config.html_baseurl and os.environ.get("READTHEDOCS_CANONICAL_URL"):
        config.html_baseurl = os.environ["READTHEDOCS_CANONICAL_URL"]


#: Typed settings per Sphinx Config object: looked up for every link and list
#: item, so building the dataclass each time was a measurable share of a build.
#: Weak keys: an entry lives exactly as long as its Config, so this is a cache
#: of a pure function of the Config, not build state.
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


def site_name(app: Sphinx) -> str:
    """The site's name: ``kb_site_name``, else the project's."""
    return kb_config(app).site_name or app.config.project


def base_url(app: Sphinx) -> str:
    """``html_baseurl`` ending in ``/``; "" when the site has none."""
    base = app.config.html_baseurl or ""
    return base if base.endswith("/") or not base else base + "/"


#: What stays as it is when a path becomes a URL.
URL_SAFE = "/#%:@!$&'()*+,;=-._~"


def absolute_url(app: Sphinx, uri: str) -> str:
    """The absolute URL of ``uri`` (relative to the site root), percent-encoded."""
    return base_url(app) + quote(uri, safe=URL_SAFE)
