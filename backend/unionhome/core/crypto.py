"""Protection of sensitive personal data (DESIGN "Sensitive personal data (PIPL)").

ID and bank card numbers are stored as an AES-256-GCM ciphertext plus a keyed lookup hash. Both keys
are per tenant, derived with HKDF-SHA256 from one master key (``PII_MASTER_KEY``), so a row copied
into another tenant neither decrypts nor matches that tenant's lookup hashes.

Ciphertext layout: ``version (1 byte) | nonce (12 bytes) | AES-GCM ciphertext and tag``. The version
names the master key the row was written with, so a rotated-out key can still be given to
``PiiCipher(retired=...)`` for reading while new rows use the current one. Lookup hashes have no
version: rotating the master key means recomputing them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
_INFO_PREFIX = b"unionhome/pii/"


class InvalidMasterKey(ValueError):
    pass


class PiiDecryptError(Exception):
    """The blob is damaged, belongs to another tenant, or was written with an unknown key version."""


def master_key_from_config(value: str) -> bytes:
    """Decode ``PII_MASTER_KEY``: 32 bytes as 64 hex characters or as base64 (standard or URL-safe).

    The error never echoes the value, which is a secret.
    """
    text = value.strip()
    if not text:
        raise InvalidMasterKey(
            "PII_MASTER_KEY is empty; set it to 32 random bytes (`openssl rand -base64 32`)"
        )
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    try:
        standard = text.replace("-", "+").replace("_", "/")
        key = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise InvalidMasterKey(
            "PII_MASTER_KEY is neither 64 hex characters nor valid base64; "
            "generate one with `openssl rand -base64 32`"
        ) from None
    if len(key) != KEY_BYTES:
        raise InvalidMasterKey(
            f"PII_MASTER_KEY decodes to {len(key)} bytes, it must be {KEY_BYTES} "
            "(`openssl rand -base64 32` or `openssl rand -hex 32`)"
        )
    return key


def _tenant_bytes(tenant_id: int) -> bytes:
    # bool is an int subclass; a True tenant id is a bug, not tenant 1.
    if isinstance(tenant_id, bool) or not isinstance(tenant_id, int) or tenant_id < 0:
        raise TypeError(f"tenant_id must be a non-negative int, got {tenant_id!r}")
    return str(tenant_id).encode("ascii")


class PiiCipher:
    """Encrypts and hashes one tenant's sensitive values; safe to share between threads.

    ``version`` (1–255) tags what ``encrypt`` writes; ``retired`` maps older versions to their master
    keys so rows written before a rotation still decrypt.
    """

    def __init__(
        self, master_key: bytes, *, version: int = 1, retired: Mapping[int, bytes] | None = None
    ) -> None:
        masters = {**(retired or {}), version: master_key}
        for v, key in masters.items():
            if not 1 <= v <= 255:
                raise ValueError(f"key version must be 1..255, got {v}")
            if len(key) != KEY_BYTES:
                raise InvalidMasterKey(f"master key version {v} must be {KEY_BYTES} bytes, got {len(key)}")
        self._masters = masters
        self._version = version
        # (version, tenant_id) -> (AESGCM, hmac key). Entries are immutable, so a racing double
        # derivation just stores the same value twice.
        self._derived: dict[tuple[int, int], tuple[AESGCM, bytes]] = {}

    def _keys(self, version: int, tenant_id: int) -> tuple[AESGCM, bytes]:
        cached = self._derived.get((version, tenant_id))
        if cached is not None:
            return cached
        encryption_key, lookup_key = self._key_bytes(version, tenant_id)
        keys = (AESGCM(encryption_key), lookup_key)
        self._derived[(version, tenant_id)] = keys
        return keys

    def _key_bytes(self, version: int, tenant_id: int) -> tuple[bytes, bytes]:
        """The raw (encryption, lookup) keys of `version` for `tenant_id` — also for a compiled encoder that
        must write exactly what `encrypt` and `lookup_hash` write (the roster's row builder)."""
        # One HKDF output split in two: the first half encrypts, the second half keys the lookup HMAC.
        okm = HKDF(
            algorithm=hashes.SHA256(),
            length=2 * KEY_BYTES,
            salt=None,
            info=_INFO_PREFIX + _tenant_bytes(tenant_id),
        ).derive(self._masters[version])
        return okm[:KEY_BYTES], okm[KEY_BYTES:]

    @staticmethod
    def _aad(version: int, tenant_id: int) -> bytes:
        return bytes([version]) + _tenant_bytes(tenant_id)

    def encrypt(self, tenant_id: int, plaintext: str) -> bytes:
        aead, _ = self._keys(self._version, tenant_id)
        nonce = os.urandom(NONCE_BYTES)
        sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), self._aad(self._version, tenant_id))
        return bytes([self._version]) + nonce + sealed

    def decrypt(self, tenant_id: int, blob: bytes | bytearray | memoryview) -> str:
        data = bytes(blob)
        if len(data) < 1 + NONCE_BYTES + 16:
            raise PiiDecryptError("ciphertext too short")
        version = data[0]
        if version not in self._masters:
            raise PiiDecryptError(f"unknown key version {version}")
        aead, _ = self._keys(version, tenant_id)
        try:
            plain = aead.decrypt(
                data[1 : 1 + NONCE_BYTES], data[1 + NONCE_BYTES :], self._aad(version, tenant_id)
            )
        except InvalidTag:
            raise PiiDecryptError("ciphertext does not authenticate for this tenant") from None
        return plain.decode("utf-8")

    def lookup_hash(self, tenant_id: int, kind: str, normalized_value: str) -> bytes:
        """32-byte HMAC-SHA256 for exact lookup and de-duplication within a tenant.

        Pass the canonical form (``parse_id_number(...).number``, ``parse_bank_card(...)``): the hash
        of a differently spelled value differs. ``kind`` ("id_number", "bank_card", …) is part of the
        message, so equal digit strings of different kinds never collide.
        """
        if not kind or "\x00" in kind:
            raise ValueError("kind must be a non-empty string without NUL")
        _, mac_key = self._keys(self._version, tenant_id)
        message = kind.encode("utf-8") + b"\x00" + normalized_value.encode("utf-8")
        return hmac.new(mac_key, message, hashlib.sha256).digest()
