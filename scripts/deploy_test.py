#!/usr/bin/env python3
"""A multi-host deployment of TrustPulse on one Linux machine, tested under faults.

Run as root (``make test-deploy``; docs/DEPLOYMENT.md). Each host is a
network namespace with its own loopback and one address on a bridge:

    db 10.21.0.10      PostgreSQL (a private cluster, initdb in a temp dir)
    redis 10.21.0.11   redis-server (its own config)
    web1/web2 .21/.22  gunicorn, trustpulse.settings.production
    proxy 10.21.0.30   nginx -> web1, web2, X-Forwarded-Proto https
    worker1/2 .41/.42  celery worker (prefork, 2 processes)
    beat 10.21.0.50    celery beat
    (this host)  .1    the clients: respondents and API clients, via the proxy

While respondents walk the web survey and API clients post submissions,
web1 is killed (SIGKILL) and restarted, then worker1, then the link to Redis
is cut for 20 s (``ip link set … down``). Afterwards, with the backlog
drained, it checks: every submission a client was told was accepted is
stored once (0 lost, 0 duplicated), the rollups equal a full recompute,
no respondent saw more than one failed request per killed host. It prints a
JSON report (also in var/deploy/report.json) and exits 1 if a check fails.
Everything it starts is stopped and every namespace removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from submit import payloads  # noqa: E402 - bench/submit.py: valid API bodies

PREFIX = "tpd"
HOSTS = {
    "db": 10,
    "redis": 11,
    "web1": 21,
    "web2": 22,
    "proxy": 30,
    "worker1": 41,
    "worker2": 42,
    "beat": 50,
}
SITE = "trust.test"
PG_BIN = Path("/usr/lib/postgresql/15/bin")

# The respondent flow of the demo survey (tests/surveys/test_views_public.py).
PAGES = [
    ("", {"action": "agree", "purposes": ["survey_research"]}),
    (
        "p/attitudes/",
        {
            "shown": ["concern", "trust_brand"],
            "q-concern-worry": "4",
            "q-concern-control": "5",
            "q-concern-no_concern": "2",
            "q-concern-reads_terms": "2",
            "q-trust_brand": "3",
        },
    ),
    (
        "p/habits/",
        {
            "shown": ["policy_reading", "protective_actions"],
            "q-policy_reading": "sometimes",
            "q-protective_actions": ["ad_blocker"],
        },
    ),
    ("p/recommend/", {"shown": ["nps", "attention"], "q-nps": "9", "q-attention": "blue"}),
    (
        "p/about_you/",
        {
            "shown": ["age_band", "shared_newsletter"],
            "q-age_band": "a30_44",
            "q-shared_newsletter": "no",
        },
    ),
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=check, capture_output=True, text=True)


def ip_of(host: str, net: str) -> str:
    return f"{net}.{HOSTS[host]}"


# --- network --------------------------------------------------------------------------


def net_down() -> None:
    for host in HOSTS:
        sh("ip", "netns", "del", f"{PREFIX}-{host}", check=False)
        sh("ip", "link", "del", f"{PREFIX}-{host}-h", check=False)
    sh("ip", "link", "del", f"{PREFIX}-br0", check=False)


def net_up(net: str) -> None:
    net_down()
    sh("ip", "link", "add", f"{PREFIX}-br0", "type", "bridge")
    sh("ip", "addr", "add", f"{net}.1/24", "dev", f"{PREFIX}-br0")
    sh("ip", "link", "set", f"{PREFIX}-br0", "up")
    for host in HOSTS:
        ns, veth = f"{PREFIX}-{host}", f"{PREFIX}-{host}-h"
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
        sh("ip", "link", "set", veth, "master", f"{PREFIX}-br0", "up")
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{ip_of(host, net)}/24", "dev", "eth0")
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")


def link(host: str, up: bool) -> None:
    sh("ip", "link", "set", f"{PREFIX}-{host}-h", "up" if up else "down")


# --- processes ------------------------------------------------------------------------


@dataclass
class Cluster:
    net: str
    tmp: Path
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(
        self, name: str, host: str, argv: list[str], env: dict[str, str] | None = None
    ) -> None:
        logfile = open(self.tmp / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - kept by the child
        self.procs[name] = subprocess.Popen(
            ["ip", "netns", "exec", f"{PREFIX}-{host}", *argv],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs)[::-1]:
            self.kill(name, signal.SIGTERM)


def manage(cluster: Cluster, *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_port(host: str, port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{host}:{port} did not open within {timeout:g} s")


def start_db(cluster: Cluster) -> None:
    data = cluster.tmp / "pgdata"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    run_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {cluster.net}.0/24 trust\n")
    cluster.start(
        "db",
        "db",
        [*run_pg, str(PG_BIN / "postgres"), "-D", str(data),
         "-c", f"listen_addresses={ip_of('db', cluster.net)}",
         "-c", f"unix_socket_directories={data}", "-c", "max_connections=200"],
    )  # fmt: skip
    wait_port(ip_of("db", cluster.net), 5432)
    time.sleep(1)
    sh("createdb", "-h", ip_of("db", cluster.net), "-U", "postgres", "trustpulse")


def start_redis(cluster: Cluster) -> None:
    conf = cluster.tmp / "redis.conf"
    conf.write_text(
        f"bind {ip_of('redis', cluster.net)}\nport 6379\nprotected-mode no\n"
        f'save ""\nappendonly no\ndir {cluster.tmp}\n'
    )
    cluster.start("redis", "redis", [shutil.which("redis-server") or "redis-server", str(conf)])
    wait_port(ip_of("redis", cluster.net), 6379)


def start_web(cluster: Cluster, name: str) -> None:
    ip = ip_of(name, cluster.net)
    cluster.start(
        name,
        name,
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        env={
            "BIND": f"{ip}:8000",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_MAX_REQUESTS": "0",
            "SIGNIN_PROXY_COUNT": "1",
            "FORWARDED_ALLOW_IPS": ip_of("proxy", cluster.net),
            "LOG_LEVEL": "WARNING",
        },
    )
    wait_port(ip, 8000)


def start_worker(cluster: Cluster, name: str) -> None:
    cluster.start(
        name,
        name,
        [sys.executable, "-m", "celery", "-A", "trustpulse", "worker", "-l", "info",
         "-c", "2", "-n", f"{name}@%h"],
    )  # fmt: skip


def start_beat(cluster: Cluster) -> None:
    cluster.start(
        "beat",
        "beat",
        [sys.executable, "-m", "celery", "-A", "trustpulse", "beat", "-l", "info",
         "-s", str(cluster.tmp / "celerybeat-schedule")],
    )  # fmt: skip


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    log("installing nginx from Debian")
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], check=False)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise RuntimeError("nginx is not installed and could not be installed")
    return found


def start_proxy(cluster: Cluster) -> None:
    nginx = ensure_nginx()
    tmp = cluster.tmp / "nginx"
    tmp.mkdir()
    upstreams = "\n".join(
        f"        server {ip_of(w, cluster.net)}:8000 max_fails=1 fail_timeout=3s;"
        for w in ("web1", "web2")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {cluster.tmp}/logs/proxy-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream trustpulse_web {{
{upstreams}
        keepalive 16;
    }}
    server {{
        listen {ip_of("proxy", cluster.net)}:80;
        client_max_body_size 20m;
        location / {{
            proxy_pass http://trustpulse_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
    )
    cluster.start("proxy", "proxy", [nginx, "-c", str(conf), "-g", "daemon off;"])
    wait_port(ip_of("proxy", cluster.net), 80)


# --- clients --------------------------------------------------------------------------


@dataclass
class Tally:
    api: dict[str, str] = field(default_factory=dict)  # idempotency key -> response id
    api_failed_requests: int = 0
    api_gave_up: int = 0
    web_thanked: int = 0
    web_abandoned: int = 0
    web_failures: list[int] = field(default_factory=list)  # failed requests per respondent
    events: list[tuple[float, str]] = field(default_factory=list)
    stuck: dict[str, int] = field(default_factory=dict)  # where abandoning respondents stopped
    lock: threading.Lock = field(default_factory=threading.Lock)


def request(
    proxy: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(proxy, 80, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": SITE, **headers})
        res = conn.getresponse()
        found: dict[str, list[str]] = {}
        for k, v in res.getheaders():
            found.setdefault(k.lower(), []).append(v)
        return res.status, found, res.read()
    finally:
        conn.close()


def api_client(
    proxy: str,
    info: dict[str, Any],
    bodies: list[bytes],
    tally: Tally,
    stop: threading.Event,
    n: int,
) -> None:
    path = f"/api/v1/surveys/{info['survey_id']}/responses/"
    i = 0
    while not stop.is_set():
        body = bodies[(n * 7919 + i) % len(bodies)]
        key = f"deploy-{n}-{i}-{uuid.uuid4().hex[:8]}"
        i += 1
        for _attempt in range(10):  # API clients retry with the same key (docs/API.md)
            try:
                status, _, raw = request(
                    proxy, "POST", path, body,
                    {"Authorization": f"Bearer {info['api_key']}", "Idempotency-Key": key,
                     "Content-Type": "application/json"},
                )  # fmt: skip
            except OSError:
                status, raw = 0, b""
            if status == 201:
                with tally.lock:
                    tally.api[key] = json.loads(raw)["id"]
                break
            with tally.lock:
                tally.api_failed_requests += 1
            if status in (400, 409, 422):
                break
            time.sleep(0.5)
        else:
            with tally.lock:
                tally.api_gave_up += 1
        time.sleep(0.1)


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Respondent:
    """One person walking the survey; a failed request is pressed again once, then they leave."""

    def __init__(self, proxy: str) -> None:
        self.proxy, self.cookies, self.failures = proxy, {}, 0
        self.stuck, self.token = "", ""
        self.events: list[tuple[float, str]] = []

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> tuple[int, bytes]:
        for _attempt in range(2):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            body = None
            if data is not None:
                # CSRF_USE_SESSIONS: the token is in the page's form, not in a cookie.
                form = {**data, "csrfmiddlewaretoken": self.token}
                body = urlencode(form, doseq=True).encode()
                headers.update(
                    {"Content-Type": "application/x-www-form-urlencoded",
                     "Origin": f"https://{SITE}", "Referer": f"https://{SITE}{path}"}
                )  # fmt: skip
            try:
                status, found, raw = request(self.proxy, method, path, body, headers)
            except OSError:
                status, found, raw = 0, {}, b""
            if status and status < 500:
                for cookie in found.get("set-cookie", []):
                    name, _, rest = cookie.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
                found_token = CSRF_INPUT.search(raw)
                if found_token:
                    self.token = found_token.group(1).decode()
                return status, raw
            self.failures += 1
            self.events.append((time.monotonic(), f"{method} {path} -> {status}"))
            time.sleep(0.5)
        return 0, b""

    def walk(self, slug: str) -> bool:
        base = f"/s/{slug}/"
        steps: list[tuple[str, str, dict[str, Any] | None, int]] = [("GET", base, None, 200)]
        for page, data in PAGES:
            if page:
                steps.append(("GET", base + page, None, 200))
            steps.append(("POST", base + page, data, 302))
        steps.append(("GET", base + "thanks/", None, 200))
        for method, path, data, expected in steps:
            status, raw = self.call(method, path, data)
            if status != expected:
                self.stuck = f"{method} {path} -> {status}"
                return False
        return b"Thank you" in raw


def respondent(proxy: str, slug: str, tally: Tally, stop: threading.Event) -> None:
    """One respondent after another: landing, consent, four pages, thanks."""
    while not stop.is_set():
        person = Respondent(proxy)
        ok = person.walk(slug)
        with tally.lock:
            tally.web_failures.append(person.failures)
            tally.events.extend(person.events)
            if ok:
                tally.web_thanked += 1
            else:
                tally.web_abandoned += 1
                tally.stuck[person.stuck] = tally.stuck.get(person.stuck, 0) + 1


# --- the run --------------------------------------------------------------------------


def get_json(proxy: str, path: str, token: str = "") -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        status, _, raw = request(proxy, "GET", path, None, headers)
    except OSError:
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def wait_healthy(host_ip: str, timeout: float = 90) -> int:
    """Probe a web host's /healthz directly (as a load balancer does) until it answers 200."""
    deadline = time.monotonic() + timeout
    status = 0
    while time.monotonic() < deadline:
        status = direct_health(host_ip)[0]
        if status == 200:
            break
        time.sleep(1)
    return status


