"""What the frozen program runs: the ``onestop`` entry point, ``ui.main.main``.

PyInstaller needs a script; this is it, for both executables of the build (the windowed
``onestop`` and the console ``onestop-cli``).
"""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
