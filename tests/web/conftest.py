"""Fixtures of the web tests: the app over the test store, a live server on
loopback, and Debian's chromium driven by Playwright (skipped only when absent)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clearclaim import Checker
from clearclaim.store import Store
from clearclaim.web import create_app
from clearclaim.web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: a real note from the case set: 20610 + 77003 for a hip injection in the office,
#: no fluoroscopy time (77003 is suppressed for 77002; fluoro_time is a gap)
HIP_CASE = ROOT / "tests/check_cases/cc190_hip_20610_77003_office_wrong_guidance_code_no_time.yaml"


def load_case(path: Path = HIP_CASE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def web_checker(full_store: Store, web_dir: Path) -> Checker:
    return Checker(
        full_store, library=web_dir / "library.sqlite", audit_path=web_dir / "audit.jsonl"
    )


@pytest.fixture(scope="session")
def web_settings(web_dir: Path) -> WebSettings:
    return WebSettings(data_dir=web_dir / "data", max_upload_bytes=512 * 1024)


@pytest.fixture(scope="session")
def web_app(web_checker: Checker, web_settings: WebSettings) -> FastAPI:
    return create_app(web_checker, web_settings)


@pytest.fixture(scope="session")
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, for the browser."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed ({CHROMIUM}); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    tab = context.new_page()
    yield tab
    context.close()


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under tests/web/artifacts (git-ignored) to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
