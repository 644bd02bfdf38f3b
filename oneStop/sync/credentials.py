"""The central database's password, kept in the operating system's credential store (Windows
Credential Manager, macOS Keychain, the Secret Service on Linux desktops) through ``keyring``.
Never in a file of ours. Where no store exists, nothing is kept and the caller says so.

>>> split_secret("postgresql://c1:s3cret@db.tinh.gov.vn/onestop?sslmode=require")
('postgresql://c1@db.tinh.gov.vn/onestop?sslmode=require', 's3cret')
>>> with_secret("postgresql://c1@db/onestop", "p@ss")
'postgresql://c1:p%40ss@db/onestop'
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

SERVICE = "oneStop central database"


class NoCredentialStore(RuntimeError):
    pass


def split_secret(url: str) -> tuple[str, str]:
    """The URL without its password, and the password ("" if none)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, ""
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = parts.username or ""
    netloc = f"{user}@{host}" if user else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), unquote(parts.password)


def with_secret(url: str, secret: str) -> str:
    if not secret:
        return url
    parts = urlsplit(url)
    user = parts.username or ""
    host = parts.netloc.split("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}:{quote(secret, safe='')}@{host}", parts.path, parts.query, parts.fragment))


def _keyring():  # type: ignore[no-untyped-def]
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def store(url_without_secret: str, secret: str) -> None:
    ring = _keyring()
    if ring is None:
        raise NoCredentialStore(
            "Máy này không có kho mật khẩu của hệ điều hành: mật khẩu cơ sở dữ liệu trung tâm không được lưu. "
            "Hãy cho địa chỉ kèm mật khẩu mỗi lần đồng bộ, hoặc đặt biến môi trường ONESTOP_CENTRAL_PASSWORD."
        )
    ring.set_password(SERVICE, url_without_secret, secret)


def load(url_without_secret: str) -> str:
    import os

    env = os.environ.get("ONESTOP_CENTRAL_PASSWORD")
    if env:
        return env
    ring = _keyring()
    if ring is None:
        return ""
    return ring.get_password(SERVICE, url_without_secret) or ""
