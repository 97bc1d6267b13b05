"""The reader's vocabulary from the data files, compiled once."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from clearclaim.notes.pipeline import load_yaml


@cache
def vocabulary() -> dict[str, Any]:
    elements = load_yaml("elements.yaml")
    procs = load_yaml("procedures.yaml")
    return {
        "actors": re.compile(elements["presence_actors"], re.IGNORECASE),
        "needle": re.compile(elements["needle"], re.IGNORECASE),
        "level_pair": re.compile(elements["level_pair"], re.IGNORECASE),
        "level_single": re.compile(elements["level_single"]),
        "procedures": {p["type"]: p for p in procs["procedures"]},
        "performed": re.compile(procs["performed_words"], re.IGNORECASE),
        "nerve_names": re.compile(procs["nerve_names"], re.IGNORECASE),
        "nerve_aliases": {str(k): str(v) for k, v in procs["nerve_aliases"].items()},
        "paraspinal_nerves": frozenset(str(n) for n in procs["paraspinal_nerves"]),
        "organ_names": re.compile(procs["organ_names"], re.IGNORECASE),
        "organ_aliases": {str(k): str(v) for k, v in procs["organ_aliases"].items()},
        "segment_names": re.compile(procs["segment_names"], re.IGNORECASE),
        "segment_aliases": {str(k): str(v) for k, v in procs["segment_aliases"].items()},
        "actions": {
            p["type"]: [(name, re.compile(rx, re.IGNORECASE)) for name, rx in p["actions"].items()]
            for p in procs["procedures"]
            if "actions" in p
        },
        "contexts": {
            name: re.compile(rx, re.IGNORECASE)
            for name, rx in procs.items()
            if name.endswith("_context")
        },
    }
