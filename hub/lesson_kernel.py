"""The lesson kernel: ipykernel without the parts a lesson page never uses.

A learner's server starts every lesson kernel with `python -m naikkelas.hub.lesson_kernel -f
<connection file>` (the kernel spec of `naikkelas.hub.learner.kernels`). It is IPython's own
kernel, with:
- no debugger: debugpy is left out (ipykernel treats it as optional), ~8 MiB per kernel; the
  lockdown drops `debug_request` anyway (`lockdown.ALLOWED_KERNEL_MESSAGES`);
- no OpenSSL: a kernel opens no network connection, so `ssl` (which asyncio imports only if it
  can) is left out, and so is `_hashlib`, OpenSSL's hashes: `hashlib` and `hmac` fall back to
  Python's own SHA-2 and MD5 (message signing, the lessons' practice signatures), ~5 MiB;
- no `curses`: tornado colours log lines with it only on a terminal, ~0.5 MiB;
- no input history (`HistoryManager.enabled = False`, set by the kernel spec): the lesson cells
  Voila runs need none, and no SQLite history file and thread per kernel;
- lean widget state: a page connecting gets only the values its model classes do not already
  have as defaults (`naikkelas.widgets.lean_state`; ~3x less for the demo lesson).

This module must stay light: it runs before the kernel, in every kernel process.
"""

from __future__ import annotations

import sys

# Modules the kernel process never imports (see above).
LEFT_OUT = ("debugpy", "ssl", "_hashlib", "curses")


def main() -> None:
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)
    from ipykernel import kernelapp

    from naikkelas.widgets import lean_state

    # ipykernel's launch_new_instance, with lean widget state installed in between: ipywidgets
    # registers its comm targets when it is first imported, and only if IPython already runs.
    app = kernelapp.IPKernelApp.instance()
    app.initialize()
    # traitlets leaves the kernel's logger at DEBUG and filters at its handler (WARNING): each
    # message's debug lines would still build records nobody prints.
    app.log.setLevel(app.log_level)
    lean_state.install()
    app.start()


if __name__ == "__main__":
    main()
