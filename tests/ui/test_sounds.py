"""Scan sounds: one distinct WAV per outcome, played without QtMultimedia and without blocking.
No test makes a real sound: the backend is a fake."""

from __future__ import annotations

import wave

import pytest

from oneStop.domain.handover import Outcome
from oneStop.resources import resources_path
from ui import sounds
from ui.sounds import OUTCOMES, SoundPlayer


def test_every_outcome_has_its_own_sound_file():
    assert set(OUTCOMES) == {o.value for o in Outcome}
    played: list[str] = []
    player = SoundPlayer(backend=played.append)
    for outcome in OUTCOMES:
        player.play(outcome)
    assert [p.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] for p in played] == [f"{o}.wav" for o in OUTCOMES]
    frames = set()
    for outcome in OUTCOMES:
        with wave.open(str(resources_path("sounds", f"{outcome}.wav"))) as w:
            assert w.getnchannels() == 1 and w.getframerate() == 22050
            frames.add(w.readframes(w.getnframes()))
    assert len(frames) == len(OUTCOMES)  # distinct sounds, not one file copied
    with pytest.raises(ValueError):
        player.play("applause")


def test_muted_records_what_was_asked_and_plays_nothing():
    played: list[str] = []
    player = SoundPlayer(backend=played.append, muted=True)
    player.play("duplicate")
    assert player.played == ["duplicate"] and played == []


def test_paplay_or_aplay_is_started_without_waiting(monkeypatch):
    started: list[list[str]] = []

    class FakePopen:
        def __init__(self, args, **kwargs):  # type: ignore[no-untyped-def]
            started.append(args)

    monkeypatch.setattr(sounds.sys, "platform", "linux")
    monkeypatch.setattr(sounds.shutil, "which", lambda name: "/usr/bin/aplay" if name == "aplay" else None)
    monkeypatch.setattr(sounds.subprocess, "Popen", FakePopen)
    SoundPlayer().play("wrong-batch")
    assert started == [["/usr/bin/aplay", str(resources_path("sounds", "wrong-batch.wav"))]]


def test_without_a_player_the_system_beeps(qapp, monkeypatch):
    beeps: list[bool] = []
    monkeypatch.setattr(sounds.sys, "platform", "linux")
    monkeypatch.setattr(sounds.shutil, "which", lambda name: None)
    monkeypatch.setattr("PySide6.QtWidgets.QApplication.beep", staticmethod(lambda: beeps.append(True)))
    SoundPlayer().play("unknown")
    assert beeps == [True]


def test_a_broken_sound_device_never_stops_a_scan():
    def broken(path: str) -> None:
        raise OSError("no sound card")

    player = SoundPlayer(backend=broken)
    player.play("accepted")
    assert player.played == ["accepted"]
