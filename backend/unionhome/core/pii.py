"""Access to the PII cipher configured for this app (keys derived per tenant from PII_MASTER_KEY)."""

from __future__ import annotations

from flask import current_app

from .crypto import PiiCipher, master_key_from_config


def get_cipher() -> PiiCipher:
    cipher = current_app.extensions.get("uh_pii_cipher")
    if cipher is None:
        cipher = PiiCipher(master_key_from_config(current_app.config["PII_MASTER_KEY"]))
        current_app.extensions["uh_pii_cipher"] = cipher
    return cipher
