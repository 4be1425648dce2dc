"""Locust users for bench/web.py: analysts moving between the main pages.

Each user holds a signed-in session made by bench/web.py (sign-in itself,
with its rate limits and second factor, is not what is measured) and picks
its search terms, entities and alerts from the samples file.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import HttpUser, between, task

SAMPLES: dict[str, Any] = json.loads(Path(os.environ["VIGIL_BENCH_SAMPLES"]).read_text())


class Analyst(HttpUser):
    # A person reads a page before asking for the next one.
    wait_time = between(1, 3)

    def on_start(self) -> None:
        session = random.choice(SAMPLES["sessions"])
        self.client.cookies.set(SAMPLES["cookie_name"], session)

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as reply:
            if reply.status_code != 200:
                reply.failure(f"{reply.status_code} for {url}")

    @task(2)
    def home(self) -> None:
        self._get("/", "home")

    @task(3)
    def search(self) -> None:
        kind, query = random.choice(SAMPLES["searches"])
        self._get(f"/records/search/?{urlencode({'kind': kind, 'q': query})}", f"search {kind}")

    @task(3)
    def entity(self) -> None:
        if not SAMPLES["entities"]:
            return
        url = f"/entities/{random.choice(SAMPLES['entities'])}/"
        # An entity resting only on records this user may not read is a 404 by design:
        # counted apart, not as an error.
        with self.client.get(url, name="entity profile", catch_response=True) as reply:
            if reply.status_code == 404:
                reply.success()
                self.environment.events.request.fire(
                    request_type="GET",
                    name="entity profile (not readable, 404)",
                    response_time=reply.elapsed.total_seconds() * 1000,
                    response_length=len(reply.content),
                    exception=None,
                    context={},
                )
            elif reply.status_code != 200:
                reply.failure(f"{reply.status_code} for {url}")

    @task(1)
    def alert_queue(self) -> None:
        self._get("/alerts/", "alert queue")

    @task(2)
    def alert(self) -> None:
        if SAMPLES["alerts"]:
            self._get(f"/alerts/{random.choice(SAMPLES['alerts'])}/", "alert detail")
