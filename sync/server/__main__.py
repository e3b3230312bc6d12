"""``python -m sync.server``: the same admin command line as ``rehabdesk-server``."""

from __future__ import annotations

import sys

from sync.server.cli import main

sys.exit(main())
