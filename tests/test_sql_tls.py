"""`serve-sql` with TLS: a throw-away certificate, sslmode=require and verify-full accepted, plain
connections refused when TLS is required, and loopback without TLS still the default."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import CLI, SQL_PASSWORD, SqlEndpoint, running_serve_sql


@pytest.fixture(scope="module")
def warehouse(served_warehouse: tuple[Path, Path]) -> tuple[Path, Path]:
    """(warehouse file, readers' copy) of one corpus file."""
    return served_warehouse


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for a day: (certificate, key) PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_required(warehouse, certificate) -> Iterator[SqlEndpoint]:
    cert, key = certificate
    with running_serve_sql(
        *warehouse, "--tls-cert", str(cert), "--tls-key", str(key), "--require-tls"
    ) as endpoint:
        yield endpoint


def dsn(endpoint: SqlEndpoint, sslmode: str, extra: str = "") -> str:
    return (
        f"host=127.0.0.1 port={endpoint.port} user=pubmed password='{SQL_PASSWORD}' "
        f"dbname=pubmed sslmode={sslmode} {extra}"
    )


def test_sslmode_require_is_encrypted(tls_required: SqlEndpoint) -> None:
    with psycopg.connect(dsn(tls_required, "require")) as client:
        assert client.pgconn.ssl_in_use
        assert client.execute("select count(*) > 0 from articles").fetchone() == (True,)


def test_the_certificate_is_verified_by_name(tls_required: SqlEndpoint, certificate) -> None:
    with psycopg.connect(dsn(tls_required, "verify-full", f"sslrootcert={certificate[0]}")) as c:
        assert c.pgconn.ssl_in_use


def test_a_plain_connection_is_refused_when_tls_is_required(tls_required: SqlEndpoint) -> None:
    with pytest.raises(psycopg.OperationalError, match="TLS connections only"):
        psycopg.connect(dsn(tls_required, "disable"))


def test_tls_from_the_environment_and_plain_allowed(warehouse, certificate) -> None:
    cert, key = certificate
    env = {"PUBMED_WAREHOUSE_SQL_TLS_CERT": str(cert), "PUBMED_WAREHOUSE_SQL_TLS_KEY": str(key)}
    with running_serve_sql(*warehouse, env=env) as endpoint:
        with psycopg.connect(dsn(endpoint, "require")) as encrypted:
            assert encrypted.pgconn.ssl_in_use
        with psycopg.connect(dsn(endpoint, "disable")) as plain:
            assert not plain.pgconn.ssl_in_use


def test_without_a_certificate_loopback_is_plain(warehouse) -> None:
    with running_serve_sql(*warehouse) as endpoint:
        with psycopg.connect(dsn(endpoint, "prefer")) as client:
            assert not client.pgconn.ssl_in_use
        with pytest.raises(psycopg.OperationalError, match="does not support SSL"):
            psycopg.connect(dsn(endpoint, "require"))


def test_require_tls_without_a_certificate_does_not_start(tmp_path: Path) -> None:
    done = subprocess.run(
        [CLI, "serve-sql", "--db", str(tmp_path / "w.duckdb"), "--port", "0", "--require-tls"],
        capture_output=True,
        text=True,
        env={**os.environ, "PUBMED_WAREHOUSE_SQL_PASSWORD": SQL_PASSWORD},
        timeout=120,
    )
    assert done.returncode != 0 and "--tls-cert" in done.stderr
