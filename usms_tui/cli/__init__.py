"""The command line: ``main`` builds the parser; one module per subcommand, each with
``register(subparsers, common)`` and ``run(args) -> int`` (the exit code).
"""
