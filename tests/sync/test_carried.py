"""A `sync import` file that is not what it claims is refused with its problem in words, exit 1,
before anything is sent (issue 13, part 5): the file is opened with the passphrase, then every
line is checked. The central address given is unreachable on purpose: a refusal that got as
far as connecting would say so instead."""

from __future__ import annotations

import json
import os

import pytest

from oneStop.cli import main
from oneStop.domain.models import Role
from oneStop.persistence import sealed
from tests.conftest import BACKUP_PASSPHRASE, PASSWORD
from tests.core.helpers import add_procedure, draft

NOWHERE = "postgresql://nobody@127.0.0.1:1/none"


def _edit_line(n: int, change):  # type: ignore[no-untyped-def]
    def edit(lines: list[str]) -> list[str]:
        item = json.loads(lines[n])
        change(item)
        return [*lines[:n], json.dumps(item, ensure_ascii=False), *lines[n + 1:]]
    return edit


def _set(item, key, value):  # type: ignore[no-untyped-def]
    item["event"][key] = value


BAD = {  # what is done to a good file's lines → words the refusal must contain
    "not_utf8": (None, "UTF-8"),
    "empty": (lambda lines: [], "tệp rỗng"),
    "other_format": (lambda lines: ['{"format": "csv"}', *lines[1:]], "dòng tiêu đề"),
    "other_agency": (lambda lines: [lines[0].replace("000.17.22.H56", "000.18.33.H15"), *lines[1:]],
                     "cơ quan «000.18.33.H15»"),
    "cut_short": (lambda lines: lines[:-1], "bị cắt cụt"),
    "line_twice": (lambda lines: [lines[0].replace(f'"count": {len(lines) - 1}', f'"count": {len(lines)}'),
                                  *lines[1:], lines[1]], "trùng"),
    "not_json": (lambda lines: [*lines[:-1], "{không phải json"], "không phải JSON"),
    "field_missing": (_edit_line(1, lambda item: item["event"].pop("actor")), "thiếu hoặc thừa trường"),
    "hash_malformed": (_edit_line(1, lambda item: item.update(hash="xyz")), "mã băm không hợp lệ"),
    "payload_altered": (_edit_line(1, lambda item: _set(item, "actor", "admin2")), "không khớp mã băm"),
    "other_agencys_counter": (_edit_line(1, lambda item: _set(item, "counter_id", "000.18.33.H15#1")),
                              "không thuộc cơ quan"),
    "seq_absurd": (_edit_line(1, lambda item: _set(item, "seq", 10**30)), "dòng 2"),
}


@pytest.fixture
def good_file(app, admin, tmp_path):  # type: ignore[no-untyped-def]
    add_procedure(app)
    official = app.auth.add_user(admin, "cb1", "Cán Bộ", Role.OFFICIAL, PASSWORD)
    app.reception.receive(official, draft())
    stick = tmp_path / "good.jsonl"
    assert app.sync.export_waiting(admin, stick, BACKUP_PASSPHRASE) > 0
    return sealed.unseal(stick, tmp_path / "good-plain.jsonl", BACKUP_PASSPHRASE).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_file_that_is_not_what_it_claims_is_refused_before_anything_is_sent(app, good_file, tmp_path, case,
                                                                             monkeypatch, capsys):
    change, words = BAD[case]
    plain = tmp_path / "bad-plain.jsonl"
    if change is None:
        plain.write_bytes(good_file.encode("utf-8").replace(b"\xe1", b"\xff", 1))
    else:
        lines = change(good_file.splitlines())
        plain.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    stick = tmp_path / "bad.jsonl"
    sealed.seal(plain, stick, BACKUP_PASSPHRASE)
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    code = main(["--data-dir", str(app.paths.root), "sync", "import", str(stick), "--central", NOWHERE,
                 "--user", "admin"])
    err = capsys.readouterr().err
    assert code == 1 and words in err, err
    assert "Traceback" not in err and "máy chủ" not in err  # refused before connecting


def test_a_plain_file_a_fifo_and_a_device_are_refused(app, admin, good_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    plain = tmp_path / "plain.jsonl"
    plain.write_text(good_file, encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, words in ((plain, "không phải tệp sự kiện đã khóa"), (fifo, "không phải một tệp thông thường"),
                        ("/dev/zero", "không phải một tệp thông thường")):
        code = main(["--data-dir", str(app.paths.root), "sync", "import", str(path), "--central", NOWHERE,
                     "--user", "admin"])
        err = capsys.readouterr().err
        assert code == 1 and words in err, err
