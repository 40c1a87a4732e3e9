import hashlib
import os

import requests

from app.services.attachments import attach_file, attachments_of
from app.services.queries import dossier_detail
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from tests.helpers.data import birth
from tests.sync.conftest import COMMUNE_A


def test_scans_upload_after_the_records_and_resume_where_they_stopped(make_desk, hub, tmp_path):
    desk = make_desk("mot", 1)
    got = receive_dossier(desk, birth())
    big = tmp_path / "ban-quet-to-khai.pdf"
    big.write_bytes(os.urandom(2_500_000))  # three chunks
    small = tmp_path / "cccd.jpg"
    small.write_bytes(b"\xff\xd8 scan " * 100)
    attach_file(desk, got.uid, big, "Bản quét tờ khai")
    attach_file(desk, got.uid, small)
    kinds = [e["kind"] for e in dossier_detail(desk, got.uid)["events"]]
    assert kinds == ["received", "attached", "attached"]
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    client = SyncClient(desk)
    # The line drops after the first chunk of the big scan reached the hub.
    first = requests.put(f"{client.base}/api/v1/blobs/{sha}", data=big.read_bytes()[:1024 * 1024],
                         headers={"Upload-Offset": "0", "Upload-Complete": "0", **client.http.headers})
    assert first.json() == {"complete": False, "offset": 1024 * 1024, "server_time": first.json()["server_time"]}
    head = requests.head(f"{client.base}/api/v1/blobs/{sha}", headers=dict(client.http.headers))
    assert head.status_code == 404 and head.headers["Upload-Offset"] == str(1024 * 1024)
    result = client.round()
    assert result.online and result.pushed == 3
    assert all(a["uploaded_at"] is not None for a in attachments_of(desk, got.uid))
    assert requests.head(f"{client.base}/api/v1/blobs/{sha}", headers=dict(client.http.headers)).status_code == 200
    assert (hub.blobs / COMMUNE_A[0] / sha).read_bytes() == big.read_bytes()  # the commune's own folder


def test_a_failing_upload_never_holds_back_the_records(make_desk, hub, tmp_path, monkeypatch):
    desk = make_desk("mot", 1)
    got = receive_dossier(desk, birth())
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"png" * 1000)
    attach_file(desk, got.uid, scan)
    client = SyncClient(desk)
    monkeypatch.setattr(client, "_upload", lambda sha: (_ for _ in ()).throw(requests.ConnectionError("cut")))
    result = client.round()
    assert result.online and result.pushed == 2  # the records went; the scan waits for the next round
    assert attachments_of(desk, got.uid)[0]["uploaded_at"] is None
    monkeypatch.undo()
    assert SyncClient(desk).round().online
    assert attachments_of(desk, got.uid)[0]["uploaded_at"] is not None
