#!/usr/bin/env python3
"""Checks an Accord monthly statement without Accord, with Python's `cryptography`:

    python3 verify-statement.py STATEMENT.json PUBLIC_KEY   (the key as /statements/keys.json publishes it, base64)

The signature covers the statement's canonical JSON: keys sorted, no spaces, UTF-8, every number written as a string.
Prints `valid`, the statement's SHA-256 and the SHA-256 of the statement before it (the chain); exits 1 otherwise.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

document = json.load(open(sys.argv[1], encoding="utf-8"))
signed = json.dumps(document["statement"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
key = Ed25519PublicKey.from_public_bytes(base64.b64decode(sys.argv[2]))
try:
    key.verify(base64.b64decode(document["signature"]["value"]), signed)
except InvalidSignature:
    sys.exit("NOT VALID: the statement was changed after it was signed, or another key signed it")
print("valid", hashlib.sha256(signed).hexdigest(), "previous", document["statement"]["previous_sha256"])
