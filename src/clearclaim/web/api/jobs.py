"""Scrub jobs: a claim file checked in the background, polled by URL.

One worker thread runs the jobs in order (a scrub uses every core it gets);
each job's files live in ``<data>/scrub/<id>/``. Jobs are kept in memory:
a restarted server forgets them, the files stay.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from clearclaim import Checker, ClearclaimError

State = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    id: str
    folder: Path
    input: Path
    setting: str
    state: State = "queued"
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None

    @property
    def findings(self) -> Path:
        return self.folder / "findings.csv"

    @property
    def errors(self) -> Path:
        return self.folder / "errors.csv"


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
        with self._lock:
            self.jobs[job_id] = job
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    def _run(self, job: Job) -> None:
        job.state = "running"
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
            job.finished = time.monotonic()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
