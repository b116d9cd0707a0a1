"""`python -m adapters.cli`: the `kodeks` command, for when the console script is not on PATH."""

import sys

from adapters.cli.main import main

sys.exit(main())
