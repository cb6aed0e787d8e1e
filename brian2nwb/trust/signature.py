"""Whether the Python code a file holds may run here: the user's own signature, or the user's explicit choice.

The model is Jupyter's for trusted notebooks. Each user has one secret key (32 random bytes, created on first
use in the user's configuration folder with permissions 0600: ``$BRIAN2NWB_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/brian2nwb`` or ``~/.config/brian2nwb``; ``%APPDATA%\\brian2nwb`` on Windows). `to_nwb`
signs the code of every file it writes - the user's own code - with an HMAC-SHA256 over the ``python_code``
and ``python_environment`` tables, stored as the simulation's ``code_signature``. `from_nwb` runs a file's
code only if that signature verifies with this user's key (the file was written, or vouched for with
``brian2nwb trust FILE``, by this user, and nothing in the code or what it refers to changed since), or if
the caller passes ``trust_code=True``. Nothing else ever runs it: `TrustedCode`, which only `trusted_code`
makes, is what the builders take.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The tables the signature covers, in the order they are hashed.
SIGNED_TABLES = ("python_code", "python_environment")

KEY_FILE = "trust_key"


def config_dir() -> Path:
    """The user's brian2nwb configuration folder (it need not exist)."""
    if os.environ.get("BRIAN2NWB_CONFIG_DIR"):
        return Path(os.environ["BRIAN2NWB_CONFIG_DIR"])
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "brian2nwb"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "brian2nwb"


def user_key(create: bool) -> bytes | None:
    """This user's secret key; created (0600) if ``create`` and there is none, else None when there is none."""
    path = config_dir() / KEY_FILE
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            return user_key(create=False)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    key = bytes.fromhex(path.read_text().strip())
    if len(key) < 32:
        raise ValueError(f"The brian2nwb key {path} is damaged (less than 32 bytes); delete it to make a new one "
                         "(files signed with it are then no longer trusted here).")
    return key


def code_payload(tables: dict) -> bytes:
    """The bytes the signature covers: every row of the signed tables, as canonical JSON."""
    content = {}
    for name in SIGNED_TABLES:
        table = tables.get(name, {})
        content[name] = {column: [_plain(value) for value in np.asarray(values, dtype=object).ravel()]
                         for column, values in sorted(table.items())}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _plain(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return str(value)


def sign(tables: dict) -> str:
    """The signature of the code in ``tables`` with this user's key (made if there is none)."""
    return hmac.new(user_key(create=True), code_payload(tables), hashlib.sha256).hexdigest()


def verifies(tables: dict, signature: str | None) -> bool:
    """Whether ``signature`` is this user's signature of the code in ``tables``."""
    key = user_key(create=False)
    if key is None or not isinstance(signature, str):
        return False
    expected = hmac.new(key, code_payload(tables), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def has_code(tables: dict) -> bool:
    return len(tables.get("python_code", {}).get("function", [])) > 0


@dataclass(frozen=True)
class TrustedCode:
    """Python code its reader chose to run: its rows by name and each row's environment entries. Only
    `trusted_code` makes one."""

    rows: dict
    environment: dict
    reason: str  # "signature" or "trust_code"


def trusted_code(tables: dict, signature: str | None, trust_code: bool) -> TrustedCode | None:
    """The file's code if it may run here (the caller's ``trust_code``, or this user's valid signature), else
    None. ``tables`` are the model's checked network tables."""
    if not has_code(tables):
        return None
    if trust_code:
        reason = "trust_code"
    elif verifies(tables, signature):
        reason = "signature"
    else:
        return None
    code, environment = tables["python_code"], tables.get("python_environment", {})
    rows = {str(name): {column: code[column][k] for column in code}
            for k, name in enumerate(code["function"])}
    entries: dict[str, list] = {}
    for k, name in enumerate(environment.get("function", [])):
        entry = {column: environment[column][k] for column in environment}
        entry["closure"] = bool(entry["closure"])
        entries.setdefault(str(name), []).append(entry)
    return TrustedCode(rows, entries, reason)


def trust_status(tables: dict, signature: str | None) -> str:
    """What a reader is told: 'none' (no code), 'trusted' (signed with this user's key) or 'untrusted'."""
    if not has_code(tables):
        return "none"
    return "trusted" if verifies(tables, signature) else "untrusted"
