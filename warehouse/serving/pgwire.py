"""The PostgreSQL frontend/backend protocol (v3) as far as a read-only SQL endpoint needs it.

Messages are framed here (type byte, int32 length, body), SCRAM-SHA-256 is checked here, and
DuckDB values are written in PostgreSQL's text format with the type OIDs clients expect.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import hmac
import secrets
import struct
import uuid
from dataclasses import dataclass, field

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
CANCEL_REQUEST = 80877102
PROTOCOL_3 = 196608
SCRAM_ITERATIONS = 4096

TYPE_OIDS = {
    "BOOLEAN": 16,
    "BLOB": 17,
    "BIGINT": 20,
    "SMALLINT": 21,
    "TINYINT": 21,
    "INTEGER": 23,
    "VARCHAR": 25,
    "FLOAT": 700,
    "DOUBLE": 701,
    "DATE": 1082,
    "TIME": 1083,
    "TIMESTAMP": 1114,
    "TIMESTAMP WITH TIME ZONE": 1184,
    "INTERVAL": 1186,
    "UUID": 2950,
    "HUGEINT": 1700,
    "UBIGINT": 1700,
    "UINTEGER": 20,
    "USMALLINT": 23,
    "UTINYINT": 21,
    "BOOLEAN[]": 1000,
    "SMALLINT[]": 1005,
    "INTEGER[]": 1007,
    "VARCHAR[]": 1009,
    "BIGINT[]": 1016,
    "DOUBLE[]": 1022,
    "DATE[]": 1182,
}
"""PostgreSQL type OID of each DuckDB type; any other type is sent as `text` (25)."""

PG_TYPES = {
    16: ("bool", "boolean"),
    17: ("bytea", "bytea"),
    20: ("int8", "bigint"),
    21: ("int2", "smallint"),
    23: ("int4", "integer"),
    25: ("text", "text"),
    700: ("float4", "real"),
    701: ("float8", "double precision"),
    1082: ("date", "date"),
    1083: ("time", "time without time zone"),
    1114: ("timestamp", "timestamp without time zone"),
    1184: ("timestamptz", "timestamp with time zone"),
    1186: ("interval", "interval"),
    1700: ("numeric", "numeric"),
    2950: ("uuid", "uuid"),
    1000: ("_bool", "boolean[]"),
    1005: ("_int2", "smallint[]"),
    1007: ("_int4", "integer[]"),
    1009: ("_text", "text[]"),
    1016: ("_int8", "bigint[]"),
    1022: ("_float8", "double precision[]"),
    1182: ("_date", "date[]"),
}
"""Each type OID `TYPE_OIDS` gives: its pg_type name and the name format_type() gives it."""


class ProtocolError(Exception):
    """A client sent something this endpoint does not speak."""


def message(kind: bytes, body: bytes = b"") -> bytes:
    """One backend message: type byte, length (itself included), body."""
    return kind + struct.pack("!i", len(body) + 4) + body


def cstring(text: str) -> bytes:
    return text.encode() + b"\0"


def read_cstring(body: bytes, at: int) -> tuple[str, int]:
    """The NUL-terminated string at AT, and the offset after it."""
    end = body.index(b"\0", at)
    return body[at:end].decode(), end + 1


def error(code: str, text: str, severity: str = "ERROR") -> bytes:
    """ErrorResponse with SQLSTATE CODE."""
    fields = b"S" + cstring(severity) + b"V" + cstring(severity) + b"C" + cstring(code)
    return message(b"E", fields + b"M" + cstring(text) + b"\0")


def ready(status: bytes) -> bytes:
    """ReadyForQuery: I idle, T in a transaction, E in a failed transaction."""
    return message(b"Z", status)


def parameter_status(name: str, value: str) -> bytes:
    return message(b"S", cstring(name) + cstring(value))


def command_complete(tag: str) -> bytes:
    return message(b"C", cstring(tag))


def row_description(columns: list[tuple[str, str]]) -> bytes:
    """RowDescription for (name, DuckDB type) columns, all in text format."""
    body = struct.pack("!h", len(columns))
    for name, duck_type in columns:
        oid = type_oid(duck_type)
        body += cstring(name) + struct.pack("!ihihih", 0, 0, oid, -1, -1, 0)
    return message(b"T", body)


def type_oid(duck_type: str) -> int:
    """PostgreSQL OID of a DuckDB type name (`text` when it has no counterpart)."""
    duck_type = duck_type.upper()
    if duck_type.startswith("DECIMAL"):
        return 1700
    return TYPE_OIDS.get(duck_type, 25)


def type_name(oid: int) -> str | None:
    """The name PostgreSQL's format_type() gives a type OID of `PG_TYPES` (None for others)."""
    known = PG_TYPES.get(oid)
    return known[1] if known else None


