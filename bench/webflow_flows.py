"""The web flow's clients for bench/webflow.py: one completion per system, over HTTP or
Django's test client (to count SQL statements)."""

from __future__ import annotations

import html
import http.client
import json
import random
import re
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.submit import answer_value

HERE = Path(__file__).resolve().parent
DEFINITION = json.loads((HERE / "survey_20q.json").read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Transport: HTTP (the load) or Django's test client (counting SQL) ---------------


class Done(Exception):
    pass


Request = Callable[[str, str, list[tuple[str, str]] | None], tuple[int, str, str]]


def keep_cookies(jar: dict[str, str], set_cookies: list[str]) -> None:
    """Set-Cookie headers into a cookie jar (a cookie expired or emptied leaves it)."""
    for raw in set_cookies:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(raw.replace("; Partitioned", ""))
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def http_client(host: str, port: int) -> Request:
    """A fresh cookie jar; each request on a new connection (sync workers close it)."""
    jar: dict[str, str] = {}

    def request(method: str, path: str, data: list[tuple[str, str]] | None) -> tuple[int, str, str]:
        headers = {"Host": f"{host}:{port}", "User-Agent": "webflow-bench"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{host}:{port}"
            headers["Referer"] = f"http://{host}:{port}{path}"
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            text = res.read().decode("utf-8", "replace")
            keep_cookies(jar, res.msg.get_all("Set-Cookie") or [])
            location = urlsplit(res.getheader("Location") or "").path
            return res.status, location, text
        finally:
            conn.close()

    return request


def django_client() -> Request:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def request(method: str, path: str, data: list[tuple[str, str]] | None) -> tuple[int, str, str]:
        if data is None:
            res = client.get(path)
        else:
            body = urlencode(data)
            res = client.post(path, body, content_type="application/x-www-form-urlencoded")
        location = urlsplit(res.get("Location") or "").path
        return res.status_code, location, res.content.decode("utf-8", "replace")

    return request


def expect(status: int, wanted: int, what: str, body: str) -> None:
    if status != wanted:
        raise Done(f"{what}: HTTP {status} (wanted {wanted}) {body[:300]!r}")


def csrf(body: str) -> str:
    found = CSRF.search(body)
    if not found:
        raise Done("no CSRF token on the page")
    return html.unescape(found.group(1))


# One completion per system ----------------------------------------------------------


def tp_fields(q: dict[str, Any], value: Any) -> list[tuple[str, str]]:
    """The form fields of one TrustPulse question (surveys/forms.py names them q-<code>[-…])."""
    name = f"q-{q['code']}"
    t = q["type"]
    if t == "multiple_choice":
        return [(name, str(v)) for v in value]
    if t == "matrix":
        return [(f"{name}-{row}", str(v)) for row, v in value.items()]
    if t == "ranking":
        return [(f"{name}-rank-{n}", code) for n, code in enumerate(value, start=1)]
    if t == "yes_no":
        return [(name, "yes" if value else "no")]
    if t == "acknowledgement":
        return [(name, "1")]
    return [(name, str(value))]


def trustpulse_completion(request: Request, slug: str, rng: random.Random) -> int:
    base = f"/s/{slug}/"
    status, _, body = request("GET", base, None)
    expect(status, 200, "landing", body)
    token = csrf(body)
    data = [("csrfmiddlewaretoken", token), ("action", "agree"), ("purposes", "survey_research")]
    status, location, body = request("POST", base, data)
    expect(status, 302, "consent", body)
    requests = 2
    for section in DEFINITION["sections"]:
        status, _, body = request("GET", location, None)
        expect(status, 200, f"page {section['code']}", body)
        data = [("csrfmiddlewaretoken", csrf(body))]
        for q in section["questions"]:
            data.append(("shown", q["code"]))
            data.extend(tp_fields(q, answer_value(q, rng)))
        status, location, body = request("POST", location, data)
        expect(status, 302, f"page {section['code']} POST", body)
        requests += 2
    if location != f"{base}thanks/":
        raise Done(f"ended at {location}, not the thank-you page")
    status, _, body = request("GET", location, None)
    expect(status, 200, "thanks", body)
    return requests + 1


FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def generic_fields(body: str, prefix: str) -> list[tuple[str, str]]:
    """Fill every field named `prefix`…: the first option of a choice, a number, some text."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tag, attrs_text in FIELD.findall(body):
        attrs = dict(ATTR.findall(attrs_text))
        name = attrs.get("name", "")
        if not name.startswith(prefix) or name in seen:
            continue
        kind = attrs.get("type", "text").lower()
        if tag.lower() == "input" and kind in ("radio", "checkbox"):
            seen.add(name)
            out.append((name, html.unescape(attrs.get("value", ""))))
        elif tag.lower() == "input" and kind == "number":
            seen.add(name)
            out.append((name, "7"))
        elif tag.lower() in ("input", "textarea"):
            seen.add(name)
            out.append((name, "Quick and clear, thank you."))
    return out


def peer_completion(request: Request, survey_id: int, rng: random.Random) -> int:
    path = f"/survey/{survey_id}/"
    requests = 0
    for _ in range(3):
        status, _, body = request("GET", path, None)
        expect(status, 200, f"peer {path}", body)
        data = [("csrfmiddlewaretoken", csrf(body)), *generic_fields(body, "question_")]
        status, location, body = request("POST", path, data)
        expect(status, 302, f"peer {path} POST", body)
        path = location
        requests += 2
    if "/confirm/" not in path:
        raise Done(f"peer ended at {path}")
    status, _, body = request("GET", path, None)
    expect(status, 200, "peer confirm", body)
    return requests + 1


def floor_completion(request: Request, _key: Any, rng: random.Random) -> int:
    status, _, body = request("GET", "/", None)
    expect(status, 200, "floor form", body)
    data = [("csrfmiddlewaretoken", csrf(body))]
    for section in DEFINITION["sections"]:
        for q in section["questions"]:
            data.append((q["code"], json.dumps(answer_value(q, rng))))
    status, location, body = request("POST", "/", data)
    expect(status, 302, "floor POST", body)
    status, _, body = request("GET", location, None)
    expect(status, 200, "floor thanks", body)
    return 3
