"""Scrub jobs: a claim file checked in the background, polled by URL.

One worker thread per server process runs its jobs in order (a scrub uses
every core it gets); each job's files live in ``<data>/scrub/<id>/`` with its
state in ``job.json`` beside them, so that any worker process of ``clearclaim
serve --workers N`` answers for a job another one runs, and a restarted server
still knows its finished jobs. A job whose process stopped before it finished
is reported as failed.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from clearclaim import Checker, ClearclaimError
from clearclaim._process import process_running

State = Literal["queued", "running", "done", "failed"]
STATE_FILE = "job.json"
_JOB_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Job:
    id: str
    folder: Path
    input: Path
    setting: str
    state: State = "queued"
    #: wall-clock seconds, so that every process reads the same times
    started: float = field(default_factory=time.time)
    finished: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None
    #: the server process that runs it
    pid: int = field(default_factory=os.getpid)

    @property
    def findings(self) -> Path:
        return self.folder / "findings.csv"

    @property
    def errors(self) -> Path:
        return self.folder / "errors.csv"

    def save(self) -> None:
        """Write the state beside the job's files (whole, or not at all)."""
        data = {k: v for k, v in asdict(self).items() if k not in ("folder", "input")}
        data["input"] = self.input.name
        tmp = self.folder / f".{STATE_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.folder / STATE_FILE)

    @classmethod
    def load(cls, folder: Path) -> Job | None:
        try:
            data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            job = cls(
                id=str(data["id"]),
                folder=folder,
                input=folder / Path(str(data["input"])).name,
                setting=str(data["setting"]),
                state=data["state"],
                started=float(data["started"]),
                finished=data.get("finished"),
                summary=data.get("summary"),
                error=data.get("error"),
                pid=int(data["pid"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if job.state in ("queued", "running") and not process_running(job.pid):
            job.state = "failed"
            job.error = "the server stopped before the job finished; submit the file again"
        return job


class JobRunner:
    def __init__(self, checker: Checker, root: Path) -> None:
        self.checker = checker
        self.root = root
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scrub")

    def submit(self, data: bytes, suffix: str, setting: str) -> Job:
        job_id = uuid.uuid4().hex
        folder = self.root / job_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"claims{suffix}"
        path.write_bytes(data)
        job = Job(id=job_id, folder=folder, input=path, setting=setting)
        job.save()
        with self._lock:
            self.jobs[job_id] = job
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, this process's or another's (read from its folder)."""
        with self._lock:
            job = self.jobs.get(job_id)
        if job is not None:
            return job
        if not _JOB_ID.fullmatch(job_id):
            return None
        return Job.load(self.root / job_id)

    def _run(self, job: Job) -> None:
        job.state = "running"
        job.save()
        try:
            report = self.checker.scrub(
                job.input, out=job.findings, errors=job.errors, setting=job.setting
            )
            summary = report.to_dict()
            # the server's own paths are not the client's business
            for key in ("input", "out", "errors_out"):
                summary.pop(key, None)
            job.summary = summary
            job.state = "done"
        except ClearclaimError as exc:
            job.error = str(exc).replace(str(job.folder), "").lstrip("/")
            job.state = "failed"
        except Exception as exc:  # a malformed file must fail its job, not the server
            job.error = f"the file could not be scrubbed ({type(exc).__name__})"
            job.state = "failed"
        finally:
            job.finished = time.time()
            job.save()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
