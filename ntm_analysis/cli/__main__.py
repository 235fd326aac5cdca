"""``python -m ntm_analysis.cli``: the ``ntm`` command."""
import sys

from .main import main

sys.exit(main())
