"""`python -m ssm_tui` is the same as the `ssm-tui` console script."""

from ssm_tui.cli import main

raise SystemExit(main())
