"""`python -m status_guard.cli` — the same as the `status-guard` command."""

import sys

from . import main

sys.exit(main())
