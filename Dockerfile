# LeanOps production image. The default command is the gunicorn web server;
# the same image runs the Celery worker, beat and migrations with another
# command (see docker-compose.yml). Configuration comes only from environment
# variables (leanops/env.py).
FROM python:3.11-slim

ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    STATIC_ROOT=/app/staticfiles \
    PATH=/app/.venv/bin:$PATH

RUN pip install "uv==${UV_VERSION}" \
    && groupadd --system --gid 1000 leanops \
    && useradd --system --uid 1000 --gid leanops --create-home --home-dir /home/leanops \
        --shell /usr/sbin/nologin leanops

WORKDIR /app

# Dependencies first, from the lock file alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# The code stays owned by root (read-only to the app); only var/ is writable.
COPY . .
RUN uv sync --frozen --no-dev \
    && DEBUG=false SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown -R leanops:leanops var

USER leanops:leanops

EXPOSE 8000

# /healthz answers 200 when the database and the broker are up, 503 otherwise
# (urlopen raises, python exits 1). The Host header is the first ALLOWED_HOSTS
# entry so Django does not reject the probe.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS') or '').split(',')[0].strip().lstrip('*.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=8)"]

CMD ["sh", "-c", "exec gunicorn leanops.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
