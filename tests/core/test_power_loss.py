"""Killed in the middle of saving: every dossier is stored whole or not at all.

Real processes receive dossiers in a loop (with a scanned attachment each) and print each code
once ``receive`` has returned; the test kills them with SIGKILL at random moments, several
times over the same data folder. After each kill the database passes ``PRAGMA
integrity_check``, every printed code is there with all its rows, and no half-saved dossier
exists. (SIGKILL ends the process, not the machine: what the operating system had accepted
still reaches the disk. ``synchronous=FULL`` is what carries a commit through a power cut.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from oneStop.persistence.db import DB_FILENAME
from oneStop.services.app import App
from tests.conftest import setup_request
from tests.core.helpers import add_procedure

ROOT = Path(__file__).resolve().parents[2]

RECEIVER = r"""
import sys
from oneStop.domain.models import Applicant, AttachmentDraft, DossierDraft
from oneStop.services.app import App

app = App(sys.argv[1])
official = app.auth.get_user("hoa.nt")
round_ = sys.argv[2]
n = 0
while True:
    n += 1
    scan = AttachmentDraft(f"scan-{round_}-{n}.pdf", f"%PDF-1.4 {round_}-{n} ".encode() * 200, "application/pdf")
    draft = DossierDraft(procedure_code="9.999001", attachments=(scan,), applicant=Applicant(
        name="Nguyễn Thị Hường", citizen_id="038190012345", phone="0912345678", address="Thôn 3, xã Quảng Phú"))
    dossier = app.reception.receive(official, draft)
    print(dossier.code, dossier.id, dossier.attachments[0].sha256, flush=True)
"""


@pytest.fixture
def data(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    with App(folder) as core:
        admin = core.setup.set_up(setup_request())
        from oneStop.domain.models import Role

        core.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, "mat-khau-an-toan")
        add_procedure(core)
    return folder


def _receive_until_killed(data: Path, round_: int, rng: random.Random) -> list[tuple[str, str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # unbuffered: readline takes exactly the first line and communicate() the rest from the same
    # pipe (a buffered reader would keep lines communicate() never sees, or half of one)
    process = subprocess.Popen([sys.executable, "-c", RECEIVER, str(data), str(round_)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()  # started and saving
        assert first, process.stderr.read() if process.stderr else ""
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        out, errors = process.communicate(timeout=60)
        rest, err = out.decode(), errors.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, err
    lines = [tuple(line.split()) for line in (first + rest).splitlines() if line.strip()]
    assert all(len(line) == 3 for line in lines), (lines, err)  # code, id, scan hash: nothing else
    return lines  # type: ignore[return-value]


def _check(db: Path, printed: list[tuple[str, str, str]], attachments: Path) -> int:
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        dossiers = {code: (id_, json.loads(files))
                    for code, id_, files in c.execute("SELECT code, id, attachments FROM dossiers")}
        received = [r[0] for r in c.execute("SELECT dossier_id FROM events WHERE kind = 'dossier.received'")]
        # whole or nothing: one reception event per dossier, no event without its dossier
        assert sorted(received) == sorted(id_ for id_, _ in dossiers.values())
        # numbers: the day's sequence and the tracking book moved exactly once per stored dossier
        assert c.execute("SELECT coalesce(sum(last_number), 0) FROM daily_sequences").fetchone()[0] == len(dossiers)
        assert c.execute("SELECT coalesce(sum(last_number), 0) FROM register_sequences").fetchone()[0] == len(dossiers)
        # the counter's event numbers are gapless and match what it issued
        last_seq, count, top = c.execute(
            "SELECT (SELECT last_seq FROM counters WHERE is_local), count(*), max(seq) FROM events").fetchone()
        assert last_seq == count == top
        stored_hashes = {r[0] for r in c.execute("SELECT sha256 FROM attachments")}
        for code, id_, sha in printed:
            assert code in dossiers, f"{code} was reported saved but is missing"
            assert dossiers[code][0].replace("-", "") == id_.replace("-", "")
            assert [a["sha256"] for a in dossiers[code][1]] == [sha]
            assert sha in stored_hashes
            assert (attachments / sha[:2] / sha).is_file()
        for _, files in dossiers.values():  # every stored dossier's scan is on disk, whole
            for a in files:
                path = attachments / a["sha256"][:2] / a["sha256"]
                assert path.is_file() and path.stat().st_size == a["size"]
    return len(dossiers)


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_killing_the_program_while_it_saves_leaves_whole_dossiers_or_none(data):
    rng = random.Random(20261123)
    printed: list[tuple[str, str, str]] = []
    before = 0
    for round_ in range(6):
        printed += _receive_until_killed(data, round_, rng)
        stored = _check(data / DB_FILENAME, printed, data / "attachments")
        assert stored >= len(printed)  # at most the one being confirmed when killed is extra
        assert stored <= len(printed) + round_ + 1
        assert stored > before
        before = stored
    with App(data) as core:  # and the program carries on with the next number
        official = core.auth.get_user("hoa.nt")
        from tests.core.helpers import draft

        nxt = core.reception.receive(official, draft())
        assert int(nxt.code.rsplit("-", 1)[1]) == before + 1
