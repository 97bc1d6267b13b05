"""``clearclaim serve`` as a user starts it: a real uvicorn process on loopback,
whose logs never hold a note's text (not on success, not on bad input)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from clearclaim.store import Store

from .conftest import free_port, load_case

MARKER = "ZEBRA-QUOKKA-7731"  # stands in for patient text: it must reach no log


@pytest.fixture
def served(full_store: Store, tmp_path: Path) -> tuple[str, subprocess.Popen[bytes], Path]:
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "CLEARCLAIM_DB": full_store.location,
        "CLEARCLAIM_WEB_DATA": str(tmp_path / "web"),
        "CLEARCLAIM_AUDIT": str(tmp_path / "audit.jsonl"),
        "CLEARCLAIM_LIBRARY": str(tmp_path / "library.sqlite"),
        "CLEARCLAIM_MAX_UPLOAD_BYTES": "100000",
    }
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "clearclaim.cli.main", "serve", "--port", str(port)],
        stdout=handle,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        time.sleep(0.3)
    yield base, process, log
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    handle.close()


def test_no_note_text_in_the_server_logs(served: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    base, process, log = served
    case = load_case()
    note = case["note"] + f"\nPatient name {MARKER}.\n"
    body = {
        "note": note,
        "codes": case["codes"],
        "pos": case["pos"],
        "equipment": case["equipment"],
        "date": str(case["date"]),
    }
    with httpx.Client(base_url=base, timeout=60) as client:
        report = client.post("/api/check", json=body)
        assert report.status_code == 200 and report.json()["suppressed"]
        assert MARKER not in report.text.split('"note"')[0]
        bad = client.post("/api/check", json={**body, "equipment": "borrowed"})
        assert bad.status_code == 422 and MARKER not in bad.text
        broken = client.post(
            "/api/check",
            content=("{" + note).encode(),
            headers={"content-type": "application/json"},
        )
        assert broken.status_code == 422 and MARKER not in broken.text
        page = client.post("/check", data={**body, "codes": "20610,77003"})
        assert page.status_code == 200
        upload = client.post(
            "/check",
            data={"codes": "20610"},
            files={"note_file": ("n.txt", note.encode(), "text/plain")},
        )
        assert upload.status_code == 200
        big = client.post("/api/check", json={**body, "note": note * 400})
        assert big.status_code == 413
        assert client.get("/api/audit").status_code == 200
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)
    logged = log.read_text(errors="replace")
    assert '"POST /api/check HTTP/1.1" 200' in logged  # the access log is on
    assert MARKER not in logged
    assert "femoral" not in logged