def direct_health(host_ip: str) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(host_ip, 8000, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"Host": SITE})
        res = conn.getresponse()
        return res.status, json.loads(res.read())
    except (OSError, ValueError):
        return 0, None
    finally:
        conn.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    net = args.subnet
    tmp = Path(tempfile.mkdtemp(prefix="tp-deploy-"))
    tmp.chmod(0o755)
    (tmp / "logs").mkdir()
    (tmp / "media").mkdir()
    monitoring = secrets.token_urlsafe(24)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="trustpulse.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RESPONDENT_ID_HMAC_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS=SITE,
        SITE_URL=f"https://{SITE}",
        DATABASE_URL=f"postgres://postgres@{ip_of('db', net)}:5432/trustpulse",
        REDIS_URL=f"redis://{ip_of('redis', net)}:6379/0",
        MEDIA_ROOT=str(tmp / "media"),
        EXPORTS_ROOT=str(tmp / "media" / "exports"),
        STATIC_ROOT=str(tmp / "static"),
        MONITORING_TOKEN=monitoring,
        TRANSPARENCY_PDF="false",
        PYTHONUNBUFFERED="1",
    )
    cluster = Cluster(net=net, tmp=tmp, env=env)
    report: dict[str, Any] = {"tmp": str(tmp)}
    tally, stop = Tally(), threading.Event()
    started = time.monotonic()
    try:
        log(f"hosts on {net}.0/24 (namespaces {PREFIX}-*), files in {tmp}")
        net_up(net)
        start_db(cluster)
        start_redis(cluster)
        log("migrating, collecting static files, preparing the surveys")
        manage(cluster, "migrate", "--noinput", "-v", "0")
        manage(cluster, "collectstatic", "--noinput", "-v", "0")
        info = json.loads(
            subprocess.run(
                [sys.executable, "scripts/deploy/checks.py", "prepare"],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        for w in ("web1", "web2"):
            start_web(cluster, w)
        start_proxy(cluster)
        for w in ("worker1", "worker2"):
            start_worker(cluster, w)
        start_beat(cluster)
        proxy = ip_of("proxy", net)
        report["setup_seconds"] = round(time.monotonic() - started, 1)
        # Health of each process before the load.
        report["health_before"] = {w: wait_healthy(ip_of(w, net)) for w in ("web1", "web2")}
        if set(report["health_before"].values()) != {200}:
            raise RuntimeError(f"web hosts not healthy: {report['health_before']}")
        time.sleep(3)
        report["worker_health"] = json.loads(manage(cluster, "worker_health", "--timeout", "30"))
        _, baseline = get_json(proxy, "/healthz/backlog", monitoring)
        log(f"ready in {report['setup_seconds']} s; backlog {baseline}")
        bodies = payloads(
            json.loads((ROOT / "bench" / "survey_20q.json").read_text()),
            200,
            info["notice_version"],
        )
        threads = [
            threading.Thread(
                target=api_client, args=(proxy, info, bodies, tally, stop, n), daemon=True
            )
            for n in range(args.api_clients)
        ] + [
            threading.Thread(
                target=respondent, args=(proxy, "privacy-comfort", tally, stop), daemon=True
            )
            for _ in range(args.respondents)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()

        def at(second: float) -> None:
            time.sleep(max(0.0, t0 + second - time.monotonic()))

        timeline: list[tuple[float, str]] = []

        def mark(what: str) -> None:
            timeline.append((round(time.monotonic() - t0, 1), what))
            log(what)

        at(10)
        mark("kill web1 (SIGKILL)")
        cluster.kill("web1")
        at(20)
        start_web(cluster, "web1")
        mark("web1 restarted")
        at(30)
        mark("kill worker1 (SIGKILL)")
        cluster.kill("worker1")
        at(40)
        start_worker(cluster, "worker1")
        mark("worker1 restarted")
        at(50)
        mark(f"cut the link to redis for {args.outage} s")
        link("redis", False)
        at(50 + args.outage)
        report["backlog_at_return"] = get_json(proxy, "/healthz/backlog", monitoring)[1]
        link("redis", True)
        back = time.monotonic()
        mark("link to redis restored")
        # Catch-up: until nothing accepted before the return is still waiting.
        caught_up = None
        samples = []
        while time.monotonic() - back < 180:
            status, found = get_json(proxy, "/healthz/backlog", monitoring)
            since = time.monotonic() - back
            if status == 200 and found:
                samples.append((round(since, 1), found["inbox_pending"], found["unaggregated"]))
                ages = [found["inbox_oldest_age_s"] or 0, found["unaggregated_oldest_age_s"] or 0]
                if max(ages) < since:
                    caught_up = round(since, 1)
                    break
            time.sleep(1)
        mark(f"backlog from before the return caught up: {caught_up} s after it")
        at(50 + args.outage + 15)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        mark("load stopped")
        drained = manage(cluster, "backlog", "--wait-empty", "180")
        report["backlog_after"] = json.loads(drained)
        report["health_after"] = {w: direct_health(ip_of(w, net)) for w in ("web1", "web2")}
        told = tmp / "told.json"
        said = {"api_survey_id": info["survey_id"], "api": tally.api}
        told.write_text(json.dumps({**said, "web_thanked": tally.web_thanked}))
        checks = json.loads(
            subprocess.run(
                [sys.executable, "scripts/deploy/checks.py", "verify", str(told)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        killed_hosts = 2
        report.update(
            timeline=timeline,
            catch_up_seconds_after_redis_return=caught_up,
            backlog_samples_after_return=samples[:: max(1, len(samples) // 20)],
            load_seconds=round(time.monotonic() - t0, 1),
            api_failed_requests=tally.api_failed_requests,
            api_gave_up=tally.api_gave_up,
            web_respondents=len(tally.web_failures),
            web_thanked=tally.web_thanked,
            web_abandoned=tally.web_abandoned,
            web_abandoned_at=tally.stuck,
            web_failed_requests_total=sum(tally.web_failures),
            web_failed_requests_max_per_respondent=max(tally.web_failures, default=0),
            web_failure_events=[(round(t - t0, 1), e) for t, e in tally.events],
            checks=checks,
        )
        web_stored = checks["web_complete_stored"] - info["web_complete_before"]
        report["acceptance"] = {
            "0 accepted submissions lost": checks["api_lost"] == 0 and checks["inbox_pending"] == 0,
            "0 duplicated": checks["api_duplicated"] == 0 and checks["api_unexpected"] == 0,
            "web respondents thanked = stored": web_stored == tally.web_thanked,
            "rollups equal a full recompute": checks["rollups_api"]["equal"]
            and checks["rollups_web"]["equal"]
            and checks["unaggregated"] == 0,
            "at most one failed request per killed host for any respondent": max(
                tally.web_failures, default=0
            )
            <= killed_hosts,
            "backlog caught up within 60 s of the broker's return": caught_up is not None
            and caught_up <= 60,
        }
    finally:
        stop.set()
        report["total_seconds"] = round(time.monotonic() - started, 1)
        cluster.stop_all()
        net_down()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subnet", default="10.21.0", help="first three octets (default 10.21.0)")
    parser.add_argument("--outage", type=int, default=20, help="seconds the Redis link is cut")
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--respondents", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, data)")
    parser.add_argument("--json", default=str(ROOT / "var" / "deploy" / "report.json"))
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("scripts/deploy_test.py needs root (ip netns, veth, a bridge).", file=sys.stderr)
        return 2
    report = run(args)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    failed = [k for k, ok in report.get("acceptance", {}).items() if not ok]
    if "acceptance" not in report or failed:
        print(f"FAILED: {failed or 'the run did not finish'}", file=sys.stderr)
        return 1
    log(f"all checks hold; {report['total_seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
