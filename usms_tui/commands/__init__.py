"""One module per subcommand. Each defines ``register(subparsers, common)`` which adds its
parser with ``set_defaults(run=...)``; ``run(args) -> int`` does the work and returns the exit code.
"""
