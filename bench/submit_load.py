"""Load generation of bench/submit.py: valid submission bodies and timed client threads."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import math
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

WORDS = (
    "privacy data trust notice consent share control delete account email cookies "
    "tracking brand clear simple honest helpful slow quick app website form"
).split()


# Payloads ----------------------------------------------------------------


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."


def answer_value(q: dict[str, Any], rng: random.Random) -> Any:
    """A valid raw answer (API shape) for one question of a definition."""
    t = q["type"]
    choices = q.get("choices", [])
    settings = q.get("settings", {})
    if t == "attention_check":
        return next(c["code"] for c in choices if c.get("is_correct"))
    if t == "single_choice":
        return rng.choice(choices)["code"]
    if t == "multiple_choice":
        plain = [c["code"] for c in choices if not c.get("exclusive")]
        exclusive = [c["code"] for c in choices if c.get("exclusive")]
        if exclusive and rng.random() < 0.1:
            return [exclusive[0]]
        most = min(len(plain), settings.get("max_selections", len(plain)))
        return rng.sample(plain, rng.randint(max(1, settings.get("min_selections", 1)), most))
    if t == "scale":
        return rng.choice(choices)["value"]
    if t == "matrix":
        return {row["code"]: rng.choice(choices)["value"] for row in settings["rows"]}
    if t == "nps":
        return rng.randint(0, 10)
    if t == "rating":
        return rng.randint(1, 5)
    if t == "number":
        lo, hi, step = settings["min"], settings["max"], settings.get("step", 1)
        return lo + step * rng.randint(0, int((hi - lo) // step))
    if t == "short_text":
        return _sentence(rng, 3, 10)
    if t == "long_text":
        return " ".join(_sentence(rng, 6, 14) for _ in range(rng.randint(2, 4)))
    if t == "yes_no":
        return rng.random() < 0.5
    if t == "ranking":
        codes = [c["code"] for c in choices]
        rng.shuffle(codes)
        return codes
    if t == "date":
        lo = dt.date.fromisoformat(settings.get("min", "2000-01-01"))
        hi = dt.date.fromisoformat(settings.get("max", "2030-12-31"))
        return (lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))).isoformat()
    if t == "acknowledgement":
        return True
    raise ValueError(f"no generator for question type {t}")


def payloads(
    definition: dict[str, Any], count: int, notice_version: int | None, seed: int = 20261129
) -> list[bytes]:
    """`count` JSON bodies, each a completed response answering every question.

    With a notice version, each carries the consent a brand's app collected:
    the notice's required purpose only (``survey_research`` in the demo notice).
    """
    rng = random.Random(seed)
    questions = [q for s in definition["sections"] for q in s["questions"]]
    bodies = []
    for _ in range(count):
        answers = [{"question": q["code"], "value": answer_value(q, rng)} for q in questions]
        body: dict[str, Any] = {
            "answers": answers,
            "locale": definition["default_locale"],
            "channel": "api",
        }
        if notice_version is not None:
            body["consent"] = {"notice_version": notice_version, "purposes": ["survey_research"]}
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


# Load generation ---------------------------------------------------------


@dataclass(kw_only=True)
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    sample_error: str = ""

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[max(0, math.ceil(p / 100 * len(data)) - 1)]


def run_phase(
    phase: Phase,
    *,
    host: str,
    port: int,
    path: str,
    bodies: list[bytes],
    api_key: str,
    clients: int,
    requests: int,
    idempotency: bool,
    record: bool = True,
) -> None:
    """Send `requests` POSTs from `clients` threads; add what was measured to `phase`."""
    counter = itertools.count()
    lock = threading.Lock()
    base_headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        local: list[float] = []
        errors: Counter[str] = Counter()
        sample = ""
        while True:
            i = next(counter)
            if i >= requests:
                break
            headers = dict(base_headers)
            if idempotency:
                headers["Idempotency-Key"] = str(uuid.uuid4())
            body = bodies[i % len(bodies)]
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            elapsed = time.perf_counter() - t0
            if response.status == 201:
                local.append(elapsed)
            else:
                errors[f"HTTP {response.status}"] += 1
                sample = sample or data[:500].decode("utf-8", "replace")
        conn.close()
        if record:
            with lock:
                phase.latencies.extend(local)
                phase.errors.update(errors)
                phase.sample_error = phase.sample_error or sample

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if record:
        phase.seconds += time.perf_counter() - t0


def post_once(host: str, port: int, path: str, body: bytes, api_key: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        response = conn.getresponse()
        return response.status, response.read()[:500].decode("utf-8", "replace")
    finally:
        conn.close()
