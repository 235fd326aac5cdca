"""The ``ntm`` command line: :mod:`.main` builds the parser from one module per command
group; each command imports the heavy libraries (pandas, matplotlib…) only when it runs,
so ``ntm --help`` answers at once. Ctrl-C while the command line itself loads ends the
program as Ctrl-C does later on: the one-line message and exit 130, never a traceback."""
from __future__ import annotations

try:
    from .main import main
except KeyboardInterrupt as _interrupt:
    import signal as _signal

    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # a second Ctrl-C while saying so
    from .main import stopped as _stopped

    raise SystemExit(_stopped(_interrupt)) from None

__all__ = ["main"]
