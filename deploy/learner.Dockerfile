# The NaikKelas learner image (`singleuser.image` in the values that `naikkelas deploy
# kubernetes` writes): one pod per learner, and trainers' JupyterLab. Lessons are not baked in:
# at start the pod fetches the lessons released to the learner's cohort from the NaikKelas
# service (python -m naikkelas.hub.learner.start), so a release needs no new image and answer
# keys never leave the hub pod.
#
#   docker build -f deploy/learner.Dockerfile -t REGISTRY/naikkelas/learner:TAG .
#
# The first stage builds the light lesson page's bundle (frontend/, esbuild: what `make frontend`
# does) with Node; the image itself holds no Node, only the two built files.
#
# Pin the bases by digest for production (docs/kubernetes.md):
#   --build-arg BASE=python:3.11-slim-bookworm@sha256:... --build-arg NODE_BASE=node:20-bookworm-slim@sha256:...
ARG BASE=python:3.11-slim-bookworm
ARG NODE_BASE=node:20-bookworm-slim

FROM ${NODE_BASE} AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/build.mjs ./
COPY frontend/src src
RUN node build.mjs /frontend/out

FROM ${BASE}

# The same virtual environment path as the hub image: the hub points learner servers at the
# lesson template inside the installed package (JUPYTER_PATH).
ENV PATH=/opt/naikkelas/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONNOUSERSITE=1

WORKDIR /build
COPY pyproject.toml constraints.txt README.md ./
COPY deploy/install.sh deploy/install.sh
COPY hub hub
COPY widgets widgets
COPY grading grading
COPY --from=frontend /frontend/out/ hub/learner/static/
RUN sh deploy/install.sh learner /opt/naikkelas/venv python3 \
    && rm -rf /build /root/.cache

# uid 1000: the chart's singleuser.uid. The lessons folder is the pod's own, filled at start;
# the lockdown configuration is mounted read-only into /etc/naikkelas/learner-config.
RUN useradd --uid 1000 --user-group --create-home --home-dir /home/jovyan --shell /usr/sbin/nologin jovyan \
    && mkdir -p /srv/naikkelas/lessons /etc/naikkelas/learner-config \
    && chown jovyan:jovyan /srv/naikkelas/lessons
USER 1000
WORKDIR /home/jovyan
EXPOSE 8888
CMD ["python", "-m", "naikkelas.hub.singleuser"]
