# Three stages: the dashboard's browser code from npm, a virtual environment built from the
# hash-pinned lock (its own layer, so a source change does not reinstall the dependencies), and a
# runtime image with only Python, the environment and the migrations (no compilers, no apt step).
FROM node:20-slim AS dashboard-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements/base.txt /tmp/requirements.txt
# No bytecode at install (250 MB of it): the runtime never writes any either.
RUN /venv/bin/pip install --no-compile --require-hashes -r /tmp/requirements.txt
COPY pyproject.toml README.md /build/
COPY src /build/src
COPY --from=dashboard-assets /assets/node_modules/chart.js/dist/chart.umd.min.js /build/src/enterprise/dashboard/static/vendor/
COPY --from=dashboard-assets /assets/node_modules/chart.js/LICENSE.md /build/src/enterprise/dashboard/static/vendor/chart.js-LICENSE.md
RUN /venv/bin/pip install --no-compile --no-deps /build \
    && /venv/bin/pip uninstall --yes --quiet pip

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    DATA_DIR=/app/data \
    VECTOR_STORE_PATH=/app/data/chroma \
    MIGRATIONS_DIR=/app/migrations
WORKDIR /app
RUN useradd --create-home --uid 10001 brain \
    && mkdir -p /app/data && chown brain:brain /app/data
COPY --from=build /venv /venv
COPY migrations ./migrations
USER brain

EXPOSE 8000
# Python's own HTTP client: no curl to install. Liveness only: a Redis blip must not restart it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('PORT', '8000'), timeout=4)"]

# Exec form: the server is PID 1 and gets SIGTERM itself. The port is $PORT when set (Railway).
CMD ["brain", "serve", "--host", "0.0.0.0", "--no-migrate"]
