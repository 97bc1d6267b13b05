"""The REST API with FastAPI's TestClient: the CLI's JSON shapes, problem details
naming the field, and bad input answered with a 4xx, never a crash."""

from __future__ import annotations

import csv
import html
import io
import json
import time
from pathlib import Path

from fastapi.testclient import TestClient

from clearclaim import Checker

from .conftest import load_case

PROBLEM = "application/problem+json"


def check_body(audit: bool = False) -> dict[str, object]:
    case = load_case()
    return {
        "note": case["note"],
        "codes": ",".join(case["codes"]),
        "pos": case["pos"],
        "equipment": case["equipment"],
        "date": str(case["date"]),
        "audit": audit,
    }


def test_check_returns_the_cli_report(client: TestClient, web_checker: Checker) -> None:
    from clearclaim import ClaimContext, parse_codes

    response = client.post("/api/check", json=check_body())
    assert response.status_code == 200
    report = response.json()
    for key in (
        "context",
        "lines",
        "suppressed",
        "documentation",
        "findings",
        "payment",
        "denial_risks",
        "warnings",
        "note",
        "undetermined",
        "library",
    ):
        assert key in report
    assert set(report["documentation"]) >= {"missing", "found", "gaps"}
    case = load_case()
    direct = web_checker.check(
        ClaimContext(
            note=case["note"],
            codes=parse_codes(",".join(case["codes"])),
            pos=case["pos"],
            equipment=case["equipment"],
            date_of_service=case["date"],
        )
    ).to_dict()
    assert report["lines"] == direct["lines"]
    assert report["suppressed"] == direct["suppressed"]
    assert (
        report["documentation"]["missing"] == direct["documentation"]["missing"] == ["fluoro_time"]
    )


def test_check_accepts_codes_as_a_list(client: TestClient) -> None:
    body = check_body()
    body["codes"] = ["20610", "77003"]
    assert client.post("/api/check", json=body).json()["context"]["intended_codes"] == [
        "20610",
        "77003",
    ]


