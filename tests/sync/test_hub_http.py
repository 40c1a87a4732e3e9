"""The hub's HTTP layer trusts nothing a request carries (issue 8 §3): every malformed request is a 4xx
problem that changes nothing, bodies are refused while being read past their route's limit, and a
commune's blobs are its own. Each test runs on SQLite and PostgreSQL (the `hub` fixture)."""

import hashlib
import logging
import os
import select
import socket
import time
import unicodedata
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func
from sqlalchemy import select as sql_select

from sync.hub.admin import create_admin_token, create_enroll_code, enroll
from sync.hub.models import AppliedOp, Change, Device, EnrollCode
from sync.protocol import MAX_BYTES
from tests.sync.conftest import COMMUNE_A, COMMUNE_B

PROBLEM_KEYS = {"code", "message", "server_time"}


def device_token(hub, commune=COMMUNE_A, workstation: int = 1) -> str:
    code = create_enroll_code(hub.engine, commune[0], commune[1], workstation)
    return enroll(hub.engine, code, f"Máy {workstation}", "test").token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["message"] and unicodedata.is_normalized("NFC", body["message"])
    if code:
        assert body["code"] == code
    return body


def counts(hub) -> tuple[int, int, int]:
    with hub.engine.connect() as connection:
        return tuple(connection.execute(sql_select(func.count()).select_from(table)).scalar_one()
                     for table in (AppliedOp, Change, Device))


MARKER = "BÍ-MẬT-7Q2"  # put in bodies: never to be echoed in an answer

MALFORMED_PUSHES = [
    (b'{"schema": 1, "ops": [', 400, "bad_json"),
    (b"[1, 2, 3]", 422, "invalid_request"),
    (b'"' + MARKER.encode() + b'"', 422, "invalid_request"),
    (b"null", 422, "invalid_request"),
    (b'\xff\xfe{"schema": 1, "ops": []}', 400, "bad_json"),
    (b'{"schema": 1, "ops": [], "x": "' + MARKER.encode("utf-16") + b'"}', 400, "bad_json"),
    (b'{"schema": 1}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": {"op_id": "x"}}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": "ops"}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": [1, "hai", null]}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": [{"entity": "dossier", "kind": "received"}]}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": [{"op_id": 12345}]}', 422, "invalid_request"),
    (b'{"schema": 1, "ops": [{"op_id": "' + b"a" * 10_000 + b'"}]}', 422, "invalid_request"),
    (b'{"schema": "m\xe1\xbb\x99t", "ops": []}', 422, "invalid_request"),
    (b'{"schema": 100000000000000000000000000000, "ops": []}', 426, "upgrade_required"),
    (b'{"schema": 99, "ops": []}', 426, "upgrade_required"),
]


def test_a_malformed_push_is_a_4xx_problem_and_changes_nothing(hub):
    token = device_token(hub)
    before = counts(hub)
    for raw, status, code in MALFORMED_PUSHES:
        response = requests.post(f"{hub.url}/api/v1/sync/push", data=raw,
                                 headers={**bearer(token), "Content-Type": "application/json"})
        assert_problem(response, status, code)
        assert MARKER not in response.text and "a" * 100 not in response.text, raw[:60]
        assert token not in response.text
    assert counts(hub) == before


def test_too_many_ops_is_a_413_so_that_the_desk_halves_its_batch(hub):
    import uuid

    from sync.protocol import MAX_OPS, payload_hash

    ops = [{"op_id": str(uuid.uuid4()), "entity": "dossier", "entity_id": str(uuid.uuid4()), "kind": "printed",
            "payload": {}, "payload_sha256": payload_hash({}), "actor": "Cán bộ", "device_time": "2026-11-20T09:00:00",
            "device_seq": k} for k in range(MAX_OPS + 1)]
    before = counts(hub)
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": ops},
                             headers=bearer(device_token(hub)))
    assert_problem(response, 413, "too_many")
    assert counts(hub)[:2] == before[:2]


def test_enrollment_refuses_malformed_bodies_and_keeps_the_code(hub):
    code = create_enroll_code(hub.engine, *COMMUNE_A, 2)
    url = f"{hub.url}/api/v1/devices/enroll"
    json_type = {"Content-Type": "application/json"}
    for raw, status in [(b"{", 400), (b"[]", 422), (b"\xc3\x28", 400), (b"{}", 422),
                        (b'{"code": 5, "device_name": [], "app_version": {}}', 422),
                        (b'{"code": "' + code.encode() + b'", "device_name": "M\\u0000y", "app_version": "1"}', 400),
                        (b'{"code": "' + code.encode() + b'", "device_name": "' + b"x" * 500 + b'", '
                         b'"app_version": "1"}', 400)]:
        response = requests.post(url, data=raw, headers=json_type)
        assert_problem(response, status)
        assert code not in response.text
    with hub.engine.connect() as connection:
        assert connection.execute(sql_select(EnrollCode.used_at)).scalar_one() is None  # still usable
    ok = requests.post(url, json={"code": code, "device_name": "Máy hai", "app_version": "1"})
    assert ok.status_code == 200 and ok.json()["workstation_no"] == 2


