"""Errors reach the log: uncaught exceptions with their traceback, shown errors once, refusals
by their type only."""

from __future__ import annotations

import logging
import sys

from oneStop import logs
from oneStop.domain.errors import InvalidCitizenId, ValidationErrors
from ui.errors import handle_uncaught, show_error


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - the test wants the traceback
        return caught


def test_an_uncaught_exception_is_logged_with_its_traceback_and_shown(qapp, tmp_path, error_boxes):
    path = logs.configure(tmp_path)
    exc = _raise(RuntimeError("boom for 038095001234"))
    handle_uncaught(type(exc), exc, exc.__traceback__)
    text = path.read_text(encoding="utf-8")
    assert "CRITICAL" in text and "uncaught exception: RuntimeError" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom for [id]" in text
    assert "038095001234" not in text
    assert len(error_boxes) == 1 and "RuntimeError" in error_boxes[0][1]
    show_error(None, exc)  # shown again later: not logged twice
    assert path.read_text(encoding="utf-8").count("RuntimeError: boom") == 1


def test_the_desktop_program_installs_the_hook(monkeypatch, tmp_path):
    from ui import startup

    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(startup, "prepare_application", lambda: (_ for _ in ()).throw(SystemExit(3)))
    try:
        startup.run(tmp_path)
    except SystemExit:
        pass
    assert sys.excepthook is handle_uncaught


def test_a_refusal_is_logged_by_type_without_its_words(qapp, tmp_path, error_boxes):
    path = logs.configure(tmp_path)
    exc = ValidationErrors([InvalidCitizenId("citizen_id", "Nguyễn Văn A: 0380950012 phải gồm 12 chữ số")])
    show_error(None, exc)
    text = path.read_text(encoding="utf-8")
    assert "refused: ValidationErrors" in text
    assert "Nguyễn" not in text and "0380950012" not in text
    assert error_boxes  # the official still reads the sentence


def test_an_unexpected_error_shown_by_a_view_is_logged(qapp, tmp_path, error_boxes):
    path = logs.configure(tmp_path, level=logging.INFO)
    show_error(None, _raise(KeyError("x")), context="Hồ sơ đã lưu.")
    text = path.read_text(encoding="utf-8")
    assert "error shown to the user: KeyError" in text and "Traceback" in text