def test_problem_details_name_the_field(client: TestClient) -> None:
    body = check_body()
    body["codes"] = "77003-ZZZ"
    response = client.post("/api/check", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["field"] == "codes" and problem["status"] == 422
    assert {"type", "title", "status", "detail"} <= set(problem)

    body = check_body()
    body["pos"] = "ab"
    assert client.post("/api/check", json=body).json()["field"] == "pos"
    body = check_body()
    body["date"] = "2024-02-30"
    assert client.post("/api/check", json=body).json()["field"] == "date"


def test_validation_errors_never_echo_the_note(client: TestClient) -> None:
    body = check_body()
    body["equipment"] = "borrowed"
    body["note"] = "SECRET-PATIENT-TEXT " * 3
    response = client.post("/api/check", json=body)
    assert response.status_code == 422
    assert "SECRET-PATIENT-TEXT" not in response.text
    body["extra"] = "x"
    assert "SECRET-PATIENT-TEXT" not in client.post("/api/check", json=body).text


def test_malformed_json_and_wrong_content_type(client: TestClient) -> None:
    response = client.post(
        "/api/check", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and response.headers["content-type"].startswith(PROBLEM)
    response = client.post("/api/check", content=b"note=x", headers={"content-type": "text/plain"})
    assert 400 <= response.status_code < 500


def test_unknown_code_is_404_with_close_matches(client: TestClient) -> None:
    response = client.get("/api/codes/76009")
    assert response.status_code == 404
    assert response.json()["field"] == "code" and "76009" in response.json()["detail"]


def test_code_page_is_the_cli_json(client: TestClient, web_checker: Checker) -> None:
    from datetime import date

    page = client.get("/api/codes/77003", params={"date": "2024-08-06", "lang": "es"}).json()
    assert page == json.loads(
        json.dumps(web_checker.code_page("77003", day=date(2024, 8, 6), lang="es"), default=str)
    )
    assert page["language"] == "es"
    assert client.get("/api/codes/77003", params={"lang": "xx"}).json()["field"] == "lang"


def test_price_edits_search_rules(client: TestClient, web_checker: Checker) -> None:
    from datetime import date

    price = client.get(
        "/api/price", params={"code": "77003", "modifier": "26", "date": "2024-08-06", "pos": "22"}
    ).json()
    direct = web_checker.price("77003", modifier="26", date_of_service=date(2024, 8, 6), pos="22")
    assert price["amount"] == float(direct.amount)
    edits = client.get(
        "/api/edits", params={"code1": "62323", "code2": "77003", "date": "2024-08-06"}
    ).json()
    assert edits["edits"] and edits["edits"][0]["column_2"] == "77003"
    found = client.get("/api/search", params={"q": "C-arm"}).json()["results"]
    assert found[0]["kind"] == "concept" and found[0]["slug"] == "fluoroscopy"
    codes = client.get("/api/search", params={"q": "7700*"}).json()["results"]
    assert {"77001", "77002", "77003"} <= {r["code"] for r in codes if r["kind"] == "code"}
    rules = client.get("/api/rules").json()
    assert any(r["id"] == "FLU03" for r in rules)


def test_library_upload_list_ask_remove(client: TestClient, tmp_path: Path) -> None:
    text = (
        "# Knee aspiration policy\n\nUltrasound or fluoroscopic guidance for a knee "
        "aspiration is reported with 77002 only when the imaging is documented.\n"
    )
    response = client.post(
        "/api/library",
        files={"files": ("../../escape/knee policy.md", text.encode(), "text/markdown")},
        data={"tags": "internal"},
    )
    assert response.status_code == 201, response.text
    added = response.json()[0]
    assert added["status"] == "added" and added["passages"] >= 1
    documents = client.get("/api/library").json()
    assert any(d["id"] == added["document_id"] and d["tags"] == ["internal"] for d in documents)
    answer = client.post("/api/ask", json={"question": "When is 77002 reported for a knee?"}).json()
    assert answer["grounded"] and "77002" in answer["citations"][0]["quote"]
    removed = client.delete(f"/api/library/{added['document_id']}")
    assert removed.status_code == 200
    assert all(d["id"] != added["document_id"] for d in client.get("/api/library").json())
    gone = client.delete(f"/api/library/{added['document_id']}")
    assert gone.status_code == 404 and gone.json()["field"] == "document_id"


def test_uploads_stay_inside_the_data_folder(client: TestClient, web_dir: Path) -> None:
    for name in ("../../../../tmp/evil.md", "/etc/evil.md", "..\\..\\evil.md"):
        client.post("/api/library", files={"files": (name, b"# t\n\nsome text", "text/markdown")})
    assert not Path("/tmp/evil.md").exists() and not Path("/etc/evil.md").exists()
    outside = [p for p in web_dir.parent.rglob("*evil*") if web_dir not in p.parents]
    assert outside == []


def test_upload_limits_and_types(client: TestClient, web_settings) -> None:
    big = b"x" * (web_settings.max_upload_bytes + 1)
    response = client.post("/api/library", files={"files": ("big.txt", big, "text/plain")})
    assert response.status_code == 413 and response.headers["content-type"].startswith(PROBLEM)
    response = client.post("/api/library", files={"files": ("tool.exe", b"MZ", "application/x")})
    assert response.status_code == 415 and response.json()["field"] == "files"
    response = client.post("/api/scrub", files={"file": ("claims.xlsx", b"x", "application/x")})
    assert response.status_code == 415


def test_scrub_job_polls_to_a_findings_file(client: TestClient) -> None:
    claims = (
        "claim_id,line,date_of_service,pos,code,modifiers,units\n"
        "C1,1,2024-08-06,11,62323,,1\n"
        "C1,2,2024-08-06,11,77003,,1\n"
        "C2,1,2024-08-06,11,not-a-code,,1\n"
    )
    response = client.post(
        "/api/scrub", files={"file": ("claims.csv", claims.encode(), "text/csv")}
    )
    assert response.status_code == 202
    url = response.headers["location"]
    deadline = time.monotonic() + 120
    job = response.json()
    while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(url).json()
    assert job["state"] == "done", job
    assert job["progress"] == 1.0 and job["summary"]["rows_rejected"] == 1
    findings = list(csv.DictReader(io.StringIO(client.get(job["findings_url"]).text)))
    assert any(f["code"] == "77003" and f["related_code"] == "62323" for f in findings)
    assert "/" not in json.dumps(job["summary"]).replace("\\/", "")  # no server paths
    assert client.get("/api/scrub/" + "0" * 32).status_code == 404
    # another worker process of the server answers for the job from its folder
    from clearclaim.web.api.jobs import JobRunner

    runner: JobRunner = client.app.state.jobs  # type: ignore[attr-defined]
    other = JobRunner(runner.checker, runner.root)
    seen = other.get(job["id"])
    assert seen is not None and seen.state == "done" and seen.findings.exists()
    assert seen.summary == job["summary"]
    other.shutdown()


def test_a_job_whose_server_stopped_is_failed(tmp_path: Path) -> None:
    from clearclaim.web.api.jobs import Job, JobRunner

    folder = tmp_path / ("a" * 32)
    folder.mkdir()
    job = Job(id="a" * 32, folder=folder, input=folder / "claims.csv", setting="professional")
    job.state, job.pid = "running", 2**22 + 7  # no such process
    job.save()
    runner = JobRunner(None, tmp_path)  # type: ignore[arg-type]
    seen = runner.get("a" * 32)
    assert seen is not None and seen.state == "failed" and "stopped" in (seen.error or "")
    assert runner.get("../" + "a" * 29) is None
    runner.shutdown()


def test_audit_records_decisions_and_exports_csv(client: TestClient) -> None:
    body = check_body(audit=True)
    body["note"] = str(body["note"]) + "\nAUDIT-MARKER-NOTE-TEXT"
    report = client.post("/api/check", json=body).json()
    assert report["audit_id"]
    entries = client.get("/api/audit", params={"since": "2000-01-01", "rule": "FLU07"}).json()
    assert any(e["id"] == report["audit_id"] for e in entries)
    exported = client.get("/api/audit", params={"format": "csv", "rule": "flu07"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    row = next(r for r in rows if r["id"] == report["audit_id"])
    assert row["suppressed"] == "77003:FLU07" and "77002" in row["billed"]
    assert "AUDIT-MARKER" not in exported.text
    assert "AUDIT-MARKER" not in client.get("/api/audit").text


def test_pages_answer_and_carry_the_language(client: TestClient) -> None:
    for path in (
        "/",
        "/codes/76000",
        "/concepts",
        "/concepts/ncci",
        "/search?q=fluoro",
        "/library",
        "/audit",
    ):
        response = client.get(path, params={"lang": "ar"})
        assert response.status_code == 200, path
        assert '<html lang="ar" dir="rtl">' in response.text
        assert response.cookies.get("lang") == "ar"
    assert client.get("/concepts/nothing-here").status_code == 404
    assert "<html" in client.get("/codes/76009").text


def test_check_page_renders_prompts_and_spanish_labels(client: TestClient) -> None:
    body = {k: v for k, v in check_body().items() if k != "audit"}
    response = client.post("/check?lang=es", data=body, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "No facturar" in response.text or "No factur" in response.text
    english = client.post("/api/check", json=check_body()).json()
    spanish = client.post("/api/check", json={**check_body(), "lang": "es"}).json()
    gap_en, gap_es = english["documentation"]["gaps"][0], spanish["documentation"]["gaps"][0]
    # the whole report follows the language: the prompt the physician completes too
    assert gap_es["prompt"] and gap_es["prompt"] != gap_en["prompt"]
    assert html.escape(gap_es["prompt"].split("(")[0], quote=False) in response.text
    assert gap_en["prompt"].split("(")[0] not in response.text


def test_check_page_accepts_a_note_file(client: TestClient) -> None:
    case = load_case()
    body = {k: v for k, v in check_body().items() if k not in ("audit", "note")}
    files = {"note_file": ("note.txt", case["note"].encode(), "text/plain")}
    response = client.post("/check", data=body, files=files, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'class="card dont"' in response.text
    files = {"note_file": ("note.txt", b"\x00\x01binary", "application/octet-stream")}
    response = client.post("/check", data=body, files=files, headers={"HX-Request": "true"})
    assert response.status_code == 415 and "note_file" in response.text


def test_standalone_code_page_document() -> None:
    from clearclaim.web.pages.code import render_code_page_html

    page = {
        "code": "76000",
        "language": "ar",
        "descriptor": "Fluoroscopy <1 hr phys/qhp",
        "status": {"code": "A", "label": "Active"},
        "payment": {"office": {"global": 1.0}},
    }
    html = render_code_page_html(page, "ar")
    assert html.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in html and "<title>76000" in html and "<style>" in html
    assert 'dir="rtl"' in html and "Fluoroscopy &lt;1 hr" in html


def test_report_renders_the_keys_the_core_is_adding(client: TestClient) -> None:
    """``prompt`` on gaps, ``needs_review``, ``data_coverage`` and ``action``/
    ``replaced_by`` on suppressed codes are shown when a report has them."""
    from types import SimpleNamespace

    from markupsafe import escape
    from starlette.datastructures import QueryParams

    from clearclaim.web.pages.render import context_for, environment
    from clearclaim.web.pages.report import report_view

    report = client.post("/api/check", json=check_body()).json()
    report["documentation"]["gaps"][0]["prompt"] = (
        "Please document total fluoroscopy time in minutes: ____ min"
    )
    report["needs_review"] = True
    report["data_coverage"] = [
        {
            "family": "ptp_practitioner",
            "title": "NCCI PTP edits, practitioner",
            "state": "nearest",
            "release": "2024-07-01",
            "effective_start": "2024-07-01",
            "effective_end": "2024-09-30",
            "days_away": 30,
            "why": "no release in force",
        },
    ]
    request = SimpleNamespace(url=SimpleNamespace(path="/check"), query_params=QueryParams(""))
    form = {k: "" for k in ("codes", "pos", "equipment", "date", "setting", "zip")}
    html = (
        environment()
        .get_template("_report.html")
        .render(
            context_for(request, "es", report=report_view(report, "es"), problem=None, form=form)
        )
    )
    assert "Please document total fluoroscopy time in minutes: ____ min" in html
    assert "Requiere revisión" in html
    assert "NCCI PTP edits, practitioner" in html and "versión más cercana" in html
    assert str(escape(report["suppressed"][0]["action"])) in html
    # and without them (an older core) the page still renders
    for key in ("needs_review", "data_coverage"):
        report.pop(key)
    report["documentation"]["gaps"][0].pop("prompt")
    html = (
        environment()
        .get_template("_report.html")
        .render(
            context_for(request, "en", report=report_view(report, "en"), problem=None, form=form)
        )
    )
    assert str(escape(report["documentation"]["gaps"][0]["action"])) in html
