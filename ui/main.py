"""The ``onestop`` entry point: the command line, or the desktop program when no command is given.

Qt is imported only when the window is about to open, so that the commands stay quick.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Sequence

_IMPORTED_AT = time.time()


def main(argv: Sequence[str] | None = None) -> int:
    from oneStop.cli import main as cli_main

    return cli_main(argv, start_gui=_start_gui, ui_check=_ui_check)


def _start_gui(data_dir: Path | None) -> int:
    from ui.startup import run

    return run(data_dir, started_at=process_started_at())


def _ui_check(check) -> None:  # type: ignore[no-untyped-def]
    from ui.selfcheck import ui_checks

    ui_checks(check)


def process_started_at() -> float:
    """When this process started (epoch seconds): from /proc on Linux (to the clock tick), else
    when this module was imported (the entry point imports it first thing)."""
    try:
        import os
        import time

        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5); the rsplit dropped the first two
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")  # seconds since this process started
        return time.time() - max(0.0, age)
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED_AT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
