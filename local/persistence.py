"""Local data that survives a restart of `make run`: a journal of DynamoDB writes, and the KMS keys.

moto keeps everything in memory. Two files under the data folder keep it:

- `dynamodb.journal`: every DynamoDB request that changed something (moto
  answered 200 to a write), one JSON line each, appended and flushed *before*
  the answer leaves the embedded server. On the next start the journal is
  replayed into a fresh moto in order; the writes carry their own condition
  values (`:now` included), so the replay ends in exactly the state the
  requests left. A kill -9 loses at most the request being answered, which
  nobody was told had succeeded.
- `kms-keys.json`: the signing keys' ids and private halves (local only), put
  back into moto under the same ids, so tokens issued before a restart still
  verify.

`make clean-data` (or deleting the folder) starts clean.
"""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path
from typing import Any

from local.template import LOCAL_REGION

JOURNAL_FILE = "dynamodb.journal"
KEYS_FILE = "kms-keys.json"
# Requests that change nothing need no place in the journal.
_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
        "DescribeEndpoints",
        "DescribeLimits",
    }
)
_KEPT_HEADERS = ("Content-Type", "X-Amz-Target", "Authorization", "X-Amz-Date", "Host")
_MOTO_ACCOUNT = "123456789012"


def _dynamodb_write(environ: dict[str, Any]) -> bool:
    service, _, operation = (environ.get("HTTP_X_AMZ_TARGET") or "").partition(".")
    return service.startswith("DynamoDB_") and operation not in _READS


class Journal:
    """The DynamoDB writes moto accepted, in the order it accepted them."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / JOURNAL_FILE
        self._file: Any = None
        self._lock = threading.Lock()

    def replay(self, app: Any) -> int:
        """Feed every journaled write to `app` (moto's WSGI app) again; how many there were."""
        from werkzeug.test import EnvironBuilder

        if not self.path.exists():
            return 0
        replayed = 0
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    break  # a line cut short by a kill: it was never acknowledged
                builder = EnvironBuilder(
                    path=entry["path"], method="POST", headers=entry["headers"], data=base64.b64decode(entry["body"])
                )
                list(app(builder.get_environ(), lambda *_: None))
                replayed += 1
        return replayed

    def record(self, environ: dict[str, Any], body: bytes, status: str) -> None:
        """Append one write moto accepted; flushed before its answer is sent."""
        if not status.startswith("200") or not _dynamodb_write(environ):
            return
        headers = {
            name: environ[f"HTTP_{name.upper().replace('-', '_')}"]
            for name in _KEPT_HEADERS
            if f"HTTP_{name.upper().replace('-', '_')}" in environ
        }
        if "CONTENT_TYPE" in environ:
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        entry = {"path": environ.get("PATH_INFO", "/"), "headers": headers, "body": base64.b64encode(body).decode()}
        with self._lock:
            if self._file is None:
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
            self._file.flush()  # in the OS's hands: a kill -9 of this process cannot lose it

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _kms_backend() -> Any:
    from moto.kms.models import kms_backends

    return kms_backends[_MOTO_ACCOUNT][LOCAL_REGION]


def save_keys(folder: Path, keys: dict[str, str]) -> None:
    """Write the keys moto made (ids by logical id, their private halves) for the next start."""
    from cryptography.hazmat.primitives import serialization

    backend = _kms_backend()
    saved = {}
    for logical_id, key_id in keys.items():
        key = backend.keys[key_id]
        pem = key.private_key.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        saved[logical_id] = {
            "key_id": key_id,
            "key_spec": key.key_spec,
            "key_usage": key.key_usage,
            "private_key": pem.decode(),
            "key_material": key.key_material.hex(),
        }
    path = folder / KEYS_FILE
    path.write_text(json.dumps(saved, indent=1))
    path.chmod(0o600)


def restore_keys(folder: Path, kms: Any) -> dict[str, str] | None:
    """Put the saved keys back into moto under their old ids; their ids by logical id (None if none saved)."""
    from cryptography.hazmat.primitives import serialization

    path = folder / KEYS_FILE
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    backend = _kms_backend()
    restored = {}
    for logical_id, entry in saved.items():
        made = kms.create_key(
            KeySpec=entry["key_spec"], KeyUsage=entry["key_usage"], Description=f"local {logical_id}"
        )["KeyMetadata"]["KeyId"]
        key = backend.keys.pop(made)
        key.id = entry["key_id"]
        key.arn = key.arn.replace(made, entry["key_id"])
        key.private_key.private_key = serialization.load_pem_private_key(entry["private_key"].encode(), None)
        key.key_material = bytes.fromhex(entry["key_material"])
        backend.keys[key.id] = key
        restored[logical_id] = key.id
    return restored
