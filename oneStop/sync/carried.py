"""The file that carries a counter's waiting events on a USB stick to a connected PC.

A header line, then one line per event: its canonical fields, its content hash and its
counter's signature. Written by ``onestop sync export`` on the offline counter, read by
``onestop sync import`` on any connected counter of the agency, which delivers the events to
the central database under its own role (``relayed``).

What comes off a stick is untrusted: :func:`parse` checks every line (its shape and types, its
hash, its kind and payload against the vocabulary, the counter it names) and refuses the whole
file, naming the line, at the first thing wrong, before anything is sent. The signatures are
checked against the keys the central database holds, by the service, once it is connected.
"""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from oneStop.domain import vocabulary
from oneStop.domain.errors import ValidationError
from oneStop.domain.events import canonical, content_hash, payload_text
from oneStop.domain.models import Event

FORMAT = "onestop-events/1"
#: The largest file read (a counter offline for weeks carries far less).
MAX_BYTES = 256 * 1024 * 1024
FIELD = "usb_file"

_EVENT_KEYS = {"id", "counter_id", "seq", "kind", "actor", "device_time", "business_time", "dossier_id", "payload",
               "schema"}
_HASH = re.compile(r"[0-9a-f]{64}")


class BadFile(ValidationError):
    def __init__(self, problem: str) -> None:
        super().__init__(FIELD, problem)


@dataclass(frozen=True)
class Carried:
    event: Event
    content_hash: str
    signature: str | None
    line: int
    payload_json: str = ""
    relayed: bool = True  # every carried event is checked against its counter's signature


def write(agency: str, events: Iterable[tuple[Event, str]]) -> bytes:
    """The file's bytes for ``events`` (each with its signature)."""
    items = list(events)
    lines = [json.dumps({"format": FORMAT, "agency": agency, "count": len(items)}, ensure_ascii=False)]
    lines += [json.dumps({"event": json.loads(canonical(e)), "hash": content_hash(e), "signature": s},
                         ensure_ascii=False) for e, s in items]
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_bounded(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, refused past ``limit`` (never read to the end of ``/dev/zero``,
    never blocked on a FIFO)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise BadFile(f"không mở được tệp {Path(path).name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise BadFile(f"{Path(path).name} không phải một tệp thông thường")
    if info.st_size > limit:
        raise BadFile(f"tệp {Path(path).name} lớn quá {limit // (1024 * 1024)} MB")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise BadFile(f"không đọc được tệp {Path(path).name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise BadFile(f"tệp {Path(path).name} lớn quá {limit // (1024 * 1024)} MB")
    return data


def parse(data: bytes, agency: str) -> list[Carried]:
    """Every event of the file, checked; :class:`BadFile` naming the line at the first problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadFile(f"không phải văn bản UTF-8 (byte thứ {exc.start + 1})") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].strip():
        raise BadFile("tệp rỗng, không có dòng tiêu đề")
    try:
        header = json.loads(lines[0])
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BadFile("không phải tệp sự kiện của oneStop (dòng tiêu đề không đúng)")
    if header.get("agency") != agency:
        raise BadFile(f"tệp là của cơ quan «{str(header.get('agency'))[:40]}»; máy này chỉ chuyển được sự kiện "
                      f"của cơ quan mình ({agency})")
    count = header.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count != len(lines) - 1:
        raise BadFile(f"tiêu đề ghi {count} sự kiện nhưng tệp có {len(lines) - 1} dòng: tệp bị cắt cụt hoặc bị "
                      "thêm dòng")
    out: list[Carried] = []
    seen_ids: set[uuid.UUID] = set()
    seen_slots: set[tuple[str, int]] = set()
    for number, line in enumerate(lines[1:], 2):
        item = _line(line, number, agency)
        event = item.event
        if event.id in seen_ids or (event.counter_id, event.seq) in seen_slots:
            raise BadFile(f"dòng {number}: sự kiện trùng với một dòng trước")
        seen_ids.add(event.id)
        seen_slots.add((event.counter_id, event.seq))
        out.append(item)
    return out


def _line(line: str, number: int, agency: str) -> Carried:
    where = f"dòng {number}"
    try:
        item = json.loads(line)
    except ValueError:
        raise BadFile(f"{where}: không phải JSON") from None
    if not isinstance(item, dict) or set(item) != {"event", "hash", "signature"}:
        raise BadFile(f"{where}: phải gồm đúng event, hash, signature")
    e, digest, signature = item["event"], item["hash"], item["signature"]
    if not isinstance(e, dict) or set(e) != _EVENT_KEYS:
        raise BadFile(f"{where}: sự kiện thiếu hoặc thừa trường")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise BadFile(f"{where}: mã băm không hợp lệ")
    if signature is not None and not isinstance(signature, str):
        raise BadFile(f"{where}: chữ ký không hợp lệ")
    try:
        event = Event(
            id=_uuid(e["id"]), counter_id=_str(e["counter_id"], 40), seq=_int(e["seq"], 1, 1 << 62),
            kind=_str(e["kind"], 60), actor=_str(e["actor"], 50), device_time=_aware(e["device_time"]),
            business_time=_aware(e["business_time"]),
            dossier_id=None if e["dossier_id"] is None else _uuid(e["dossier_id"]),
            payload=e["payload"], schema=_int(e["schema"], 1, 1000),
        )
    except (TypeError, ValueError) as exc:
        raise BadFile(f"{where}: {exc}") from None
    if not re.fullmatch(re.escape(agency) + r"#[0-9]{1,3}", event.counter_id):
        raise BadFile(f"{where}: sự kiện của quầy «{event.counter_id}», không thuộc cơ quan {agency}")
    if content_hash(event) != digest:
        raise BadFile(f"{where}: sự kiện bị sửa đổi hoặc hỏng (không khớp mã băm)")
    try:
        vocabulary.check(event.kind, event.payload, dossier_id=event.dossier_id)
    except vocabulary.InvalidEvent as exc:
        raise BadFile(f"{where}: {exc}") from None
    return Carried(event, digest, signature, number, payload_text(event.payload))


def _uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or len(value) != 36:
        raise ValueError("mã định danh không hợp lệ")
    return uuid.UUID(value)


def _str(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValueError(f"trường văn bản phải có từ 1 đến {limit} ký tự")
    return value


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"số phải từ {low} đến {high}")
    return value


def _aware(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("thời điểm không hợp lệ")
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError("thời điểm phải có múi giờ")
    return when
