# The dashboard's browser code from the npm registry, at the versions package-lock.json pins.
FROM node:20-slim AS dashboard-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    DATA_DIR=/app/data \
    VECTOR_STORE_PATH=/app/data/chroma \
    MIGRATIONS_DIR=/app/migrations

WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 brain

COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
COPY --from=dashboard-assets /assets/node_modules/chart.js/dist/chart.umd.min.js ./src/enterprise/dashboard/static/vendor/
COPY --from=dashboard-assets /assets/node_modules/chart.js/LICENSE.md ./src/enterprise/dashboard/static/vendor/chart.js-LICENSE.md
RUN pip install .

RUN mkdir -p /app/data && chown -R brain:brain /app/data
USER brain

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT:-8000}/health/live" || exit 1

CMD ["sh", "-c", "brain serve --host 0.0.0.0 --port ${PORT:-8000} --no-migrate"]
