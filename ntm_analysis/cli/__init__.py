"""The ``ntm`` command line: :mod:`.main` builds the parser from one module per command
group; each command imports the heavy libraries (pandas, matplotlib…) only when it runs,
so ``ntm --help`` answers at once."""
from __future__ import annotations

from .main import main

__all__ = ["main"]