def test_query_and_header_integers_are_bounded(hub):
    me = bearer(device_token(hub))
    pull = f"{hub.url}/api/v1/sync/pull"
    for params in ({"since": 10**30}, {"since": 2**31}, {"since": -1}, {"since": "mười"}, {"limit": 0},
                   {"limit": 10**30}):
        assert_problem(requests.get(pull, params=params, headers=me), 422, "invalid_request")
    assert_problem(requests.get(pull, params={"schema": 10**30}, headers=me), 426, "upgrade_required")
    at_end = requests.get(pull, params={"since": 2**31 - 1}, headers=me)
    assert at_end.json()["changes"] == [], at_end.text
    blob = f"{hub.url}/api/v1/blobs/{hashlib.sha256(b'scan').hexdigest()}"
    for headers in ({"Upload-Offset": str(10**30)}, {"Upload-Offset": "-1"}, {"Upload-Offset": "half"},
                    {"Upload-Complete": "7"}):
        assert_problem(requests.put(blob, data=b"scan", headers={**me, **headers}), 422, "invalid_request")
    assert requests.head(blob, headers=me).headers["Upload-Offset"] == "0"  # nothing was stored


def test_unknown_routes_methods_and_tokens_are_problems_too(hub):
    assert_problem(requests.get(f"{hub.url}/api/v1/nothing"), 404, "not_found")
    assert_problem(requests.delete(f"{hub.url}/api/v1/sync/push"), 405, "method_not_allowed")
    assert_problem(requests.get(f"{hub.url}/api/v1/sync/pull"), 401, "no_token")
    response = requests.get(f"{hub.url}/api/v1/sync/pull", headers=bearer(MARKER.encode().hex()))
    assert_problem(response, 401, "unknown_token")
    assert MARKER.encode().hex() not in response.text


def test_huge_header_values_are_refused_and_the_hub_goes_on(hub):
    me = bearer(device_token(hub))
    for headers in ({"Authorization": "Bearer " + "t" * 100_000}, {"Upload-Offset": "9" * 100_000}):
        response = requests.put(f"{hub.url}/api/v1/blobs/{'0' * 64}", data=b"x", headers={**me, **headers})
        assert 400 <= response.status_code < 500  # uvicorn's own parser refuses a header block over 16 KiB
    assert requests.get(f"{hub.url}/api/v1/sync/pull", headers=me).status_code == 200


def test_admin_bodies_are_checked_before_anything_is_written(hub):
    admin = bearer(create_admin_token(hub.engine, "Sở"))
    base = f"{hub.url}/api/v1/admin"
    agency, commune = COMMUNE_A
    cases = [
        ("post", "/enroll-codes", {"agency_id": agency, "commune": commune, "workstation_no": 10**30}, 422),
        ("post", "/enroll-codes", {"agency_id": "x" * 5000, "commune": commune, "workstation_no": 1}, 422),
        ("post", "/enroll-codes", {"agency_id": agency, "commune": "Xã\u0000A", "workstation_no": 1}, 422),
        ("post", "/enroll-codes", [agency], 422),
        ("post", "/allotments", {"agency_id": agency, "commune": commune, "workstation_no": 1, "kind": "paper",
                                 "template_symbol": "01BLP", "series_symbol": "AA", "first_number": 1,
                                 "last_number": 10**30}, 422),
        ("post", "/procedures", [], 422),
        ("post", "/procedures", {"code": "2.000815"}, 422),
        ("post", "/procedures", {"code": "2.000815", "versions": [{"effective_from": "2026-13-01", "fee": {}}]}, 422),
        ("post", "/procedures", {"code": "2.000815", "versions": [
            {"effective_from": "2026-12-01", "fee": {"kind": "page_tiers", "tiers": [{"tu": 1}]}}]}, 400),
        ("post", "/procedures", {"code": "2.000815", "versions": [
            {"effective_from": "2026-12-01", "fee": {"kind": "fixed", "amount": "nhiều"}}]}, 400),
        ("post", "/days", {"day": "2027-02-30", "kind": "off"}, 422),
        ("post", "/days", {"day": "2027-02-05", "kind": "off", "agency_id": "000.17.22.H56\u0000"}, 422),
        ("post", "/upstream-events", {"code": "x", "kind": "finished", "actor": "Sở"}, 404),
        ("post", "/upstream-events", {"code": 1, "kind": "paid", "actor": None}, 422),
        ("post", "/devices/" + "d" * 5000 + "/revoke", None, 422),
        ("get", "/export?agency_id=%00&first=2026-11-01&last=2026-11-30", None, 422),
        ("get", f"/export?agency_id={agency}&first=2026-11-30&last=2026-11-01", None, 400),
    ]
    before = counts(hub)
    for method, path, body, status in cases:
        response = requests.request(method, base + path, json=body, headers=admin)
        assert_problem(response, status)
    assert counts(hub) == before
    with hub.engine.connect() as connection:
        assert connection.execute(sql_select(func.count()).select_from(EnrollCode)).scalar_one() == 0


