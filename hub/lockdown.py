"""What a learner's single-user server may do: serve Voila lessons and the course home, no more.

`learner_server_config` returns the Jupyter server configuration (as a plain dict, written to the
JUPYTER_CONFIG_DIR of every learner server) that closes everything a learner must not reach.
"""

from __future__ import annotations

import json

# Server extensions installed in the environment that learners never get. Listing them as
# `false` overrides the `true` their own packages put in etc/jupyter/jupyter_server_config.d.
DISABLED_EXTENSIONS = (
    "jupyterlab",
    "notebook",
    "notebook_shim",
    "jupyter_lsp",
    "jupyter_server_terminals",
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)

ENABLED_EXTENSIONS = ("voila.server_extension", "naikkelas.hub.learner")

# The kernel protocol messages a widget page needs. `execute_request`, `inspect_request`,
# `complete_request`, `history_request` and the rest are dropped at the server.
ALLOWED_KERNEL_MESSAGES = (
    "comm_open",
    "comm_close",
    "comm_msg",
    "comm_info_request",
    "kernel_info_request",
    "shutdown_request",
)

# The JupyterLab front-end extensions a lesson page loads.
LESSON_LAB_EXTENSIONS = (
    "@voila-dashboards/widgets-manager8",
    "@jupyter-widgets/jupyterlab-manager",
)

# Lesson front-ends (`Settings.lesson_frontend`) and the Voila template each one uses. "light":
# NaikKelas's own small page (frontend/, docs/performance.md); "voila": Voila's JupyterLab-based
# page, kept as a fallback.
LESSON_FRONTENDS = {"light": "naikkelas-light", "voila": "naikkelas"}

# Largest kernel websocket message. A photo uploaded in a lesson (the QRIS sticker check) travels
# as one message; above tornado's default of 10 MiB the connection is dropped and the upload
# button stops working, so ordinary phone photos (up to ~25 MB) must fit and be refused by the
# lesson with a message instead.
MAX_KERNEL_MESSAGE_BYTES = 32 * 1024 * 1024

# Voila's file handler serves only these from the lessons folder (pictures in lessons and the
# recordings "Dengarkan" plays).
FILE_ALLOWLIST = (r".*\.(png|jpg|jpeg|gif|svg|webp|mp3|ogg|oga|opus|m4a|wav)",)


def learner_server_config(
    *,
    kernel_cull_idle_seconds: int = 600,
    kernel_cull_disconnected_seconds: int = 120,
    headers: dict[str, str] | None = None,
    lesson_frontend: str = "light",
) -> dict:
    """The jupyter_server configuration of a learner's server. `headers` are the security
    headers of its pages (`naikkelas.hub.headers`; Voila lessons' policy by default);
    `lesson_frontend` one of LESSON_FRONTENDS."""
    from .headers import LESSON_CSP, common_headers

    if lesson_frontend not in LESSON_FRONTENDS:
        raise ValueError(f"unknown lesson front-end {lesson_frontend!r}")
    headers = headers or {**common_headers(), "Content-Security-Policy": LESSON_CSP}
    extensions = {name: False for name in DISABLED_EXTENSIONS}
    extensions.update({name: True for name in ENABLED_EXTENSIONS})
    return {
        "ServerApp": {
            "jpserver_extensions": extensions,
            "terminals_enabled": False,
            "authorizer_class": "naikkelas.hub.learner.authorizer.LearnerAuthorizer",
            # The lesson kernel only, over Unix sockets; pages gone for good end their kernels
            # (naikkelas.hub.learner.kernels).
            "kernel_manager_class": "naikkelas.hub.learner.kernels.LessonKernelManager",
            "kernel_spec_manager_class": "naikkelas.hub.learner.kernels.LessonKernelSpecManager",
            "default_url": "/naikkelas",
            "allow_root": False,
            "disable_check_xsrf": False,
            "tornado_settings": {
                "websocket_max_message_size": MAX_KERNEL_MESSAGE_BYTES,
                "headers": dict(headers),
                # gzip every text response (pages, scripts, styles, JSON): stock Voila sends
                # ~4.7 MiB uncompressed per lesson page. See docs/performance.md.
                "compress_response": True,
            },
            # permessage-deflate on the kernel websocket: widget state is verbose JSON.
            "websocket_compression_options": {},
        },
        "ContentsManager": {"allow_hidden": False, "hide_globs": ["*"]},
        "FileContentsManager": {"delete_to_trash": False},
        "MappingKernelManager": {
            "allowed_message_types": list(ALLOWED_KERNEL_MESSAGES),
            "cull_idle_timeout": kernel_cull_idle_seconds,
            # How often kernels are checked: often enough for the shorter of the two limits.
            "cull_interval": cull_interval(
                kernel_cull_idle_seconds, kernel_cull_disconnected_seconds
            ),
            "cull_connected": True,
        },
        "LessonKernelManager": {"cull_disconnected_timeout": kernel_cull_disconnected_seconds},
        # A restarted lesson kernel has lost its widgets, leaving the page inert: let a dead
        # kernel stay dead; the page notices (keepalive.js) and reloads with a fresh one.
        "KernelManager": {"autorestart": False, "transport": "ipc"},
        # Lessons are in Bahasa Indonesia: <html lang="id"> (screen readers pick the voice).
        "VoilaExporter": {"language_code": "id"},
        "VoilaConfiguration": {
            "template": LESSON_FRONTENDS[lesson_frontend],
            "show_tracebacks": False,
            "file_allowlist": list(FILE_ALLOWLIST),
            "enable_nbextensions": False,
            # Only the widget manager: other installed JupyterLab extensions (nbgrader, notebook)
            # fail outside JupyterLab, blank the page and cost learners' data.
            "extension_allowlist": list(LESSON_LAB_EXTENSIONS),
        },
    }


def cull_interval(idle_seconds: int, disconnected_seconds: int) -> int:
    """Seconds between two checks of a learner server's kernels: half the shorter limit, at
    most 30 s (a kernel outlives its limit by at most this much)."""
    limits = [s for s in (idle_seconds, disconnected_seconds) if s > 0] or [60]
    return max(1, min(30, min(limits) // 2))


# jupyter_core tries to write this marker into the (read-only) config dir when a learner's home
# has an old ~/.ipython; present, it skips the migration.
MIGRATED_MARKER = "migrated"


def learner_config_files(
    *,
    kernel_cull_idle_seconds: int = 600,
    kernel_cull_disconnected_seconds: int = 120,
    headers: dict[str, str] | None = None,
    lesson_frontend: str = "light",
) -> dict[str, str]:
    """The files of a learner server's JUPYTER_CONFIG_DIR, by name: written to the public folder
    by `naikkelas run`, mounted into learner pods by the Kubernetes values."""
    config = learner_server_config(
        kernel_cull_idle_seconds=kernel_cull_idle_seconds,
        kernel_cull_disconnected_seconds=kernel_cull_disconnected_seconds,
        headers=headers,
        lesson_frontend=lesson_frontend,
    )
    return {
        "jupyter_server_config.json": json.dumps(config, indent=2) + "\n",
        MIGRATED_MARKER: "naikkelas\n",
    }
