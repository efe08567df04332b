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
COPY pyproject.toml setup.py constraints.txt ./
COPY backend/ backend/
COPY workers/ workers/
# gcc and OpenSSL's headers only to build the roster's compiled row builder (setup.py), next to its
# source as PYTHONPATH imports the package from there; libssl3 stays (Python's own ssl needs it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libssl-dev \
    && pip install -c constraints.txt . \
    && python setup.py build_ext --inplace \
    && python -c "from unionhome.domains.condolence.roster import _rowfast" \
    && apt-get purge -y --auto-remove gcc libc6-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/* build

COPY infra/docker/entrypoint.sh /usr/local/bin/entrypoint.sh
RUN chmod 0755 /usr/local/bin/entrypoint.sh

USER unionhome
EXPOSE 5000
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["api"]
