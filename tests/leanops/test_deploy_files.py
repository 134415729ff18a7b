"""The production deployment files (Dockerfile, docker-compose.yml) say what
ARCHITECTURE.md promises: gunicorn web, scalable Celery workers, one beat,
PostgreSQL 16 and Redis 7, configured only by variables LeanOps reads."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DJANGO_SERVICES = {"migrate", "web", "worker", "beat"}
SETTINGS_SOURCE = (ROOT / "leanops" / "env.py").read_text() + (
    ROOT / "leanops" / "settings.py"
).read_text()
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def _command(service: str) -> str:
    command = SERVICES[service]["command"]
    return " ".join(command) if isinstance(command, list) else command


def _environment(service: str) -> dict[str, str]:
    environment = SERVICES[service].get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def _interpolate(value: str, given: dict[str, str]) -> str:
    """What docker compose would substitute, with only `given` in the shell."""

    def substitute(match: re.Match) -> str:
        name, operator, default = match.groups()
        if name in given:
            return given[name]
        if operator and operator.endswith("?"):
            raise AssertionError(f"compose requires {name}: {default}")
        return default or ""

    return INTERPOLATION.sub(substitute, value)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _dockerfile(keyword: str) -> list[str]:
    return [rest for name, rest in _dockerfile_instructions() if name == keyword]


def test_compose_defines_the_production_services():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis", "migrate"}


def test_django_services_are_the_ones_built_from_the_project():
    built = {name for name, service in SERVICES.items() if "build" in service}
    assert built == DJANGO_SERVICES


def test_web_serves_the_wsgi_application_with_gunicorn():
    command = _command("web")
    assert command.startswith("gunicorn leanops.wsgi:application")
    assert "--bind 0.0.0.0:8000" in command


def test_web_publishes_port_8000():
    assert "8000:8000" in [str(port) for port in SERVICES["web"]["ports"]]


def test_migrate_applies_migrations_once_and_exits():
    assert _command("migrate") == "python manage.py migrate --noinput"
    assert SERVICES["migrate"]["restart"] == "no"
    assert "ports" not in SERVICES["migrate"]


def test_web_worker_and_beat_start_after_migrations_and_healthy_backends():
    for name in ("web", "worker", "beat"):
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_migrate_waits_for_a_healthy_database():
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_worker_runs_a_celery_worker_that_can_be_scaled():
    assert _command("worker").startswith("celery -A leanops worker")
    assert "container_name" not in SERVICES["worker"]
    assert "ports" not in SERVICES["worker"]


def test_beat_runs_celery_beat_as_a_single_instance():
    command = _command("beat")
    assert command.startswith("celery -A leanops beat")
    assert "--schedule /tmp/celerybeat-schedule" in command
    replicas = SERVICES["beat"].get("deploy", {}).get("replicas", 1)
    assert replicas <= 1
    assert "ports" not in SERVICES["beat"]


def test_no_django_service_embeds_beat_in_a_worker():
    for name in DJANGO_SERVICES - {"beat"}:
        command = _command(name)
        assert " beat" not in command and " -B" not in command, name


def test_database_is_postgres_16_with_a_readiness_healthcheck_and_a_volume():
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume_names = [str(volume).split(":", 1)[0] for volume in db["volumes"]]
    assert set(volume_names) <= set(COMPOSE["volumes"])


def test_web_and_workers_share_one_media_volume_at_media_root():
    """A CSV uploaded through web is read by the worker that imports it; a training
    recording saved by one web container plays back from another."""
    mounts = {}
    for name in ("web", "worker"):
        media_root = _environment(name)["MEDIA_ROOT"]
        mounts[name] = [
            str(volume).split(":")[0]
            for volume in SERVICES[name].get("volumes", [])
            if str(volume).split(":")[1] == media_root
        ]
    assert mounts == {"web": ["media"], "worker": ["media"]}
    assert "media" in COMPOSE["volumes"]
    assert _environment("web")["MEDIA_ROOT"] == "/app/var/media"
    # The image makes the folder (owned by its user), so a new named volume is writable.
    assert any("mkdir -p var/media" in run and "chown -R leanops:leanops var" in run
               for run in _dockerfile("RUN"))  # fmt: skip


def test_broker_is_redis_7_with_a_healthcheck():
    redis = SERVICES["redis"]
    assert redis["image"] == "redis:7" or redis["image"].startswith("redis:7.")
    assert "redis-cli" in " ".join(redis["healthcheck"]["test"])


def test_django_services_use_the_compose_database_and_broker():
    for name in DJANGO_SERVICES:
        environment = _environment(name)
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert "@db:5432/" in environment["DATABASE_URL"], name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/"), name
        # Every web worker shares one cache, or a changed organisation stays stale in some.
        assert environment["CACHE_URL"] == "redis://redis:6379/1", name


def test_django_services_share_one_environment():
    environments = [_environment(name) for name in sorted(DJANGO_SERVICES)]
    assert all(environment == environments[0] for environment in environments)


def test_compose_requires_a_secret_key_and_turns_debug_off():
    environment = _environment("web")
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", environment["SECRET_KEY"])
    assert environment["DEBUG"] == "false"


def test_every_django_variable_in_compose_is_read_by_the_settings():
    for name in DJANGO_SERVICES:
        for variable in _environment(name):
            assert f'"{variable}"' in SETTINGS_SOURCE, f"{name} sets unread {variable}"


def test_database_password_is_the_same_for_postgres_and_django():
    password = SERVICES["db"]["environment"]["POSTGRES_PASSWORD"]
    assert f"postgres://leanops:{password}@db:5432/leanops" == _environment("web")["DATABASE_URL"]
    assert SERVICES["db"]["environment"]["POSTGRES_USER"] == "leanops"
    assert SERVICES["db"]["environment"]["POSTGRES_DB"] == "leanops"


def test_compose_environment_with_its_defaults_is_accepted_by_the_settings():
    compose_environment = {
        name: _interpolate(value, {"SECRET_KEY": "test-only-secret"})
        for name, value in _environment("web").items()
    }
    environment = {
        **{k: v for k, v in os.environ.items() if k not in compose_environment},
        **compose_environment,
        "DJANGO_SETTINGS_MODULE": "leanops.settings",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(s.DEBUG, d['ENGINE'], d['HOST'], d['NAME'], s.CELERY_BROKER_URL, s.EMAIL_PORT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.postgresql",
        "db",
        "leanops",
        "redis://redis:6379/0",
        "25",
    ]


def test_dockerfile_builds_from_python_3_11():
    assert _dockerfile("FROM")[0].startswith("python:3.11")


def test_dockerfile_installs_the_locked_dependencies_without_the_dev_group():
    syncs = [run for run in _dockerfile("RUN") if "uv sync --frozen" in run]
    assert syncs
    assert all("--no-dev" in run for run in syncs)


def test_dockerfile_collects_static_files_at_build_time():
    assert any("collectstatic --noinput" in run for run in _dockerfile("RUN"))


def test_dockerfile_runs_as_a_non_root_user():
    users = _dockerfile("USER")
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerfile_exposes_port_8000():
    assert "8000" in " ".join(_dockerfile("EXPOSE")).split()


def test_dockerfile_healthcheck_probes_healthz():
    (healthcheck,) = _dockerfile("HEALTHCHECK")
    assert "/healthz" in healthcheck


def test_dockerfile_default_command_is_gunicorn_on_port_8000():
    (command,) = _dockerfile("CMD")
    assert "gunicorn leanops.wsgi:application --bind 0.0.0.0:8000" in command


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", ".env"} <= ignored


DEPLOY_CHECK_MESSAGE = re.compile(r"\(\w+\.[WE]\d+\)")


def test_compose_production_environment_passes_the_deployment_checks():
    compose_environment = {
        name: _interpolate(
            value,
            {
                # As the README's production example: a generated key, the site's name.
                "SECRET_KEY": "x7Qp2vLk9Rt4Zm8Nw3Yb6Hc1Jd5Fg0Ks7Ue2Ia9Ox4Pl6Mq3Wr8Ty1Vn5Bz0",
                "ALLOWED_HOSTS": "leanops.example.com",
                "CSRF_TRUSTED_ORIGINS": "https://leanops.example.com",
            },
        )
        for name, value in _environment("web").items()
    }
    environment = {
        **{k: v for k, v in os.environ.items() if k not in compose_environment},
        **compose_environment,
        "DJANGO_SETTINGS_MODULE": "leanops.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert DEPLOY_CHECK_MESSAGE.findall(output) == []
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_compose_health_check_reaches_healthz_over_plain_http():
    # The image's HEALTHCHECK probes http://127.0.0.1:8000/healthz from inside the
    # container; SECURE_SSL_REDIRECT would otherwise answer it with a redirect.
    (healthcheck,) = _dockerfile("HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in healthcheck
    assert "healthcheck" not in SERVICES["web"]
    assert _environment("web")["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-true}"
