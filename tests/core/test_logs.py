"""Log files: where they go, that they rotate, and that no personal data reaches them."""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

import pytest

from oneStop import logs
from oneStop.cli import main

PASSWORD = "mat-khau-an-toan"
NAME = "Phạm Văn Nam"
CITIZEN_ID = "038095001234"
PHONE = "0987654321"
EMAIL = "pham.van.nam@example.vn"
ADDRESS = "Thôn Đông, xã Quảng Phú"
OWNER = "Phạm Thị Lan"
OWNER_ID = "038195004321"


def _log_text(data: Path) -> str:
    folder = data / "logs"
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("onestop.log*")))


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_received_dossier_is_logged_by_code_without_personal_data(tmp_path, monkeypatch, capsys, level):
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    monkeypatch.setenv("ONESTOP_LOG_LEVEL", level)
    monkeypatch.delenv("ONESTOP_LOG_DIR", raising=False)
    data = tmp_path / "data"

    def run(*args: str) -> str:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa xã Quảng Phú",
        "--counter", "1", "--admin", "admin")
    run("users", "add", "hoa", "--role", "official", "--full-name", "Nguyễn Thị Hoa")
    dossier = json.loads(run("receive", "--user", "hoa", "--procedure", "1.001193", "--name", NAME,
                             "--citizen-id", CITIZEN_ID, "--phone", PHONE, "--email", EMAIL, "--address", ADDRESS,
                             "--owner-name", OWNER, "--owner-citizen-id", OWNER_ID, "--json"))
    run("print", "receipt", dossier["code"], "--out", str(tmp_path / "r.pdf"))
    run("dossier", "show", dossier["code"], "--json")

    text = _log_text(data)
    assert f"dossier received: {dossier['code']}" in text
    assert "starting: receive" in text
    assert "database migrated to schema" in text
    for personal in (NAME, CITIZEN_ID, PHONE, EMAIL, ADDRESS, OWNER, OWNER_ID, "Nguyễn Thị Hoa",
                     "Phạm", PASSWORD):
        assert personal not in text, personal


def test_a_refused_command_logs_the_error_type_not_its_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận",
                 "--counter", "1", "--admin", "admin"]) == 0
    assert main(["--data-dir", str(data), "users", "add", "hoa", "--role", "official", "--full-name", "Hoa"]) == 0
    code = main(["--data-dir", str(data), "receive", "--user", "hoa", "--procedure", "1.001193", "--name", NAME,
                 "--citizen-id", "0380950012", "--phone", PHONE, "--address", ADDRESS])
    assert code == 1
    text = _log_text(data)
    assert "command receive refused: ValidationErrors" in text
    assert NAME not in text and PHONE not in text and "0380950012" not in text


def test_the_filter_scrubs_arguments_and_tracebacks(tmp_path):
    path = logs.configure(tmp_path)
    assert path == tmp_path / "logs" / logs.LOG_FILENAME
    logger = logging.getLogger("some.library")
    try:
        raise ValueError(f"bad citizen {CITIZEN_ID}, call {PHONE} or write {EMAIL}")
    except ValueError:
        logger.exception("while handling %s for %s (%s)", "000.17.22.H56-261123-0001", CITIZEN_ID, "0987 654 321")
    logger.warning("connecting to %s", "postgresql://onestop_c_1:s3cr3t-pw@db.tinh.gov.vn/onestop")
    logger.info("a dict %s", {"phone": PHONE, "old_id": "123456789"})
    text = path.read_text(encoding="utf-8")
    assert "while handling 000.17.22.H56-261123-0001 for [id] ([phone])" in text
    assert "ValueError: bad citizen [id], call [phone] or write [email]" in text
    assert "postgresql://***@db.tinh.gov.vn/onestop" in text
    assert "'phone': '[phone]', 'old_id': '[id]'" in text
    for secret in (CITIZEN_ID, PHONE, EMAIL, "s3cr3t-pw", "123456789"):
        assert secret not in text


