"""``python -m usms_tui`` runs the same entry point as the ``usms-tui`` script."""

from usms_tui.cli.main import main

raise SystemExit(main())
