# syntax=docker/dockerfile:1
# The backend image: one image for every role (api | worker | scheduler | migrate | manage),
# chosen by the first argument of infra/docker/entrypoint.sh. Build context: the repo root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # run from the source tree (backend/migrations is found next to the package)
    PYTHONPATH=/app/backend:/app

RUN groupadd --system unionhome \
    && useradd --system --gid unionhome --home-dir /app --no-create-home unionhome

WORKDIR /app

# Dependencies pinned by constraints.txt (the lead's lock of pyproject.toml's ranges).
COPY pyproject.toml constraints.txt ./
COPY backend/ backend/
COPY workers/ workers/
RUN pip install -c constraints.txt .

COPY infra/docker/entrypoint.sh /usr/local/bin/entrypoint.sh
RUN chmod 0755 /usr/local/bin/entrypoint.sh

USER unionhome
EXPOSE 5000
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["api"]
