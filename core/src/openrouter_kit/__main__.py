"""`python -m openrouter_kit`: the same as the `openrouter-kit` command."""

import sys

from .cli import main

sys.exit(main())
