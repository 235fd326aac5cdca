"""The what-if dashboard: Voilà serving ``notebooks/04_kich_ban.ipynb`` as a page without
code, made safe to leave running on an analyst's machine.

- It listens on 127.0.0.1 only and answers only requests addressed to it there: a
  ``Host`` other than ``127.0.0.1``, ``localhost`` or ``[::1]`` with its own port gets
  403, so a web page elsewhere (or a DNS-rebinding name) can neither read it nor make it
  start kernels.
- Kernels are bounded: at most :data:`MAX_KERNELS`; when a page needs one more, kernels no
  page is connected to are shut down first, else the page gets 503 with a message. A
  kernel idle for :data:`IDLE_SECONDS` with no page connected is shut down.
- Nothing comes from a CDN (the page works with every other address blocked: tested);
  sources and tracebacks are not sent to the page.

Run it with ``make dashboard`` (or ``python -m ntm_analysis.dashboard --port 8866``).

>>> allowed_hosts(8866)[:2]
('127.0.0.1:8866', 'localhost:8866')
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

from . import config

MAX_KERNELS = 4
IDLE_SECONDS = 600
NOTEBOOK = config.NOTEBOOKS_DIR / "04_kich_ban.ipynb"
LOOPBACK = "127.0.0.1"
#: what the page must not receive
FLAGS = ["--no-browser", f"--Voila.ip={LOOPBACK}", "--show_tracebacks=False", "--strip_sources=True",
         "--template=ntm"]
#: where the ``ntm`` page template lives (Voilà's lab page without its CDN links)
JUPYTER_DATA = Path(__file__).parent / "jupyter"


def allowed_hosts(port: int) -> tuple[str, ...]:
    """The ``Host`` headers the dashboard answers: its loopback names with its port."""
    return tuple(f"{name}:{port}" for name in (LOOPBACK, "localhost", "[::1]"))


@functools.cache
def _kernel_manager_class():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado import web
    from traitlets import Integer

    class BoundedKernelManager(AsyncMappingKernelManager):
        """At most ``max_kernels`` kernels; unconnected ones make room first."""

        max_kernels = Integer(MAX_KERNELS, config=True, help="the most kernels at once")

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            kernel_id = kwargs.get("kernel_id")
            if kernel_id is None or kernel_id not in self:
                await self._make_room()
            return await super().start_kernel(*args, **kwargs)

        async def _make_room(self) -> None:
            ids = list(self.list_kernel_ids())
            if len(ids) < self.max_kernels:
                return
            idle = [k for k in ids if not self._kernel_connections.get(k, 0)]
            for k in idle[: len(ids) - self.max_kernels + 1]:  # the oldest first
                self.log.info("Shutting down kernel %s: no page is connected and room is needed", k)
                await self.shutdown_kernel(k)
            if len(self.list_kernel_ids()) >= self.max_kernels:
                from .i18n import t

                raise web.HTTPError(503, reason=t("msg.dashboard_full", n=self.max_kernels))

    return BoundedKernelManager


def _app_class():
    import tornado.web
    from voila.app import Voila

    class Refused(tornado.web.RequestHandler):
        def prepare(self) -> None:
            raise tornado.web.HTTPError(403)

    class LoopbackApplication(tornado.web.Application):
        """Routes only requests whose ``Host`` is one of :func:`allowed_hosts`."""

        port = 0

        def find_handler(self, request, **kwargs):  # type: ignore[override]
            if request.host not in allowed_hosts(self.port):
                return self.get_handler_delegate(request, Refused)
            return super().find_handler(request, **kwargs)

    class Dashboard(Voila):
        """Voilà with the loopback host check (``start`` as Voilà's, with that application)."""

        def start(self) -> None:
            import tempfile

            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            settings = self.init_settings()
            self.app = LoopbackApplication(**settings)
            self.app.settings.update(self.tornado_settings)
            self.app.add_handlers(".*$", self.init_handlers())
            self.app.port = self.port  # fixed: port_retries is 0
            self.listen()

    return Dashboard


def argv(port: int, max_kernels: int = MAX_KERNELS, idle: int = IDLE_SECONDS) -> list[str]:
    """Voilà's command line for the dashboard on ``port``.

    >>> argv(8866)[1:3]
    ['--port=8866', '--Voila.port_retries=0']
    """
    return [str(NOTEBOOK), f"--port={port}", "--Voila.port_retries=0", *FLAGS,
            f"--VoilaConfiguration.multi_kernel_manager_class={__name__}.BoundedKernelManager",
            f"--BoundedKernelManager.max_kernels={max_kernels}",
            f"--BoundedKernelManager.cull_idle_timeout={idle}", "--BoundedKernelManager.cull_interval=60",
            "--BoundedKernelManager.cull_connected=False"]


def __getattr__(name: str):  # the kernel manager class by name, for Voilà's configuration
    if name == "BoundedKernelManager":
        return _kernel_manager_class()
    raise AttributeError(name)


def main(args: list[str] | None = None) -> int:
    """``python -m ntm_analysis.dashboard [--port N] [--max-kernels N]``."""
    import argparse

    p = argparse.ArgumentParser(prog="ntm-dashboard", description="trang kịch bản “nếu… thì…” (Voilà)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--max-kernels", type=int, default=MAX_KERNELS)
    p.add_argument("--idle", type=int, default=IDLE_SECONDS, help="giây rảnh trước khi tắt nhân không có trang")
    a = p.parse_args(args)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")]))
    app = _app_class()
    app.launch_instance(argv=argv(a.port, a.max_kernels, a.idle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
