"""Sealed files: a file encrypted and authenticated with a passphrase the administrator gives.

Backups carried off the PC (a USB drive, a network share) hold citizens' personal data
(Law 91/2025/QH15 on personal data protection): they are sealed, and only the passphrase opens
them. Built from the ``cryptography`` package alone:

* the passphrase is stretched with **scrypt** (a fresh 16-byte salt, ``n = 2**17, r = 8,
  p = 1``: about half a second and 128 MiB, once per file or once per :class:`Sealer`);
* each file gets its own key from that one (HKDF-SHA256 over a random 16-byte file id), so
  the nonces can simply count;
* the content is cut into chunks (64 KiB) sealed with **ChaCha20-Poly1305**, each chunk's
  nonce carrying its number and a "last chunk" flag, and the whole header authenticated with
  every chunk (the STREAM construction): a chunk changed, swapped, dropped or added, or a file
  cut short, is refused; large files stream and never sit whole in memory.

The header (64 bytes)::

    magic "\\x89OSEAL\\r\\n" | version 1 | log2(n) | r | p | chunk size (u32) |
    salt (16) | file id (16) | passphrase check (16)

The passphrase check (16 more bytes from scrypt) tells a wrong passphrase from a damaged file;
it lets a guess be tested no faster than the first chunk would.

Nothing is written on refusal: the output goes to ``<dst>.partial`` and takes its name only
when the last chunk has been verified.

>>> check_passphrase("ngắn quá")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidLength: Cụm mật khẩu sao lưu: phải có ít nhất 12 ký tự
"""

from __future__ import annotations

import hmac
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from oneStop.domain.errors import InvalidLength, OneStopError

MAGIC = b"\x89OSEAL\r\n"
VERSION = 1
MIN_PASSPHRASE = 12
MAX_PASSPHRASE = 1024
#: scrypt's cost: n = 2**LOG2_N (memory 128 * r * n bytes)
LOG2_N, R, P = 17, 8, 1
CHUNK = 64 * 1024
_TAG = 16
_HEADER = struct.Struct(">8sBBBBI16s16s16s")
HEADER_SIZE = _HEADER.size  # 64
#: what a header may ask for: no file may make the reader spend gigabytes or hours
_LOG2_N_RANGE, _R_RANGE, _P_RANGE = range(14, 21), range(1, 17), range(1, 5)
_CHUNK_RANGE = range(4 * 1024, 16 * 1024 * 1024 + 1)


class SealedFileRefused(OneStopError):
    """A sealed file cannot be opened (wrong passphrase, changed or damaged, not a sealed
    file); nothing was written."""


class WrongPassphrase(SealedFileRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"Cụm mật khẩu sao lưu không đúng cho tệp {path.name}: không mở được tệp. "
                         "Không có gì bị thay đổi.")


class SealedFileDamaged(SealedFileRefused):
    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        super().__init__(f"Tệp {path.name} đã bị sửa đổi hoặc bị hỏng ({what}): không mở được tệp. "
                         "Không có gì bị thay đổi.")


class NotSealed(SealedFileRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"Tệp {path.name} không phải tệp đã khóa bằng cụm mật khẩu của oneStop.")


def check_passphrase(passphrase: str) -> str:
    """The passphrase, if it is long enough to protect personal data; else raise
    :class:`~oneStop.domain.errors.InvalidLength` naming the field."""
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        raise InvalidLength("passphrase", f"phải có ít nhất {MIN_PASSPHRASE} ký tự")
    if len(passphrase) > MAX_PASSPHRASE:
        raise InvalidLength("passphrase", f"dài quá {MAX_PASSPHRASE} ký tự")
    return passphrase


