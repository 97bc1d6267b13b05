"""A code across every loaded PFS release: RVU and status changes, deletion."""

from __future__ import annotations

from typing import Any

from clearclaim.store import Store
from clearclaim.store.queries.reference import rvu_history_rows


def rvu_history(store: Store, code: str) -> dict[str, Any]:
    releases = store.releases("pfs_rvu")
    rows = rvu_history_rows(store, code)
    by_release: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    previous: tuple[Any, ...] | None = None
    seen = False
    for release in sorted(releases, key=lambda r: r.effective_start):
        row = rows.get(release.release_id)
        entry = {
            "release": release.label,
            "effective_start": release.effective_start.isoformat(),
            "present": row is not None,
        }
        if row is not None:
            status, work, pe_nf, pe_f, mp = row
            entry.update(
                {
                    "status": status,
                    "work": work,
                    "pe_non_facility": pe_nf,
                    "pe_facility": pe_f,
                    "mp": mp,
                }
            )
            if previous is None and seen:
                events.append({"release": release.label, "event": "reappears in the file"})
            elif previous is None:
                events.append({"release": release.label, "event": "first loaded release with it"})
            elif previous[0] != status:
                events.append(
                    {"release": release.label, "event": f"status {previous[0]} -> {status}"}
                )
            if previous is not None and previous[1:] != row[1:]:
                events.append(
                    {
                        "release": release.label,
                        "event": "RVUs changed",
                        "from": dict(
                            zip(
                                ("work", "pe_non_facility", "pe_facility", "mp"),
                                previous[1:],
                                strict=True,
                            )
                        ),
                        "to": dict(
                            zip(
                                ("work", "pe_non_facility", "pe_facility", "mp"),
                                row[1:],
                                strict=True,
                            )
                        ),
                    }
                )
            previous = row
            seen = True
        elif previous is not None:
            events.append({"release": release.label, "event": "no longer in the file"})
            previous = None
        by_release.append(entry)
    return {
        "releases": by_release,
        "events": events,
        "loaded_releases": len(releases),
        "definition": "global row (no modifier) of each loaded PFS relative value file",
    }
