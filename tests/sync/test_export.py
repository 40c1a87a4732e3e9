import json
from datetime import date, datetime

from app.services import processing
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.hub.__main__ import main as hub_main
from sync.hub.export import dvcqg_export
from tests.helpers.data import CCCD_DUC, birth, copy_cert
from tests.sync.conftest import COMMUNE_A


def test_export_has_the_portal_fields_and_dates(make_desk, hub, clock, tmp_path):
    desk = make_desk("mot", 1)
    slip = receive_dossier(desk, copy_cert("Nguyễn Văn Đức", owner_id_number=CCCD_DUC, summary="x" * 1000))
    processing.forward(desk, slip.uid, to_unit="Tư pháp")
    processing.request_supplement(desk, slip.uid, reason="Thiếu bản sao rõ nét", missing_documents=["Bản sao"])
    clock.set(datetime(2026, 11, 18, 16, 20))
    processing.receive_supplement(desk, slip.uid)
    processing.finish(desk, slip.uid)
    processing.hand_over(desk, slip.uid, receiver="Nguyễn Văn Đức")
    receive_dossier(desk, birth("Trần Thị Bình"))
    SyncClient(desk).round()
    body = dvcqg_export(hub.engine, COMMUNE_A[0], date(2026, 11, 1), date(2026, 11, 30))
    assert body["service"] == "DongBoHoSoMC" and len(body["data"]) == 2
    hoso = next(h for h in body["data"] if h["MaHoSo"] == slip.code)
    assert hoso["MaTTHC"] == "2.000815" and hoso["TenTTHC"] == "Chứng thực bản sao từ bản chính"
    assert hoso["TenLinhVuc"] == "Chứng thực" and hoso["ChuHoSo"] == "Nguyễn Văn Đức"
    assert hoso["SoGiayToChuHoSo"] == CCCD_DUC and hoso["KenhThucHien"] == 1 and hoso["TrangThaiHoSo"] == 10
    assert hoso["NgayTiepNhan"] == "20261118090000" and hoso["NgayTra"] == "20261118162000"
    assert len(hoso["TrichYeuHoSo"]) == 1000 and hoso["DanhSachLePhi"][0]["Gia"] == 14000
    assert hoso["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Thiếu bản sao rõ nét"
    assert [step["TrangThai"] for step in hoso["QuaTrinhXuLy"]] == [2, 4, 5, 4, 9, 10]
    assert dvcqg_export(hub.engine, COMMUNE_A[0], date(2026, 12, 1), date(2026, 12, 31))["data"] == []
    out = tmp_path / "export.json"
    assert hub_main(["--db", str(hub.engine.url), "export", "--agency-id", COMMUNE_A[0], "--from", "2026-11-01",
                     "--to", "2026-11-30", "--out", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["data"]) == 2
