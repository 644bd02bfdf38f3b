"""The fast content hash used when syncing is the same as the plain one, for every kind of event."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

from oneStop.domain.events import content_hash, content_hash_with, new_event_id, payload_text
from oneStop.domain.models import Event


def test_the_hash_from_a_ready_payload_text_equals_the_plain_hash():
    rng = random.Random(5)
    words = ["Nguyễn Thị Hường", "Đặng \"Lan\"", "a\\b", "tab\there", "", "😀", "đ/Đ", "line\nnext", "ư\u0301"]
    for n in range(300):
        payload = {
            rng.choice(words) or "k": rng.choice(words),
            "số": rng.randint(-10**12, 10**12),
            "float": rng.random(),
            "list": [rng.choice(words), None, True, {"z": 1, "a": [1, 2]}],
            "nested": {"b": rng.choice(words), "a": None},
        }
        event = Event(
            id=new_event_id(), counter_id=f"000.17.22.H56#{n % 9 + 1}", seq=n + 1,
            kind=rng.choice(["dossier.received", "user.created", "kỳ.lạ"]), actor=rng.choice(words) or "a",
            device_time=datetime(2026, 11, 23, 2, 15, tzinfo=UTC) + timedelta(microseconds=n * 7919),
            business_time=datetime(2026, 11, 23, 9, 15, tzinfo=timezone(timedelta(hours=7))) + timedelta(seconds=n),
            dossier_id=uuid.uuid4() if n % 3 else None, payload=payload, schema=1 + n % 2,
        )
        assert content_hash_with(event, payload_text(event.payload)) == content_hash(event)
