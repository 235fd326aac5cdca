"""Sub-commands of ``ntm``: one module each group, each with ``register(subparsers)``."""