def data_row(values: tuple) -> bytes:
    """DataRow of VALUES in text format (NULL as length -1)."""
    body = struct.pack("!h", len(values))
    for value in values:
        if value is None:
            body += struct.pack("!i", -1)
        else:
            encoded = text_value(value).encode()
            body += struct.pack("!i", len(encoded)) + encoded
    return message(b"D", body)


def text_value(value: object) -> str:
    """A DuckDB value in PostgreSQL's text output format."""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, list | tuple):
        return "{" + ",".join(_array_element(v) for v in value) + "}"
    return str(value)


def _array_element(value: object) -> str:
    if value is None:
        return "NULL"
    text = text_value(value)
    if text == "" or any(c in text for c in '{},"\\ ') or text.upper() == "NULL":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def parameter_value(raw: bytes | None, oid: int) -> object:
    """A text-format bind parameter as the Python value DuckDB should receive."""
    if raw is None:
        return None
    text = raw.decode()
    if oid in (20, 21, 23):
        return int(text)
    if oid in (700, 701):
        return float(text)
    if oid == 1700:
        return decimal.Decimal(text)
    if oid == 16:
        return text.lower() in ("t", "true", "1", "on", "yes")
    return text


@dataclass
class Scram:
    """The server side of one SCRAM-SHA-256 exchange (RFC 5802/7677) for PASSWORD."""

    password: str
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    nonce: str = ""
    client_first_bare: str = ""
    server_first: str = ""

    def first(self, client_first: str) -> str:
        """Answer the client-first message with the server-first message."""
        if not client_first.startswith(("n,,", "y,,")):
            raise ProtocolError("SCRAM channel binding is not supported")
        self.client_first_bare = client_first[3:]
        attributes = dict(part.split("=", 1) for part in self.client_first_bare.split(","))
        self.nonce = attributes["r"] + base64.b64encode(secrets.token_bytes(18)).decode()
        salt = base64.b64encode(self.salt).decode()
        self.server_first = f"r={self.nonce},s={salt},i={SCRAM_ITERATIONS}"
        return self.server_first

    def final(self, client_final: str) -> str | None:
        """The server-final message when the client's proof is right, else None."""
        without_proof, _, proof = client_final.rpartition(",p=")
        attributes = dict(part.split("=", 1) for part in without_proof.split(","))
        if attributes.get("r") != self.nonce:
            return None
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), self.salt, SCRAM_ITERATIONS)
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        auth = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        signature = hmac.digest(stored_key, auth, "sha256")
        sent = base64.b64decode(proof)
        recovered = bytes(a ^ b for a, b in zip(sent, signature, strict=False))
        if len(sent) != 32 or not hmac.compare_digest(
            hashlib.sha256(recovered).digest(), stored_key
        ):
            return None
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        return "v=" + base64.b64encode(hmac.digest(server_key, auth, "sha256")).decode()


def auth_request(code: int, data: bytes = b"") -> bytes:
    """AuthenticationRequest: 0 ok, 10 SASL, 11 SASL continue, 12 SASL final."""
    return message(b"R", struct.pack("!i", code) + data)


def sasl_response(body: bytes, initial: bool) -> str:
    """The SCRAM text of a SASLInitialResponse (mechanism checked) or SASLResponse."""
    if not initial:
        return body.decode()
    mechanism, at = read_cstring(body, 0)
    if mechanism != "SCRAM-SHA-256":
        raise ProtocolError(f"SASL mechanism {mechanism} is not supported")
    (length,) = struct.unpack_from("!i", body, at)
    return body[at + 4 : at + 4 + length].decode()
