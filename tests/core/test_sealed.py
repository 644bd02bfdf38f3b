"""Sealed files: a passphrase opens them, nothing else does, and a changed byte is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oneStop.domain.errors import InvalidLength
from oneStop.persistence import sealed
from oneStop.persistence.sealed import NotSealed, SealedFileDamaged, SealedFileRefused, WrongPassphrase

PASSPHRASE = "ba con mèo trèo cây cau"


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A few chunks and a ragged end."""
    path = tmp_path_factory.mktemp("plain") / "du-lieu.sqlite3"
    path.write_bytes(os.urandom(3 * sealed.CHUNK + 1234))
    return path


@pytest.fixture(scope="module")
def sealed_copy(big, tmp_path_factory) -> Path:
    return sealed.seal(big, tmp_path_factory.mktemp("usb") / "du-lieu.sealed", PASSPHRASE)


def test_a_sealed_file_comes_back_whole_with_its_passphrase_and_holds_no_plain_text(big, sealed_copy, tmp_path):
    assert sealed.is_sealed(sealed_copy) and not sealed.is_sealed(big)
    raw = sealed_copy.read_bytes()
    assert big.read_bytes()[:4096] not in raw
    assert len(raw) == sealed.HEADER_SIZE + big.stat().st_size + 4 * 16  # four chunks, a tag each
    out = sealed.unseal(sealed_copy, tmp_path / "ra.sqlite3", PASSPHRASE)
    assert out.read_bytes() == big.read_bytes()
    assert list(tmp_path.iterdir()) == [out]  # no partial file left


@pytest.mark.parametrize("size", [0, 1, sealed.CHUNK, sealed.CHUNK + 1])
def test_empty_and_boundary_sizes_round_trip(size, tmp_path):
    src = tmp_path / "a"
    src.write_bytes(os.urandom(size))
    sealer = sealed.Sealer(PASSPHRASE)
    box = sealer.seal(src, tmp_path / "a.sealed")
    assert sealed.unseal(box, tmp_path / "b", PASSPHRASE).read_bytes() == src.read_bytes()


def test_a_wrong_passphrase_is_named_and_nothing_is_written(sealed_copy, tmp_path):
    target = tmp_path / "ra.sqlite3"
    with pytest.raises(WrongPassphrase) as refused:
        sealed.unseal(sealed_copy, target, "không phải cụm này đâu")
    assert "Cụm mật khẩu sao lưu không đúng" in str(refused.value)
    assert isinstance(refused.value, SealedFileRefused)
    assert list(tmp_path.iterdir()) == []


def _changed(sealed_copy: Path, tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = bytearray(sealed_copy.read_bytes())
    data = change(data)
    out = tmp_path / "doi.sealed"
    out.write_bytes(bytes(data))
    return out


def _flip(at: int):  # type: ignore[no-untyped-def]
    def change(data: bytearray) -> bytearray:
        data[at] ^= 0x01
        return data
    return change


CHUNK_ON_DISK = sealed.CHUNK + 16


@pytest.mark.parametrize("change", [
    _flip(sealed.HEADER_SIZE + 10),  # a byte of the first chunk
    _flip(sealed.HEADER_SIZE + 2 * CHUNK_ON_DISK + 5),  # a byte in the middle
    _flip(-1),  # the last tag
    _flip(12),  # the chunk size in the header (authenticated with every chunk)
    lambda d: d[:sealed.HEADER_SIZE + 2 * CHUNK_ON_DISK],  # cut at a chunk boundary
    lambda d: d[:-7],  # cut inside the last chunk
    lambda d: d + b"\x00" * 40,  # something added
    lambda d: d[:sealed.HEADER_SIZE] + d[sealed.HEADER_SIZE + CHUNK_ON_DISK:sealed.HEADER_SIZE + 2 * CHUNK_ON_DISK]
    + d[sealed.HEADER_SIZE:sealed.HEADER_SIZE + CHUNK_ON_DISK] + d[sealed.HEADER_SIZE + 2 * CHUNK_ON_DISK:],  # swapped
    lambda d: d[:sealed.HEADER_SIZE],  # only the header
], ids=["first-chunk", "middle", "last-tag", "header", "cut-at-boundary", "cut-inside", "appended", "swapped",
        "header-only"])
def test_any_change_to_a_sealed_file_is_refused_and_nothing_is_written(sealed_copy, tmp_path, change):
    box = _changed(sealed_copy, tmp_path, change)
    target = tmp_path / "out" / "ra.sqlite3"
    target.parent.mkdir()
    with pytest.raises(SealedFileDamaged) as refused:
        sealed.unseal(box, target, PASSPHRASE)
    assert "đã bị sửa đổi hoặc bị hỏng" in str(refused.value)
    assert list(target.parent.iterdir()) == []


def test_a_changed_salt_reads_as_a_wrong_passphrase_and_a_plain_file_is_not_sealed(sealed_copy, big, tmp_path):
    with pytest.raises(WrongPassphrase):
        sealed.unseal(_changed(sealed_copy, tmp_path, _flip(20)), tmp_path / "x", PASSPHRASE)
    with pytest.raises(NotSealed):
        sealed.unseal(big, tmp_path / "x", PASSPHRASE)
    assert not (tmp_path / "x").exists()


def test_a_header_asking_for_absurd_work_is_refused_before_any_work(sealed_copy, tmp_path):
    box = _changed(sealed_copy, tmp_path, lambda d: d[:9] + bytes([40]) + d[10:])  # n = 2**40
    with pytest.raises(SealedFileDamaged, match="thông số"):
        sealed.unseal(box, tmp_path / "x", PASSPHRASE)


def test_a_short_passphrase_is_refused_naming_the_field(tmp_path, big):
    with pytest.raises(InvalidLength) as refused:
        sealed.seal(big, tmp_path / "x", "12345678901")
    assert refused.value.field == "passphrase"
    assert str(refused.value) == "Cụm mật khẩu sao lưu: phải có ít nhất 12 ký tự"
    assert sealed.check_passphrase("123456789012") == "123456789012"
    assert not (tmp_path / "x").exists()


def test_one_opener_stretches_each_salt_once(tmp_path, big):
    sealer = sealed.Sealer(PASSPHRASE)
    boxes = [sealer.seal(big, tmp_path / f"{n}.sealed") for n in range(3)]
    assert len({b.read_bytes()[:sealed.HEADER_SIZE] for b in boxes}) == 3  # a file id each
    opener = sealed.Opener(PASSPHRASE)
    for n, box in enumerate(boxes):
        assert opener.unseal(box, tmp_path / f"{n}.out").read_bytes() == big.read_bytes()
    assert len(opener._keys) == 1
