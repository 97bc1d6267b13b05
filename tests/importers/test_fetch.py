"""`data fetch` downloads a release zip over HTTP and imports it (a local server here)."""

from __future__ import annotations

import http.server
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from clearclaim.errors import DataError, InputError
from clearclaim.importers import import_paths
from clearclaim.importers.fetch import fetch_release


@pytest.fixture
def release_server(tmp_path: Path, data_dir: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "rvu25d.zip", "w") as archive:
        archive.writestr("PPRRVU25_OCT.csv", _gunzip(data_dir / "pfs" / "PPRRVU2025_Oct.csv.gz"))
        archive.writestr("GPCI2025.csv", (data_dir / "pfs" / "GPCI2025.csv").read_bytes())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _gunzip(path: Path) -> bytes:
    import gzip

    return gzip.decompress(path.read_bytes())


def test_fetch_by_url(empty_store, release_server: str) -> None:
    report = fetch_release(empty_store, f"{release_server}/rvu25d.zip")
    assert report.ok
    labels = {(r.family, r.label) for f in report.files for r in f.releases}
    assert ("pfs_rvu", "RVU25D") in labels and ("gpci", "RVU25D") in labels
    assert empty_store.scalar("SELECT COUNT(*) FROM pfs_rvu") > 19_000


def test_fetch_by_release_name_uses_the_index(
    empty_store, release_server: str, tmp_path: Path
) -> None:
    index = tmp_path / "rvu_zip_links.csv"
    index.write_text(
        '"year","file","date_start","date_end","description","url"\n'
        f'2025,"RVU25D","2025-10-01","2025-12-31","October 2025",'
        f'"{release_server}/rvu25d.zip"\n'
    )
    import_paths(empty_store, [index])
    report = fetch_release(empty_store, "rvu25d")
    assert report.ok
    assert {r.label for f in report.files for r in f.releases} == {"RVU25D"}


def test_fetch_errors_are_clear(empty_store, release_server: str) -> None:
    with pytest.raises(DataError, match="HTTP 404"):
        fetch_release(empty_store, f"{release_server}/missing.zip")
    with pytest.raises(InputError, match="neither a URL nor a release name"):
        fetch_release(empty_store, "latest please")
    with pytest.raises(DataError, match="download failed"):
        fetch_release(empty_store, "http://127.0.0.1:9/none.zip", timeout=2)
