"""YAML data files, read with libyaml's C parser when PyYAML has it (several
times faster: data files are read on every cold start)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)
