"""The audit trail: what each check decided, never what the note said.

One JSON line per check, appended to ``$CLEARCLAIM_AUDIT`` or ``audit.jsonl``
in the per-user data folder. A line records the request (intended codes, place
of service, setting, equipment, date of service), the decisions (lines billed,
codes suppressed with their rules, documentation missing) and the data releases
used. It holds no note text and nothing derived from it that could be read back
(no hash, no spans): notes are patient data.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from clearclaim.errors import StoreError

AUDIT_ENV = "CLEARCLAIM_AUDIT"


def audit_location() -> Path:
    configured = os.environ.get(AUDIT_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("clearclaim", appauthor=False)) / "audit.jsonl"


def audit_entry(report: dict[str, Any]) -> dict[str, Any]:
    """The decisions of one check report (its note-derived parts left out)."""
    return {
        "id": uuid.uuid4().hex,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "request": report["context"],
        "lines": [
            {"code": ln["code"], "units": ln["units"], "modifiers": ln["modifiers"]}
            for ln in report["lines"]
        ],
        "suppressed": [{"code": s["code"], "rule": s["rule"]} for s in report["suppressed"]],
        "documentation_missing": report["documentation"]["missing"],
        "findings": sorted({f.get("rule_id") or f.get("rule") or "" for f in report["findings"]}),
        "undetermined": report.get("undetermined", []),
        "warnings": [w.get("code") for w in report.get("warnings", [])],
    }


def record(report: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Append one entry; earlier entries are never rewritten."""
    entry = audit_entry(report)
    target = path or audit_location()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise StoreError(f"cannot write the audit trail {target}: {exc.strerror or exc}") from exc
    return entry


def read_entries(path: Path | None = None, *, since: date | None = None) -> list[dict[str, Any]]:
    """The trail's entries, oldest first; from ``since`` (a date) when given.

    A line that is not a JSON object (a torn write, an edit by hand) is skipped,
    never fatal: the rest of the trail is still read.
    """
    target = path or audit_location()
    if not target.exists():
        return []
    entries: list[dict[str, Any]] = []
    with target.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            if since is not None and str(entry.get("at", ""))[:10] < since.isoformat():
                continue
            entries.append(entry)
    return entries