def test_a_real_procedure_still_publishes_through_the_admin_api_unchanged(hub):
    from app.assets import load_json

    device_token(hub)  # one commune on the hub
    procedure = load_json("catalogue", "procedures.json")["procedures"][0]
    response = requests.post(f"{hub.url}/api/v1/admin/procedures", json=procedure,
                             headers=bearer(create_admin_token(hub.engine, "Sở")))
    assert response.status_code == 200 and response.json() == {"communes": 1}
    with hub.engine.connect() as connection:
        assert connection.execute(sql_select(Change.payload).where(Change.kind == "catalogue.procedure")) \
            .scalar_one() == procedure  # every field the desks need, as published


# --- size limits, enforced while the body is read ---------------------------------------------------


def raw_connection(hub) -> socket.socket:
    parts = urlsplit(hub.url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_answer(connection: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
        got = connection.recv(65536)
        if not got:
            break
        data += got
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def _length(data: bytes) -> int:
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_a_stated_50_mb_enrollment_is_refused_before_its_body_is_read(hub):
    with raw_connection(hub) as connection:
        connection.sendall(b"POST /api/v1/devices/enroll HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 52428800\r\n\r\n")
        status, body = read_answer(connection)  # not one byte of the body was sent
    assert status == 413 and b"too_large" in body


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(hub):
    chunk = b"x" * 16384
    sent = 0
    with raw_connection(hub) as connection:
        connection.sendall(b"POST /api/v1/devices/enroll HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        deadline = time.monotonic() + 10
        while not select.select([connection], [], [], 0.05)[0]:
            assert time.monotonic() < deadline and sent < 50 * 1024 * 1024
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        status, body = read_answer(connection)
    assert status == 413 and b"too_large" in body
    assert 64 * 1024 < sent <= 1024 * 1024  # answered after the limit, long before 50 MB


def test_every_route_has_a_limit(hub):
    me = bearer(device_token(hub))
    admin = bearer(create_admin_token(hub.engine, "Sở"))
    before = counts(hub)
    refused = [
        requests.post(f"{hub.url}/api/v1/devices/enroll", data=b" " * (64 * 1024 + 1)),
        requests.post(f"{hub.url}/api/v1/sync/push", data=b" " * (MAX_BYTES + 1), headers=me),
        requests.put(f"{hub.url}/api/v1/blobs/{'0' * 64}", data=os.urandom(2 * 1024 * 1024), headers=me),
        requests.post(f"{hub.url}/api/v1/admin/procedures", data=b" " * (64 * 1024 + 1), headers=admin),
        requests.get(f"{hub.url}/api/v1/sync/pull", data=b" " * (64 * 1024), headers=me),
        requests.get(f"{hub.url}/api/v1/health", data=b" " * (64 * 1024)),
        requests.post(f"{hub.url}/unknown", data=b" " * (64 * 1024)),
    ]
    for response in refused:
        assert_problem(response, 413, "too_large")
    assert counts(hub) == before
    assert requests.head(f"{hub.url}/api/v1/blobs/{'0' * 64}", headers=me).headers["Upload-Offset"] == "0"
    # Just under the limits, the same routes work.
    one_mib = os.urandom(1024 * 1024)
    sha = hashlib.sha256(one_mib).hexdigest()
    put = requests.put(f"{hub.url}/api/v1/blobs/{sha}", data=one_mib, headers={**me, "Upload-Complete": "1"})
    assert put.status_code == 200 and put.json()["complete"]


# --- blobs belong to a commune ------------------------------------------------------------------------


def put(hub, token: str, sha: str, data: bytes, offset: int = 0, last: bool = True) -> requests.Response:
    return requests.put(f"{hub.url}/api/v1/blobs/{sha}", data=data, headers={
        **bearer(token), "Upload-Offset": str(offset), "Upload-Complete": "1" if last else "0"})


def head(hub, token: str, sha: str) -> requests.Response:
    return requests.head(f"{hub.url}/api/v1/blobs/{sha}", headers=bearer(token))


def test_a_commune_neither_sees_nor_touches_another_commune_s_blobs(hub):
    a, a2, b = device_token(hub, COMMUNE_A, 1), device_token(hub, COMMUNE_A, 2), device_token(hub, COMMUNE_B, 1)
    scan = os.urandom(1536 * 1024)
    sha = hashlib.sha256(scan).hexdigest()
    assert put(hub, a, sha, scan[:1024 * 1024], last=False).json()["offset"] == 1024 * 1024
    # B cannot learn that A holds part of it, nor append to A's upload.
    response = head(hub, b, sha)
    assert response.status_code == 404 and response.headers["Upload-Offset"] == "0"
    assert_problem(put(hub, b, sha, scan[1024 * 1024:], offset=1024 * 1024), 409, "wrong_offset")
    # Another workstation of A resumes A's upload.
    assert head(hub, a2, sha).headers["Upload-Offset"] == str(1024 * 1024)
    assert put(hub, a2, sha, scan[1024 * 1024:], offset=1024 * 1024).json()["complete"]
    assert head(hub, a, sha).status_code == 200
    assert head(hub, b, sha).status_code == 404  # A's complete scan is still not B's
    # The same scan uploaded by B is stored for B, and A's copy is untouched.
    assert put(hub, b, sha, scan[:1024 * 1024], last=False).status_code == 200
    assert put(hub, b, sha, scan[1024 * 1024:], offset=1024 * 1024).json()["complete"]
    assert head(hub, b, sha).status_code == 200
    assert (hub.blobs / COMMUNE_A[0] / sha).read_bytes() == scan == (hub.blobs / COMMUNE_B[0] / sha).read_bytes()


def test_a_blob_address_must_be_a_sha256(hub):
    me = device_token(hub)
    for bad in ["A" * 64, "a" * 63, "a" * 65, "g" * 64, "..", "%2e%2e%2fhub.sqlite", "0" * 63 + "%00"]:
        for response in (put(hub, me, bad, b"x"), head(hub, me, bad)):
            assert response.status_code in (400, 404), bad
            if response.request.method == "PUT":
                assert set(response.json()) == PROBLEM_KEYS
    assert_problem(put(hub, me, "A" * 64, b"x"), 400, "bad_hash")
    assert head(hub, me, "A" * 64).status_code == 400
    assert requests.head(f"{hub.url}/api/v1/blobs/{'0' * 64}").status_code == 401  # and a token


# --- nothing from a request reaches the hub's logs -----------------------------------------------------


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter().format(record))


@pytest.fixture
def hub_log():
    handler = Collect()
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "fastapi",
                                                    "sync.hub")]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)  # whatever else propagates to the root at its level
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_request_bodies_and_tokens_never_reach_the_log(hub, hub_log, monkeypatch):
    import sync.hub.api

    token = device_token(hub)
    secret = MARKER
    bodies = [b'{"schema": 1, "ops": [{"op_id": "' + secret.encode() + b'"}]}', b"[\"" + secret.encode() + b"\"]",
              secret.encode("utf-16")]
    for raw in bodies:
        requests.post(f"{hub.url}/api/v1/sync/push", data=raw, headers=bearer(token))
        requests.post(f"{hub.url}/api/v1/devices/enroll", data=raw, headers={"Content-Type": "application/json"})
    requests.get(f"{hub.url}/api/v1/sync/pull", headers=bearer(secret.encode().hex()))

    def crash(_engine, code, *_args):
        raise RuntimeError(f"crashed on {code}")  # a bug whose message quotes the request

    monkeypatch.setattr(sync.hub.api, "enroll", crash)
    response = requests.post(f"{hub.url}/api/v1/devices/enroll",
                             json={"code": secret, "device_name": "Máy", "app_version": "1"})
    body = assert_problem(response, 500, "internal")
    assert secret not in response.text and "crashed" not in response.text
    logged = "\n".join(hub_log.lines)
    error_id = body["message"].split("mã lỗi ")[1].split(")")[0]
    assert f"unexpected error {error_id}" in logged and "RuntimeError" in logged  # a bug is still told
    for leak in (secret, secret.encode().hex(), token):  # the source line of the raise is there, not its text
        assert leak not in logged
