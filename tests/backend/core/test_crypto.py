"""PII encryption and lookup hashes: per-tenant keys, ciphertext format, key rotation, config parsing."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from unionhome.core.crypto import InvalidMasterKey, PiiCipher, PiiDecryptError, master_key_from_config

pytestmark = pytest.mark.unit

MASTER = bytes(range(32))
OTHER_MASTER = bytes(range(1, 33))
ID = "11010519491231002X"


@pytest.fixture
def cipher() -> PiiCipher:
    return PiiCipher(MASTER)


def test_round_trip(cipher: PiiCipher) -> None:
    blob = cipher.encrypt(7, ID)
    assert cipher.decrypt(7, blob) == ID
    assert cipher.decrypt(7, memoryview(blob)) == ID
    assert cipher.decrypt(7, cipher.encrypt(7, "张三明 6228 **** 中文")) == "张三明 6228 **** 中文"
    assert cipher.decrypt(7, cipher.encrypt(7, "")) == ""


def test_layout_is_version_nonce_ciphertext_tag(cipher: PiiCipher) -> None:
    blob = cipher.encrypt(7, ID)
    assert blob[0] == 1
    assert len(blob) == 1 + 12 + len(ID.encode()) + 16
    assert ID.encode() not in blob


def test_nonce_is_random(cipher: PiiCipher) -> None:
    assert cipher.encrypt(7, ID) != cipher.encrypt(7, ID)


def test_key_derivation_is_the_documented_one(cipher: PiiCipher) -> None:
    """Pins the format: HKDF-SHA256(master, info=b"unionhome/pii/<tenant>"), first 32 bytes, AAD = version|tenant."""
    blob = cipher.encrypt(42, ID)
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"unionhome/pii/42").derive(MASTER)
    plain = AESGCM(okm[:32]).decrypt(blob[1:13], blob[13:], b"\x01" + b"42")
    assert plain.decode() == ID


def test_ciphertext_of_another_tenant_does_not_decrypt(cipher: PiiCipher) -> None:
    blob = cipher.encrypt(1, ID)
    with pytest.raises(PiiDecryptError):
        cipher.decrypt(2, blob)


def test_another_master_key_does_not_decrypt(cipher: PiiCipher) -> None:
    with pytest.raises(PiiDecryptError):
        PiiCipher(OTHER_MASTER).decrypt(1, cipher.encrypt(1, ID))


@pytest.mark.parametrize("position", [0 + 1, 5, 13, -1])
def test_tampering_is_detected(cipher: PiiCipher, position: int) -> None:
    blob = bytearray(cipher.encrypt(1, ID))
    blob[position] ^= 0x01
    with pytest.raises(PiiDecryptError):
        cipher.decrypt(1, bytes(blob))


def test_truncated_and_unknown_version_blobs_fail(cipher: PiiCipher) -> None:
    blob = cipher.encrypt(1, ID)
    with pytest.raises(PiiDecryptError):
        cipher.decrypt(1, blob[:20])
    with pytest.raises(PiiDecryptError, match="unknown key version"):
        cipher.decrypt(1, bytes([9]) + blob[1:])


def test_rotation_reads_old_rows_and_writes_the_new_version(cipher: PiiCipher) -> None:
    old_blob = cipher.encrypt(3, ID)
    rotated = PiiCipher(OTHER_MASTER, version=2, retired={1: MASTER})
    assert rotated.decrypt(3, old_blob) == ID
    new_blob = rotated.encrypt(3, ID)
    assert new_blob[0] == 2
    assert rotated.decrypt(3, new_blob) == ID
    with pytest.raises(PiiDecryptError):
        cipher.decrypt(3, new_blob)  # the old deployment does not know version 2


def test_lookup_hash_is_stable_keyed_and_separated(cipher: PiiCipher) -> None:
    h = cipher.lookup_hash(7, "id_number", ID)
    assert len(h) == 32
    assert h == PiiCipher(MASTER).lookup_hash(7, "id_number", ID)  # stable across instances and restarts
    assert h != cipher.lookup_hash(8, "id_number", ID)  # per tenant
    assert h != PiiCipher(OTHER_MASTER).lookup_hash(7, "id_number", ID)  # keyed
    assert h != hashlib.sha256(ID.encode()).digest()
    digits = "622848040256489001"
    assert cipher.lookup_hash(7, "id_number", digits) != cipher.lookup_hash(7, "bank_card", digits)
    # The separator keeps (kind, value) pairs apart even when their concatenation is equal.
    assert cipher.lookup_hash(7, "bank", "_card1") != cipher.lookup_hash(7, "bank_card", "1")


def test_lookup_hash_kind_must_be_given(cipher: PiiCipher) -> None:
    with pytest.raises(ValueError):
        cipher.lookup_hash(7, "", ID)
    with pytest.raises(ValueError):
        cipher.lookup_hash(7, "id\x00number", ID)


@pytest.mark.parametrize("tenant_id", [True, "7", -1, 7.0])
def test_tenant_id_must_be_a_non_negative_int(cipher: PiiCipher, tenant_id: object) -> None:
    with pytest.raises(TypeError):
        cipher.encrypt(tenant_id, ID)  # type: ignore[arg-type]


def test_master_key_must_be_32_bytes() -> None:
    with pytest.raises(InvalidMasterKey):
        PiiCipher(b"short")
    with pytest.raises(InvalidMasterKey):
        PiiCipher(MASTER, version=2, retired={1: b"short"})
    with pytest.raises(ValueError):
        PiiCipher(MASTER, version=0)


# --- master_key_from_config ---------------------------------------------------------------------------


def test_master_key_from_base64_and_hex() -> None:
    assert master_key_from_config(base64.b64encode(MASTER).decode()) == MASTER
    assert master_key_from_config(base64.urlsafe_b64encode(OTHER_MASTER).decode().rstrip("=")) == OTHER_MASTER
    assert master_key_from_config(f"  {MASTER.hex()}\n") == MASTER
    assert master_key_from_config(MASTER.hex().upper()) == MASTER
    assert (
        len(master_key_from_config("ZGV2LW9ubHktcGlpLW1hc3Rlci1rZXktMzItYnl0ZXM=")) == 32
    )  # the dev default


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (base64.b64encode(b"x" * 16).decode(), "16 bytes"),
        ("not base64 at all!", "neither"),
        ("ab" * 31, "46 bytes"),  # 62 hex digits are not a hex key, and as base64 they are 46 bytes
    ],
)
def test_master_key_errors_are_clear_and_do_not_echo_the_secret(value: str, fragment: str) -> None:
    with pytest.raises(InvalidMasterKey) as exc:
        master_key_from_config(value)
    message = str(exc.value)
    assert "PII_MASTER_KEY" in message
    if value.strip():
        assert value.strip() not in message
    assert fragment in message
