"""Writes the scan feedback sounds (run once; the WAV files are committed).

Distinct to the ear without looking: a high short beep for accepted, a rising pair for a
tracking number attached, a double beep for a duplicate, a low buzz for unknown, a falling
pair for not-ready, a triple beep for the wrong batch, a long low tone for a closed batch.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
HERE = Path(__file__).resolve().parent

SOUNDS = {
    "accepted": [(1320, 0.09)],
    "tracking": [(990, 0.07), (0, 0.03), (1480, 0.08)],
    "duplicate": [(880, 0.08), (0, 0.06), (880, 0.08)],
    "unknown": [(180, 0.35)],
    "not-ready": [(660, 0.12), (0, 0.03), (440, 0.18)],
    "wrong-batch": [(740, 0.06), (0, 0.04), (740, 0.06), (0, 0.04), (740, 0.06)],
    "closed": [(260, 0.5)],
}


def tone(frequency: float, seconds: float) -> bytes:
    frames = int(RATE * seconds)
    out = bytearray()
    for i in range(frames):
        envelope = min(1.0, i / 200, (frames - i) / 200)  # no clicks
        value = 0.45 * envelope * math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
        out += struct.pack("<h", int(value * 32767))
    return bytes(out)


def main() -> None:
    for name, parts in SOUNDS.items():
        with wave.open(str(HERE / f"{name}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(b"".join(tone(f, s) for f, s in parts))


if __name__ == "__main__":
    main()
