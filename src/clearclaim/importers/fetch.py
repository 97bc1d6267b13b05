"""Downloading an official CMS release zip and importing it."""

from __future__ import annotations

import csv
import gzip
import re
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import httpx

from clearclaim.config import shipped_data_dir
from clearclaim.errors import DataError, InputError
from clearclaim.importers.run import ImportReport, import_paths
from clearclaim.store import Store
from clearclaim.store.queries.importing import indexed_release, release_named_by_url
from clearclaim.store.releases import parse_rvu_name

CHUNK = 1 << 16


def release_url(store: Store, release: str) -> str:
    """The CMS download address of an RVU release, from CMS's release index."""
    name = parse_rvu_name(release)
    if name is None:
        raise InputError(f"{release!r} is neither a URL nor a release name like RVU26A")
    row = indexed_release(store, name.label)
    if row and row.url:
        return cms_url(row.url)
    for url in _shipped_index_urls(name.label):
        return cms_url(url)
    raise InputError(
        f"no download address known for {name.label}",
        hint="give the URL of the CMS zip instead",
    )


def _shipped_index_urls(label: str) -> list[str]:
    data_dir = shipped_data_dir()
    if data_dir is None:
        return []
    found = []
    for path in data_dir.rglob("rvu_zip_links.csv*"):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if (row.get("file") or "").upper() == label and row.get("url"):
                    found.append(row["url"])
    return found


#: a date written with slashes at the end of a CMS file address (rvu25a-updated-01/10/2025.zip)
_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(\.zip)$", re.IGNORECASE)


def cms_url(url: str) -> str:
    """The address as CMS names the file.

    CMS's own release index writes some addresses with the posting date in
    slashes (``/files/zip/rvu25a-updated-01/10/2025.zip``); the file CMS serves
    is ``rvu25a-updated-01-10-2025.zip``, the date joined by hyphens.
    """
    parsed = urlparse(url)
    if "/files/zip/" not in parsed.path:
        return url
    path = _SLASHED_DATE.sub(r"\1-\2-\3\4", parsed.path)
    return parsed._replace(path=path).geturl()


def _release_for_url(store: Store, url: str) -> str | None:
    return release_named_by_url(store, url)


def download(url: str, destination: Path, *, timeout: float = 60.0, progress: bool = False) -> Path:
    """Stream ``url`` to ``destination`` (never held whole in memory)."""
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise DataError(
                    f"download failed: HTTP {response.status_code}",
                    path=url,
                    hint="check the address, or download the zip and run 'clearclaim data import'",
                )
            total = int(response.headers.get("content-length") or 0) or None
            with destination.open("wb") as handle:
                if progress:
                    from rich.progress import DownloadColumn, Progress

                    with Progress(*Progress.get_default_columns(), DownloadColumn()) as bar:
                        task = bar.add_task(destination.name, total=total)
                        for chunk in response.iter_bytes(CHUNK):
                            handle.write(chunk)
                            bar.update(task, advance=len(chunk))
                else:
                    for chunk in response.iter_bytes(CHUNK):
                        handle.write(chunk)
    except httpx.HTTPError as exc:
        raise DataError(f"download failed: {exc}", path=url) from exc
    return destination


def fetch_release(
    store: Store, target: str, *, timeout: float = 60.0, progress: bool = False
) -> ImportReport:
    """Download a CMS release zip (by release name or URL) and import it."""
    if "://" in target:
        url = target
        label = _release_for_url(store, url)
    else:
        url = release_url(store, target)
        name = parse_rvu_name(target)
        label = name.label if name else None
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https"):
        raise InputError(f"unsupported URL scheme {scheme!r}: use http or https")
    # the zip's own name carries the release (RVU26A.zip); CMS addresses do not always
    file_name = f"{label}.zip" if label else _safe_name(url)
    with tempfile.TemporaryDirectory(prefix="clearclaim-fetch-") as folder:
        path = download(url, Path(folder) / file_name, timeout=timeout, progress=progress)
        return import_paths(store, [path], progress=progress)


def _safe_name(url: str) -> str:
    name = Path(urlparse(url).path).name or "release.zip"
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return name if name.lower().endswith(".zip") else f"{name}.zip"
