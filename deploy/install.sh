#!/bin/sh
# Install NaikKelas into a fresh virtual environment: the install step of both container images
# (deploy/hub.Dockerfile, deploy/learner.Dockerfile) and of `make image-check`, which runs it
# outside a container where no container runtime is available.
#
#   deploy/install.sh hub|learner VENV [PYTHON]
#
# Run from the project root (the image's build context). The pins are pyproject.toml's, the
# versions of everything else constraints.txt's, so an image holds what the tests ran against.
set -eu
kind=$1
venv=$2
python=${3:-python3}
case "$kind" in
  hub) target=".[kubernetes]" ;;      # + KubeSpawner, pycurl: the chart's hub configuration
  learner) target="." ;;
  *) echo "usage: deploy/install.sh hub|learner VENV [PYTHON]" >&2; exit 2 ;;
esac
if [ "$kind" = learner ] && [ ! -f hub/learner/static/lesson-app.js ]; then
  # Built by `make install` / `make frontend` / the learner image's Node stage from frontend/.
  echo "warning: hub/learner/static/lesson-app.js is not built; lessons will use Voila's page" >&2
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
"$venv/bin/python" -m pip install --quiet --constraint constraints.txt "$target"
# What the image runs must import and start.
"$venv/bin/python" - "$kind" <<'PY'
import sys
import naikkelas.grading.grader, naikkelas.hub.config, naikkelas.hub.learner.start, voila  # noqa
if sys.argv[1] == "hub":
    import jupyterhub_idle_culler, kubespawner, kubernetes_asyncio, pycurl  # noqa
print(f"naikkelas {sys.argv[1]} environment ready")
PY
"$venv/bin/jupyterhub-singleuser" --version >/dev/null