def test_a_failed_statement_carries_no_values_into_the_log(app, admin, tmp_path):
    """The engines hide statement parameters in errors; the filter drops them as well."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    path = logs.configure(tmp_path)
    with app.db.writer.connect() as conn:
        with pytest.raises(IntegrityError) as raised:
            conn.execute(text("INSERT INTO users (username, full_name, role, password_hash, active, created_at) "
                              "VALUES (:u, :n, 'official', 'x', 1, '2026-01-01')"), {"u": "admin", "n": NAME})
    assert NAME not in str(raised.value)
    logging.getLogger("oneStop.test").error("failed", exc_info=raised.value)
    logging.getLogger("sqlalchemy.engine").error("%s", f"x\n[parameters: ('{NAME}', '{CITIZEN_ID}')]\ny")
    text_ = path.read_text(encoding="utf-8")
    assert "IntegrityError" in text_ and "[parameters: hidden]" in text_
    assert NAME not in text_ and CITIZEN_ID not in text_


def test_log_files_rotate_and_old_ones_are_dropped(tmp_path):
    path = logs.configure(tmp_path, max_bytes=2_000, backup_count=2)
    assert path is not None
    logger = logging.getLogger("oneStop.test")
    for i in range(200):
        logger.info("line %04d %s", i, "x" * 60)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["onestop.log", "onestop.log.1", "onestop.log.2"]
    for name in files:
        assert (path.parent / name).stat().st_size <= 2_000
    assert "line 0199" in path.read_text(encoding="utf-8")  # the newest lines are in the current file
    assert "line 0000" not in "".join((path.parent / n).read_text(encoding="utf-8") for n in files)


def test_configuring_again_replaces_the_handlers(tmp_path):
    logs.configure(tmp_path / "a")
    logs.configure(tmp_path / "b")
    logging.getLogger("oneStop.test").warning("only in b")
    assert not (tmp_path / "a" / "logs" / "onestop.log").exists()
    assert "only in b" in (tmp_path / "b" / "logs" / "onestop.log").read_text(encoding="utf-8")


def test_where_the_logs_go(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.delenv("ONESTOP_LOG_DIR", raising=False)
    monkeypatch.delenv("ONESTOP_DATA_DIR", raising=False)
    assert logs.log_dir() == Path(platformdirs.user_log_dir("oneStop", appauthor=False))
    assert logs.log_dir(tmp_path / "d") == tmp_path / "d" / "logs"
    monkeypatch.setenv("ONESTOP_DATA_DIR", str(tmp_path / "e"))
    assert logs.log_dir() == tmp_path / "e" / "logs"
    monkeypatch.setenv("ONESTOP_LOG_DIR", str(tmp_path / "f"))
    assert logs.log_dir(tmp_path / "d") == tmp_path / "f"


def test_an_unknown_level_falls_back_to_info(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_LOG_LEVEL", "verbose")
    path = logs.configure(tmp_path)
    logging.getLogger("oneStop.test").info("kept")
    logging.getLogger("oneStop.test").debug("dropped")
    text = path.read_text(encoding="utf-8")
    assert "kept" in text and "dropped" not in text


def test_an_unwritable_log_folder_does_not_stop_the_program(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    assert logs.configure(blocker) is None
    logging.getLogger("oneStop.test").error("still fine")


# --- the program's own log calls name no one ------------------------------------------------

PERSONAL_NAMES = {"name", "full_name", "applicant", "owner", "citizen_id", "phone", "email", "address",
                  "delivery_address", "collected_by", "collected_id", "staff_name", "staff_id", "password",
                  "notes", "draft", "dossier", "url", "central_url", "recipient", "payload"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
ROOT = Path(__file__).resolve().parents[2]


def _log_calls():  # type: ignore[no-untyped-def]
    for package in ("oneStop", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in LOG_METHODS and isinstance(node.func.value, ast.Name)
                        and node.func.value.id in {"log", "logger", "logging"}):
                    yield path.relative_to(ROOT), node


def test_the_programs_log_calls_pass_no_personal_fields():
    calls = list(_log_calls())
    assert len(calls) >= 10  # the scan finds the program's log lines
    offending = []
    for path, call in calls:
        for arg in [*call.args[1:], *(k.value for k in call.keywords if k.arg != "exc_info")]:
            for node in ast.walk(arg):
                name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
                if name in PERSONAL_NAMES:
                    offending.append(f"{path}:{call.lineno} passes {name}")
    assert not offending, offending
