"""``python -m kb``: the same as the ``kb`` command."""

from __future__ import annotations

from kb.cli import main

raise SystemExit(main())
