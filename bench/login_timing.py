"""Sign-in timing: a known user with a wrong password against a name not known here.

Prints JSON: the median milliseconds of each path (they should be the same: a dummy Argon2
hash is verified for an unknown name, so the time does not tell whether a name exists), and
how many guesses the throttle lets through in an hour for one user (before it: about 9 a
second, ~32 000 an hour).

    python bench/login_timing.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oneStop.domain.errors import AuthenticationFailed, LoginThrottled  # noqa: E402
from oneStop.domain.models import Role  # noqa: E402
from oneStop.services import auth  # noqa: E402
from oneStop.services.app import App  # noqa: E402
from oneStop.services.setup import SetupRequest  # noqa: E402

PASSWORD = "mat-khau-an-toan"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 2, 15, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _median_ms(app: App, clock: Clock, name: str, rounds: int) -> float:
    times = []
    for n in range(rounds):
        clock.now += timedelta(hours=2)  # past any wait: time the check itself, not the throttle
        start = time.perf_counter()
        try:
            app.auth.login(name, f"sai-{n}")
        except AuthenticationFailed:
            pass
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _guesses_per_hour() -> int:
    """Failed guesses at one user the throttle allows in an hour, guessing as fast as allowed."""
    elapsed, failures = timedelta(0), 0
    while True:
        wait = auth.wait_after(failures, auth.FREE_FAILURES)
        if elapsed + wait > timedelta(hours=1):
            return failures
        elapsed += wait
        failures += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    clock = Clock()
    with tempfile.TemporaryDirectory() as folder, App(Path(folder) / "data", clock=clock) as app:
        admin = app.setup.set_up(SetupRequest(
            agency_code="000.17.22.H56", agency_name="Bộ phận Một cửa", managing_agency="UBND xã",
            province="Thanh Hóa", place="Quảng Phú", counter=1, admin_username="admin",
            admin_full_name="Quản trị", admin_password=PASSWORD, load_sample_catalog=False))
        app.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
        known = _median_ms(app, clock, "hoa.nt", args.rounds)
        unknown = _median_ms(app, clock, "khong.co.ai", args.rounds)
        for n in range(auth.FREE_FAILURES):
            try:
                app.auth.login("hoa.nt", f"doan-{n}")
            except AuthenticationFailed:
                pass
        try:
            app.auth.login("hoa.nt", PASSWORD)
            throttled = None
        except LoginThrottled as exc:
            throttled = exc.wait_seconds
    print(json.dumps({
        "rounds": args.rounds,
        "known_user_wrong_password_median_ms": known,
        "unknown_user_median_ms": unknown,
        "unknown_over_known": round(unknown / known, 2),
        "wait_after_5_failures_s": throttled,
        "guesses_per_hour_for_one_user": _guesses_per_hour(),
    }, indent=2))


if __name__ == "__main__":
    main()
