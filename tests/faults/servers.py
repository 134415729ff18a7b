"""Throwaway servers for the fault tests: a PostgreSQL cluster made with initdb in a
temporary folder, a redis-server without persistence, gunicorn and a Celery worker,
each on a free port of 127.0.0.1. Never the machine's shared servers: the tests stop
and start these at will.

Every wait is bounded (WAIT seconds): a server that does not come up fails the test
with its log, it never hangs the suite.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from leanops.env import BASE_DIR

WAIT = 60  # seconds any one server gets to start or stop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, ready, *, timeout: float = WAIT, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout}s\n{tail}")


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries (Debian keeps them out of PATH)."""
    for candidate in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    ):
        if all(Path(candidate, tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    for tool_dir in {Path(shutil.which("pg_ctl") or "/nonexistent").parent}:
        if (tool_dir / "initdb").exists():
            return tool_dir
    return None


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class PostgresCluster:
    """A cluster of its own: `initdb` into a temporary folder, `pg_ctl` to start, stop
    and restart it. initdb refuses to run as root, so as root (CI) the tools run as
    the `postgres` system user, which owns the folder."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="leanops-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def _run(self, tool: str, *args: str, timeout: float = WAIT) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd=self.root,
        )  # fmt: skip

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        # Durability off: these clusters live for a few minutes and are thrown away.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", str(WAIT), "start", timeout=WAIT + 10)  # fmt: skip

    def stop(self, *, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(WAIT), "stop",
                  timeout=WAIT + 10)  # fmt: skip

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database,
            autocommit=True, connect_timeout=5,
        ) as conn:  # fmt: skip
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """redis-server with no persistence (--save "" --appendonly no), stopped and started
    again on the same port."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="leanops-faults-redis-"))
        self.log = self.root / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for("redis-server", self.answers, log=self.log)

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def stop_process(process: subprocess.Popen, *, sig: int = signal.SIGTERM) -> None:
    """Stop a process this test started, by its id; SIGKILL if it ignores `sig`."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def app_env(*, database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process against the throwaway servers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DEBUG": "false",
        "SECRET_KEY": "faults-test-only-not-a-secret-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on 127.0.0.1, as the bench serves it: no redirect to HTTPS, no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    # The suite's own settings must not leak into the servers.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, timeout=timeout,
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def django_script(env: dict[str, str], function: str, **kwargs) -> object:
    """Run tests.faults.scenario.<function>(**kwargs) in a Django process against `env`'s
    servers; its JSON result."""
    code = (
        "import json, sys, django; django.setup(); "
        "from tests.faults import scenario; "
        f"print('RESULT=' + json.dumps(scenario.{function}(**json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)], cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "leanops.settings"}, timeout=120,
        capture_output=True, text=True,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT=")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"scenario.{function} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1].removeprefix("RESULT="))


def start_worker(env: dict[str, str], log: Path, *, queues: str | None = None) -> subprocess.Popen:
    """A real Celery worker, as tests/leanops/test_worker.py starts one (solo pool)."""
    command = [
        sys.executable, "-m", "celery", "-A", "leanops", "worker", "--pool", "solo",
        "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    if queues:
        command += ["--queues", queues]
    with log.open("a") as log_file:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )


def start_gunicorn(
    env: dict[str, str], log: Path, *, workers: int = 2
) -> tuple[subprocess.Popen, str]:
    """gunicorn as the Dockerfile runs it (leanops.wsgi:application), on a free port."""
    port = free_port()
    with log.open("a") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "leanops.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "-",
             "--timeout", "30", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_for("gunicorn", lambda: process.poll() is not None or _port_open(port), log=log)
    if process.poll() is not None:
        raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
    return process, f"http://127.0.0.1:{port}"


class Browser:
    """A cookie-keeping HTTP client for a real server (urllib; no redirects followed)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(NoRedirect)

    def _keep_cookies(self, headers) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(
        self, path: str, *, data: dict | None = None, headers: dict | None = None,
        files: dict[str, tuple[str, bytes]] | None = None, timeout: float = 15,
    ) -> tuple[int, str, float]:  # fmt: skip
        """(status, body, seconds); a POST when `data` or `files` is given, with the CSRF
        token."""
        body = None
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        if files is not None:  # {field: (filename, content)}, multipart
            boundary = uuid.uuid4().hex
            body = (
                b"".join(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                    f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                    for field, (filename, content) in files.items()
                )
                + f"--{boundary}--\r\n".encode()
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        if body is not None:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, text = response.status, response.read().decode()
                self._keep_cookies(response.headers)
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            self._keep_cookies(error.headers)
        return status, text, time.monotonic() - started

    def login(self, username: str, password: str) -> None:
        self.request("/login/")
        status, _, _ = self.request("/login/", data={"username": username, "password": password})
        assert status == 302, f"login of {username} answered {status}"
