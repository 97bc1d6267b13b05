"""The spinal region pairs of REG01 (rules/data/regions.yaml) against the CMS
short descriptors: the first code of each pair names the cervical or thoracic
spine, the second the lumbar or sacral spine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from clearclaim.store import Store
from clearclaim.store.queries.catalog import descriptors

SRC = Path(__file__).resolve().parents[2] / "src" / "clearclaim"
UPPER = re.compile(r"c/t|crv|cer/|cerv|c/th|cervicothoracic", re.IGNORECASE)
LOWER = re.compile(r"l/s|lmbr|lumb|lumbosacral", re.IGNORECASE)
#: identical short descriptors; the region is only in CPT's long descriptor
#: ("; thoracic", "; lumbar")
SAME_SHORT_TEXT = {("22513", "22514")}

PAIRS = [
    (str(upper), str(lower))
    for family in yaml.safe_load((SRC / "rules" / "data" / "regions.yaml").read_text())["families"]
    for upper, lower in family["pairs"].items()
]


@pytest.mark.parametrize(("upper", "lower"), PAIRS, ids=lambda c: str(c))
def test_pair_names_the_two_regions(full_store: Store, upper: str, lower: str) -> None:
    texts = descriptors(full_store)
    assert upper in texts and lower in texts, (upper, lower)
    if (upper, lower) in SAME_SHORT_TEXT:
        assert texts[upper] == texts[lower]
        return
    assert UPPER.search(texts[upper]) and not LOWER.search(texts[upper]), texts[upper]
    assert LOWER.search(texts[lower]) and not UPPER.search(texts[lower]), texts[lower]
