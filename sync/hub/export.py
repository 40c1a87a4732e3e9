"""Dossiers in the national portal's (DVCQG) exchange format: the legacy "DongBoHoSoMC" body with
the HoSo fields of shared/domain.md §3, dates as yyyyMMddHHmmss in Asia/Ho_Chi_Minh. The mapping
lives in this one module, so a change of the portal's field set touches nothing else."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from app.core.lifecycle import Action
from sync.hub.models import Agency, Dossier, DossierEvent

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
SUMMARY_LIMIT = 1000


def portal_time(text: str | None) -> str:
    """An ISO instant as the portal writes it: local yyyyMMddHHmmss."""
    if not text:
        return ""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(LOCAL).strftime("%Y%m%d%H%M%S")


def _first(events: list[Any], kind: Action) -> str:
    return next((e.device_time for e in events if e.kind == kind.value), "")


def _progress(code: str, events: list[Any]) -> list[dict[str, Any]]:
    """QuaTrinhXuLy: one row per step."""
    return [{"MaHoSo": code, "NguoiXuLy": e.actor, "ThoiDiemXuLy": portal_time(e.device_time),
             "NoiDungXuLy": e.payload.get("reason") or e.payload.get("note") or e.kind,
             "TrangThai": e.status_after} for e in events]


def _result(events: list[Any]) -> dict[str, Any]:
    """What the finishing step said of the result (issue 13): electronic file or not, its code."""
    finished = [e for e in events if e.kind == Action.FINISH.value]
    return finished[-1].payload if finished else {}


def hoso(dossier: Any, events: list[Any], agency_name: str) -> dict[str, Any]:
    s = dossier.snapshot
    supplements = [e for e in events if e.kind == Action.REQUEST_SUPPLEMENT.value]
    result = _result(events)
    scanned, reused = int(bool(s.get("docs_digitised"))), int(bool(s.get("docs_reused")))
    return {
        "MaHoSo": dossier.code, "MaTTHC": s.get("national_code") or s.get("procedure_code"),
        "TenTTHC": s.get("procedure_name", ""), "MaLinhVuc": "", "TenLinhVuc": s.get("procedure_field", ""),
        "KenhThucHien": s.get("channel", 1), "ChuHoSo": s["owner_name"],
        "SoGiayToChuHoSo": s.get("owner_id_number", ""), "LoaiDoiTuong": s.get("owner_kind", 1),
        "Email": s.get("owner_email", ""), "SoDienThoai": s.get("owner_phone", ""),
        "TrichYeuHoSo": (s.get("summary") or "")[:SUMMARY_LIMIT],
        "NgayNopHoSo": portal_time(s.get("received_at")), "NgayTiepNhan": portal_time(s.get("received_at")),
        "NgayHenTra": portal_time(dossier.due_at), "NgayTra": portal_time(_first(events, Action.HAND_OVER)),
        "NgayKetThucXuLy": portal_time(_first(events, Action.FINISH)),
        "NgayTuChoi": portal_time(_first(events, Action.REFUSE)), "TrangThaiHoSo": dossier.status,
        "HinhThuc": 1 if s.get("return_method") == "post" else 0, "DonViXuLy": agency_name, "NoiNopHoSo": agency_name,
        "HoSoCoThanhPhanSoHoa": scanned, "TaiKhoanDuocXacThucVoiVNeID": 0,
        "DuocThanhToanTrucTuyen": int(s.get("online_payment") or 0),  # 0, 1 national portal, 2 provincial
        "MaKetQua": result.get("result_code", ""),
        "TaiLieuNop": [{"TenTepDinhKem": d["name"], "IsDeleted": False, "MaThanhPhanHoSo": "", "DuocSoHoa": scanned,
                        "DuocTaiSuDung": reused, "DuocLayTuKhoDMQG": reused} for d in s.get("documents", [])],
        "DanhSachGiayToKetQua": [{"TenGiayTo": s.get("procedure_name", ""), "MaThanhPhanHoSo": "",
                                  "GiayToId": result.get("result_code", ""), "DuongDanTepTinKetQua": "",
                                  "DuocSoHoa": int(bool(result.get("result_digitised")))}] if result else [],
        "DanhSachLePhi": [{"TenPhiLePhi": s.get("fee_detail", ""), "MaPhiLePhi": "", "HinhThucThu": 1,
                           "Gia": s["fee_amount"], "LoaiPhiLePhi": 1}] if s.get("fee_amount") else [],
        "DanhSachHoSoBoSung": [{"HoSoBoSungId": e.uid, "NguoiYeuCauBoSung": e.actor,
                                "NoiDungBoSung": e.payload.get("reason", ""),
                                "NgayBoSung": portal_time(e.device_time)} for e in supplements],
        "QuaTrinhXuLy": _progress(dossier.code, events),
    }


def dvcqg_export(engine: Engine, agency_id: str, first: date, last: date) -> dict[str, Any]:
    start = datetime.combine(first, time.min, LOCAL)
    end = datetime.combine(last, time.max, LOCAL)
    with engine.connect() as connection:
        name = connection.execute(select(Agency.name).where(Agency.id == agency_id)).scalar() or agency_id
        dossiers = connection.execute(select(Dossier).where(Dossier.agency_id == agency_id)
                                      .order_by(Dossier.code)).all()
        data = []
        for dossier in dossiers:
            received = datetime.fromisoformat(dossier.snapshot["received_at"].replace("Z", "+00:00"))
            if not start <= received <= end:
                continue
            events = connection.execute(select(DossierEvent).where(DossierEvent.dossier_uid == dossier.uid)
                                        .order_by(DossierEvent.device_time)).all()
            data.append(hoso(dossier, events, name))
    return {"service": "DongBoHoSoMC", "isUpdating": False, "MaDinhDanhDV": agency_id, "data": data}
