"""schemathesis against /openapi.json: no generated input gets a 5xx.

Each API operation gets a bounded number of generated requests (so the run
takes about a minute on the reference machine). The cases are drawn from
schemathesis's strategies and run here with Hypothesis, without its pytest
plugin (which does not load under this pytest).
"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

EXAMPLES = 20


def test_no_server_error_on_generated_input(web_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", web_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:300]}"
            )

        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert operations >= 14
    assert failures == []
