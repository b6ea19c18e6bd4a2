# The NaikKelas hub image for the Zero to JupyterHub chart (`hub.image` in the values that
# `naikkelas deploy kubernetes` writes). The chart mounts its own jupyterhub_config.py and runs
# `jupyterhub --config ...`; its hub.extraConfig then calls naikkelas.hub.config from this image.
#
#   docker build -f deploy/hub.Dockerfile -t REGISTRY/naikkelas/hub:TAG .
#
# Pin the base by digest for production (docs/kubernetes.md): --build-arg BASE=python:3.11-slim-bookworm@sha256:...
ARG BASE=python:3.11-slim-bookworm
FROM ${BASE}

ENV PATH=/opt/naikkelas/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NAIKKELAS_DATA_DIR=/srv/naikkelas \
    NAIKKELAS_COURSES_DIR=/opt/naikkelas/courses

# The install step, the same one `make image-check` runs where no container runtime is.
WORKDIR /build
COPY pyproject.toml constraints.txt README.md ./
COPY deploy/install.sh deploy/install.sh
COPY hub hub
COPY widgets widgets
COPY grading grading
RUN sh deploy/install.sh hub /opt/naikkelas/venv python3 \
    && rm -rf /build /root/.cache

# The bundled courses, for `kubectl exec deploy/hub -- naikkelas courses release ...`.
COPY courses /opt/naikkelas/courses

# uid 1000: the chart's hub.containerSecurityContext runs the hub as 1000:1000.
RUN useradd --uid 1000 --user-group --create-home --home-dir /srv/jupyterhub --shell /usr/sbin/nologin naikkelas \
    && mkdir -p /srv/naikkelas && chown naikkelas:naikkelas /srv/naikkelas
USER 1000
WORKDIR /srv/jupyterhub
EXPOSE 8081 8181
CMD ["jupyterhub", "--config", "/usr/local/etc/jupyterhub/jupyterhub_config.py"]
