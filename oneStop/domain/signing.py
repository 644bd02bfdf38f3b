"""Each counter signs its events: Ed25519 (the ``cryptography`` package), the key made on the PC
when the counter is set up, its public half registered with the central database.

What is signed is the event's content hash (``oneStop.domain.events.content_hash``: the SHA-256
of its canonical text), so a signature covers every field of the event. Events a counter's own
database role inserts at the centre are authenticated by PostgreSQL already; the signature is
what proves an event carried by someone else (a USB file delivered from another counter) is
the counter's own, and not made by whoever carried it.

>>> private, public = new_key()
>>> digest = "ab" * 32
>>> signature = sign(load_private(private), digest)
>>> verify(public, digest, signature), verify(public, "cd" * 32, signature)
(True, False)
>>> verify("không phải khóa", digest, signature)
False
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

#: Characters of a public key as stored and printed (32 bytes, base64).
PUBLIC_KEY_LENGTH = 44
#: Characters of a signature (64 bytes, base64).
SIGNATURE_LENGTH = 88


def new_key() -> tuple[str, str]:
    """A new key pair: (private, public), each base64 of its raw bytes."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return base64.b64encode(private).decode("ascii"), public_of(key)


def public_of(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_private(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))


def sign(key: Ed25519PrivateKey, digest: str) -> str:
    """The signature of a content hash (its hex text), base64."""
    return base64.b64encode(key.sign(digest.encode("ascii"))).decode("ascii")


def is_public_key(text: object) -> bool:
    """
    >>> is_public_key(new_key()[1]), is_public_key("abc"), is_public_key(None)
    (True, False, False)
    """
    return _public(text) is not None


def _public(text: object) -> Ed25519PublicKey | None:
    if not isinstance(text, str) or len(text) != PUBLIC_KEY_LENGTH:
        return None
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error):
        return None


def verify(public: object, digest: str, signature: object) -> bool:
    """Whether ``signature`` is the signature of ``digest`` by the key ``public``; anything
    malformed is simply not a valid signature."""
    key = _public(public)
    if key is None or not isinstance(signature, str) or len(signature) != SIGNATURE_LENGTH:
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), digest.encode("ascii"))
    except (InvalidSignature, ValueError, binascii.Error, UnicodeEncodeError):
        return False
    return True
