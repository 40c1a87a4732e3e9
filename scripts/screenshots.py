"""Screenshots for docs/ of the desk's screens, on the demo commune.

Usage: xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ui.screenshots import main

if __name__ == "__main__":
    import os

    if os.environ.get("SCREENSHOT_HUB"):  # enrolling needs a credential store; this machine has none
        import keyring

        from tests.helpers.keyring_memory import MemoryKeyring

        keyring.set_keyring(MemoryKeyring())
    main()
