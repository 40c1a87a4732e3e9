"""`motcua audit verify` and `motcua export-person` (issue 9)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
