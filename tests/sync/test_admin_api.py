import requests

from sync.hub.admin import create_admin_token
from tests.sync.conftest import COMMUNE_A


def test_admin_api_needs_an_admin_token_and_does_the_cli_s_work(hub, make_desk):
    assert requests.get(f"{hub.url}/api/v1/admin/devices").status_code == 403
    assert requests.get(f"{hub.url}/api/v1/admin/devices", headers={"Authorization": "Bearer sai"}).status_code == 403
    admin = {"Authorization": f"Bearer {create_admin_token(hub.engine, 'Sở TT&TT')}"}
    got = requests.post(f"{hub.url}/api/v1/admin/enroll-codes", headers=admin,
                        json={"agency_id": COMMUNE_A[0], "commune": COMMUNE_A[1], "workstation_no": 4})
    code = got.json()["code"]
    assert len(code) == 9 and code[4] == "-"
    response = requests.post(f"{hub.url}/api/v1/admin/allotments", headers=admin, json={
        "agency_id": COMMUNE_A[0], "workstation_no": 4, "kind": "electronic", "template_symbol": "EBL01",
        "series_symbol": "26TAB", "first_number": 1, "last_number": 100})
    assert response.status_code == 200
    bad = requests.post(f"{hub.url}/api/v1/admin/allotments", headers=admin, json={
        "agency_id": COMMUNE_A[0], "workstation_no": 4, "kind": "electronic", "template_symbol": "EBL09",
        "series_symbol": "26TAB", "first_number": 200, "last_number": 300})
    assert bad.status_code == 400 and "EBL01 hoặc EBL02" in bad.json()["message"]
    desk = make_desk("mot", 1)
    devices = requests.get(f"{hub.url}/api/v1/admin/devices", headers=admin).json()
    assert [d["workstation_no"] for d in devices] == [1]
    revoked = requests.post(f"{hub.url}/api/v1/admin/devices/{devices[0]['device_id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    from app.sync.client import SyncClient
    assert SyncClient(desk).round().stopped
    export = requests.get(f"{hub.url}/api/v1/admin/export", headers=admin,
                          params={"agency_id": COMMUNE_A[0], "first": "2026-11-01", "last": "2026-11-30"})
    assert export.json()["service"] == "DongBoHoSoMC"
