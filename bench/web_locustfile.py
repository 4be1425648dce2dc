"""Locust users for bench/web.py: analysts moving between the main pages.

Each user holds a signed-in session made by bench/web.py (sign-in itself,
with its rate limits and second factor, is not what is measured). The
sessions cover the bench's roles in turn, and each user asks only for
entities and alerts its own session may read (bench/web.py picked them
through need-to-know), so every answer but a 200 is an error: nothing is
skipped or counted apart.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

SAMPLES: dict[str, Any] = json.loads(Path(os.environ["VIGIL_BENCH_SAMPLES"]).read_text())
# Users take the sessions in turn, so every role is as busy as the others.
_NEXT_SESSION = itertools.count()


class Analyst(FastHttpUser):
    # A person reads a page before asking for the next one.
    wait_time = between(1, 3)

    def on_start(self) -> None:
        sessions = SAMPLES["sessions"]
        self.session = sessions[next(_NEXT_SESSION) % len(sessions)]
        # The session cookie is sent as a header: the server may set cookies, never another.
        self.headers = {"Cookie": f"{SAMPLES['cookie_name']}={self.session['key']}"}

    def _get(self, url: str, name: str) -> None:
        with self.client.get(
            url, name=name, headers=self.headers, catch_response=True, allow_redirects=False
        ) as reply:
            if reply.status_code != 200:
                reply.failure(f"{reply.status_code} for {url} as {self.session['role']}")

    @task(2)
    def home(self) -> None:
        self._get("/", "home")

    @task(3)
    def search(self) -> None:
        kind, query = random.choice(SAMPLES["searches"])
        self._get(f"/records/search/?{urlencode({'kind': kind, 'q': query})}", f"search {kind}")

    @task(3)
    def entity(self) -> None:
        self._get(f"/entities/{random.choice(self.session['entities'])}/", "entity profile")

    @task(1)
    def alert_queue(self) -> None:
        self._get("/alerts/", "alert queue")

    @task(2)
    def alert(self) -> None:
        self._get(f"/alerts/{random.choice(self.session['alerts'])}/", "alert detail")
