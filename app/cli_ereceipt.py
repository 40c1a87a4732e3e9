"""`motcua ereceipt …`: export a stored e-receipt, the signing certificate, the daily summary (issue 10)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