def is_sealed(path: Path | str) -> bool:
    """Whether ``path`` starts like a sealed file."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def seal(src: Path | str, dst: Path | str, passphrase: str) -> Path:
    """Seal ``src`` into ``dst`` (replaced only once whole); return ``dst``."""
    return Sealer(passphrase).seal(src, dst)


def unseal(src: Path | str, dst: Path | str, passphrase: str) -> Path:
    """Open the sealed ``src`` into ``dst``; raise :class:`SealedFileRefused` (and write
    nothing) if the passphrase is wrong or the file was changed."""
    return Opener(passphrase).unseal(src, dst)


def _stretch(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    out = Scrypt(salt=salt, length=48, n=1 << log2_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return out[:32], out[32:]


def _file_key(master: bytes, file_id: bytes) -> ChaCha20Poly1305:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=file_id, info=b"oneStop sealed file v1").derive(master)
    return ChaCha20Poly1305(key)


def _nonce(n: int, last: bool) -> bytes:
    return n.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Sealer:
    """Seals many files with one passphrase, stretched once (one salt for all of them; each
    file still has its own key)."""

    def __init__(self, passphrase: str, *, log2_n: int = LOG2_N, r: int = R, p: int = P) -> None:
        check_passphrase(passphrase)
        self._params = (log2_n, r, p)
        self._salt = os.urandom(16)
        self._master, self._check = _stretch(passphrase, self._salt, log2_n, r, p)

    def seal(self, src: Path | str, dst: Path | str, *, chunk: int = CHUNK) -> Path:
        src, dst = Path(src), Path(dst)
        file_id = os.urandom(16)
        header = _HEADER.pack(MAGIC, VERSION, *self._params, chunk, self._salt, file_id, self._check)
        aead = _file_key(self._master, file_id)
        with open(src, "rb") as source, _Partial(dst) as out:
            out.write(header)
            n = 0
            current = source.read(chunk)
            while True:
                following = source.read(chunk)
                last = not following
                out.write(aead.encrypt(_nonce(n, last), current, header))
                if last:
                    break
                current, n = following, n + 1
        return dst


class Opener:
    """Opens sealed files with one passphrase, stretching it once per salt met."""

    def __init__(self, passphrase: str) -> None:
        self._passphrase = passphrase
        self._keys: dict[tuple[bytes, int, int, int], tuple[bytes, bytes]] = {}

    def header(self, path: Path) -> tuple[bytes, ChaCha20Poly1305, int]:
        """Read and check ``path``'s header: (the header, the file's cipher, chunk size)."""
        with open(path, "rb") as f:
            raw = f.read(HEADER_SIZE)
        return self._open_header(path, raw)

    def _open_header(self, path: Path, raw: bytes) -> tuple[bytes, ChaCha20Poly1305, int]:
        if raw[: len(MAGIC)] != MAGIC:
            raise NotSealed(path)
        if len(raw) < HEADER_SIZE:
            raise SealedFileDamaged(path, "phần đầu tệp bị cắt")
        magic, version, log2_n, r, p, chunk, salt, file_id, check = _HEADER.unpack(raw)
        if version != VERSION:
            raise SealedFileRefused(f"Tệp {path.name} được khóa bởi phiên bản oneStop mới hơn (định dạng {version}); "
                                    "hãy cài phiên bản oneStop mới nhất.")
        if log2_n not in _LOG2_N_RANGE or r not in _R_RANGE or p not in _P_RANGE or chunk not in _CHUNK_RANGE:
            raise SealedFileDamaged(path, "thông số trong phần đầu tệp không hợp lệ")
        cached = self._keys.get((salt, log2_n, r, p))
        if cached is None:
            cached = _stretch(self._passphrase, salt, log2_n, r, p)
            self._keys[(salt, log2_n, r, p)] = cached
        master, expected = cached
        if not hmac.compare_digest(check, expected):
            raise WrongPassphrase(path)
        return raw, _file_key(master, file_id), chunk

    def unseal(self, src: Path | str, dst: Path | str) -> Path:
        src, dst = Path(src), Path(dst)
        try:
            source = open(src, "rb")
        except OSError as exc:
            raise SealedFileRefused(f"Không đọc được tệp {src}: {exc.strerror or exc}") from exc
        with source:
            header, aead, chunk = self._open_header(src, source.read(HEADER_SIZE))
            with _Partial(dst) as out:
                self._stream(src, source, out, header, aead, chunk)
        return dst

    def verify(self, src: Path | str) -> None:
        """Read the whole sealed file and check every chunk, writing nothing."""
        src = Path(src)
        with open(src, "rb") as source:
            header, aead, chunk = self._open_header(src, source.read(HEADER_SIZE))
            self._stream(src, source, None, header, aead, chunk)

    @staticmethod
    def _stream(path: Path, source: BinaryIO, out: BinaryIO | None, header: bytes, aead: ChaCha20Poly1305,
                chunk: int) -> None:
        size = chunk + _TAG
        n = 0
        current = source.read(size)
        if not current:
            raise SealedFileDamaged(path, "tệp bị cắt ngắn")
        while True:
            following = source.read(size)
            last = not following
            try:
                plain = aead.decrypt(_nonce(n, last), current, header)
            except InvalidTag:
                what = "tệp bị cắt ngắn hoặc bị thêm dữ liệu" if last else f"phần thứ {n + 1} không đúng"
                raise SealedFileDamaged(path, what) from None
            if out is not None:
                out.write(plain)
            if last:
                return
            current, n = following, n + 1


class _Partial:
    """``<dst>.partial``, renamed to ``dst`` (after fsync) only if the block ends without error;
    removed otherwise."""

    def __init__(self, dst: Path) -> None:
        self._dst = dst
        self._tmp = dst.with_name(dst.name + ".partial")

    def __enter__(self) -> BinaryIO:
        self._dst.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self._tmp, "wb")
        return self._file

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
            self._file.close()
            if exc_type is None:
                os.replace(self._tmp, self._dst)
        finally:
            if exc_type is not None or self._tmp.exists():
                self._tmp.unlink(missing_ok=True)
