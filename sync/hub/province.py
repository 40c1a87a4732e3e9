"""The province's page (issue 13): Biểu II.06a across the communes, their QĐ 766 indicators, the
late dossiers and every workstation's sync health, served by the hub.

Behind an admin login: the admin token (sync/hub/admin.py) typed once into a form opens a session
whose token lives in an HttpOnly, SameSite=Strict cookie and whose hash lives in `admin_session`
(so every hub worker knows it). Pages are GET-only and change nothing; logout is a POST carrying
the session's CSRF token. Server-rendered with string.Template like the lookup page: no script, no
external file, usable on a LAN without internet.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine, delete, insert, select

from app.core.report_rules import rules_766
from app.core.reporting import II06A_COLUMNS, VN, Indicator, Period, Report, quarter, reporting_month, score_all
from app.core.reporting import month as month_period
from app.core.reporting import year as year_period
from sync.hub.admin import HubError, check_admin, digest
from sync.hub.limits import SharedRateLimit
from sync.hub.lookup import SECURITY_HEADERS
from sync.hub.models import AdminSession
from sync.hub.province_health import DeskHealth, desks
from sync.hub.province_report import LateDossier, by_commune, commune_names, late_dossiers

TEMPLATES = Path(__file__).parent / "templates"
PAGE = Template((TEMPLATES / "province.html").read_text(encoding="utf-8"))
LOGIN = Template((TEMPLATES / "province_login.html").read_text(encoding="utf-8"))
COOKIE = "motcua_tinh"
SESSION_HOURS = 8
LOGINS_PER_MINUTE = 10
TITLE = "Báo cáo một cửa của tỉnh"
HEADINGS = {  # Biểu II.06a's columns (3)–(13)
    "received_total": "Tổng số", "received_online": "Trực tuyến", "received_direct": "Trực tiếp, bưu chính",
    "carried_over": "Kỳ trước chuyển qua", "resolved_total": "Tổng số", "resolved_early": "Trước hạn",
    "resolved_on_time": "Đúng hạn", "resolved_late": "Quá hạn", "pending_total": "Tổng số",
    "pending_within": "Trong hạn", "pending_overdue": "Quá hạn",
}
WRONG_TOKEN = "Mã quản trị không đúng hoặc đã bị thu hồi."
TOO_MANY = "Đăng nhập sai quá nhiều lần trong một phút. Hãy đợi một phút rồi thử lại."
BAD_PERIOD = "Kỳ báo cáo không hợp lệ: hãy chọn ngày đầu và ngày cuối (ngày cuối không trước ngày đầu)."


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Session:
    admin: str
    csrf: str


# -- login --------------------------------------------------------------------------------------


def _session(engine: Engine, request: Request) -> Session | None:
    token = request.cookies.get(COOKIE, "")
    if not token or len(token) > 100:
        return None
    with engine.connect() as connection:
        row = connection.execute(select(AdminSession).where(AdminSession.token_hash == digest(token))).first()
    if row is None or _aware(row.expires_at) <= datetime.now(UTC):
        return None
    return Session(row.admin_name, row.csrf)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _open_session(engine: Engine, admin: str) -> str:
    token, now = secrets.token_urlsafe(32), datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(delete(AdminSession).where(AdminSession.expires_at < now))
        connection.execute(insert(AdminSession).values(token_hash=digest(token), admin_name=admin,
                                                       csrf=secrets.token_urlsafe(24),
                                                       expires_at=now + timedelta(hours=SESSION_HOURS)))
    return token


def _form(raw: bytes) -> dict[str, str]:
    try:
        fields = parse_qs(raw.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {key: values[0] for key, values in fields.items() if values}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _login_page(message: str = "", status: int = 200) -> HTMLResponse:
    shown = f'<p class="message" role="alert">{_e(message)}</p>' if message else ""
    return _html(LOGIN.substitute(message=shown), status)


# -- the period ---------------------------------------------------------------------------------


def _period(query: dict[str, str], today: date) -> Period:
    first, last = query.get("tu", ""), query.get("den", "")
    if not first and not last:
        return quarter(today.year, (today.month - 1) // 3 + 1)
    try:
        return Period.of_days(_day(first), _day(last))
    except ValueError:
        raise HubError(400, "bad_period", BAD_PERIOD) from None


def _day(text: str) -> date:
    """dd/mm/yyyy as typed (NĐ 30/2020 writes dates so), or yyyy-mm-dd from the preset links."""
    text = text.strip()[:10]
    if "/" in text:
        day, month_no, year_no = text.split("/")
        return date(int(year_no), int(month_no), int(day))
    return date.fromisoformat(text)


def _presets(today: date) -> list[tuple[str, Period]]:
    this_quarter = (today.month - 1) // 3 + 1
    previous_quarter = quarter(today.year, this_quarter - 1) if this_quarter > 1 else quarter(today.year - 1, 4)
    return [("Tháng này", month_period(today.year, today.month)),
            ("Kỳ báo cáo tháng (15 đến 14)", reporting_month(today.year, today.month)),
            ("Quý này", quarter(today.year, this_quarter)), ("Quý trước", previous_quarter),
            ("Năm nay", year_period(today.year))]


def _link(path: str, period: Period) -> str:
    return f"{path}?{urlencode({'tu': period.first.isoformat(), 'den': period.last.isoformat()})}"


def _period_nav(path: str, period: Period, today: date) -> str:
    links = " ".join(f'<a href="{_e(_link(path, p))}">{_e(name)}</a>' for name, p in _presets(today))
    return (f'<nav class="period" aria-label="Kỳ báo cáo"><span class="period-label">{_e(period.label)}</span>{links}'
            f'<form method="get" action="{_e(path)}"><label>Từ ngày<input name="tu" inputmode="numeric" '
            f'placeholder="dd/mm/yyyy" value="{period.first:%d/%m/%Y}" required maxlength="10"></label> '
            f'<label>Đến ngày<input name="den" inputmode="numeric" placeholder="dd/mm/yyyy" '
            f'value="{period.last:%d/%m/%Y}" required maxlength="10"></label> '
            '<button type="submit">Xem</button></form></nav>')


# -- tables -------------------------------------------------------------------------------------


def _ii06a_head(first: str) -> str:
    groups = ('<th colspan="4">Số hồ sơ nhận giải quyết</th><th colspan="4">Số hồ sơ đã giải quyết</th>'
              '<th colspan="3">Số hồ sơ đang giải quyết</th>')
    numbers = "".join(f"<th>({n})</th>" for n in range(1, 14))
    names = "".join(f"<th>{_e(HEADINGS[c])}</th>" for c in II06A_COLUMNS)
    return (f'<thead><tr><th rowspan="2">TT</th><th rowspan="2" class="text">{_e(first)}</th>{groups}</tr>'
            f"<tr>{names}</tr><tr>{numbers}</tr></thead>")


def _cells(row: dict[str, int]) -> str:
    return "".join(f"<td>{row.get(c, 0):,}</td>".replace(",", ".") for c in II06A_COLUMNS)


def _ii06a_table(first: str, rows: Iterable[tuple[str, str, dict[str, int]]], total: dict[str, int]) -> str:
    body = "".join(f'<tr><td>{n}</td><td class="text">{label}</td>{_cells(cols)}</tr>'
                   for n, (label, _key, cols) in enumerate(rows, 1))
    return (f'<div class="scroll"><table>{_ii06a_head(first)}<tbody>{body}'
            f'<tr class="total"><td></td><td class="text">Tổng cộng</td>{_cells(total)}</tr></tbody></table></div>')


def _rate(indicator: Indicator) -> str:
    if indicator.rate is None:
        return '<td class="muted">—</td>'
    if indicator.code == "2.2":
        return f"<td>{indicator.rate:.1f} ngày</td>".replace(".", ",")
    css = "good" if indicator.threshold and indicator.rate >= indicator.threshold else "bad"
    return f'<td class="{css}">{indicator.rate * 100:.1f}%</td>'.replace(".", ",")


def _indicator_table(names: dict[str, str], reports: dict[str, Report], rules: dict[str, Any]) -> str:
    heads = "".join(f'<th title="{_e(r["name"])}">{_e(r["code"])}<br><span class="muted">{_e(r["name"])}</span></th>'
                    for r in rules["indicators"])
    body = []
    for agency, report in sorted(reports.items(), key=lambda item: names.get(item[0], item[0])):
        scored = score_all(rules, report.counts)
        points = sum(i.points or 0 for i in scored)
        body.append(f'<tr><td class="text">{_e(names.get(agency, agency))}</td>{"".join(_rate(i) for i in scored)}'
                    f"<td>{points:.1f}</td></tr>".replace(".", ","))
    return (f'<div class="scroll"><table><thead><tr><th class="text">Xã, phường</th>{heads}<th>Điểm</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _local(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{datetime.fromtimestamp(seconds, VN):%d/%m/%Y %H:%M}"


def _late_table(names: dict[str, str], rows: list[LateDossier]) -> str:
    if not rows:
        return '<p class="note">Không có hồ sơ trễ hạn trong kỳ.</p>'
    body = "".join(
        f'<tr><td class="text">{_e(r.code)}</td><td class="text">{_e(names.get(r.agency_id, r.agency_id))}</td>'
        f'<td class="text">{_e(r.field)}</td><td class="text">{_e(r.procedure_code)}</td><td>{_local(r.due)}</td>'
        f'<td>{_local(r.end) or "chưa xong"}</td><td class="text">{_e(r.officer)}</td></tr>' for r in rows)
    return ('<div class="scroll"><table><thead><tr><th class="text">Mã hồ sơ</th><th class="text">Xã, phường</th>'
            '<th class="text">Lĩnh vực</th><th class="text">Thủ tục</th><th>Hẹn trả</th><th>Kết thúc</th>'
            f'<th class="text">Cán bộ tiếp nhận</th></tr></thead><tbody>{body}</tbody></table></div>')


def _ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return '<td class="bad">chưa đồng bộ</td>'
    minutes = int((now - _aware(moment)).total_seconds() // 60)
    when = f"{_aware(moment).astimezone(VN):%d/%m/%Y %H:%M}"
    if minutes < 60:
        return f"<td>{when} ({max(minutes, 0)} phút trước)</td>"
    css = ' class="bad"' if minutes > 24 * 60 else ""
    return f"<td{css}>{when} ({minutes // 60} giờ trước)</td>"


def _chain(desk: DeskHealth) -> str:
    if desk.chain_breaks:
        return f'<td class="text bad">gãy ({desk.chain_breaks}): {_e(desk.first_break)}</td>'
    if not desk.chain_last_seq:
        return '<td class="text muted">chưa có</td>'
    return f'<td class="text good">nguyên vẹn (đến thao tác {desk.chain_last_seq})</td>'


def _offset(desk: DeskHealth) -> str:
    if desk.clock_offset_ms is None:
        return '<td class="muted">—</td>'
    css = ' class="bad"' if desk.clock_suspect else ""
    return f"<td{css}>{desk.clock_offset_ms / 1000:+.0f} giây</td>"


def _count(value: int | None, bad_above: int) -> str:
    if value is None:
        return '<td class="muted">—</td>'
    css = ' class="bad"' if value > bad_above else ""
    return f"<td{css}>{value}</td>"


def _health_table(rows: list[DeskHealth], now: datetime) -> str:
    body = "".join(
        f'<tr><td class="text">{_e(d.commune)}</td><td>{d.workstation_no}</td><td class="text">{_e(d.name)}</td>'
        f"<td>{_e(d.app_version)}</td>{_ago(d.last_seen_at, now)}{_count(d.pending, 200)}{_count(d.rejected, 0)}"
        f"{_offset(d)}{_chain(d)}</tr>" for d in rows)
    return ('<div class="scroll"><table><thead><tr><th class="text">Xã, phường</th><th>Máy số</th>'
            '<th class="text">Tên máy</th><th>Phiên bản</th><th>Lần đồng bộ cuối</th><th>Chờ gửi</th>'
            '<th>Bị từ chối</th><th>Lệch đồng hồ</th><th class="text">Chuỗi nhật ký</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


# -- pages --------------------------------------------------------------------------------------


def _province_body(engine: Engine, period: Period, today: date) -> str:
    now = datetime.now(UTC)
    with engine.connect() as connection:
        names = commune_names(connection)
        reports = by_commune(connection, period)
        late = late_dossiers(connection, period)
        health = desks(connection)
    total = dict.fromkeys(II06A_COLUMNS, 0)
    for report in reports.values():
        for column in II06A_COLUMNS:
            total[column] += report.total[column]
    rows = [(f'<a href="{_e(_link(f"/tinh/xa/{agency}", period))}">{_e(names.get(agency, agency))}</a>', agency,
             reports[agency].total) for agency in sorted(reports, key=lambda a: names.get(a, a))]
    return (_period_nav("/tinh", period, today)
            + "<h2>Biểu II.06a — tình hình giải quyết thủ tục hành chính theo xã, phường</h2>"
            + '<p class="note">Đúng hạn gồm cả hồ sơ trả lại, rút; trong hạn gồm cả hồ sơ chờ bổ sung '
              "(Thông tư 01/2020/TT-VPCP). Chọn tên xã để xem theo lĩnh vực.</p>"
            + _ii06a_table("Xã, phường", rows, total)
            + f"<h2>Chỉ số đánh giá theo Quyết định 766/QĐ-TTg (phiên bản {_e(rules_766(period.last)['version'])})</h2>"
            + _indicator_table(names, reports, rules_766(period.last))
            + "<h2>Hồ sơ trễ hạn trong kỳ</h2>" + _late_table(names, late)
            + "<h2>Tình trạng đồng bộ của các máy trạm</h2>"
            + '<p class="note">Chờ gửi và bị từ chối là số máy trạm tự báo ở lần đồng bộ cuối; lệch đồng hồ '
              "quá 5 phút làm sai giờ hẹn trả và giờ lập biên lai.</p>" + _health_table(health, now))


def _commune_body(engine: Engine, agency: str, period: Period, today: date) -> str:
    with engine.connect() as connection:
        names = commune_names(connection)
        report = by_commune(connection, period).get(agency, Report())
    if agency not in names:
        raise HubError(404, "unknown_agency", "Không có xã, phường này trên hệ thống cấp trên.")
    rows = [(_e(field or "(chưa ghi lĩnh vực)"), field, cols) for field, cols in sorted(report.rows.items())]
    return (f'<p><a href="{_e(_link("/tinh", period))}">← Toàn tỉnh</a></p>'
            + _period_nav(f"/tinh/xa/{agency}", period, today)
            + f"<h2>Biểu II.06a — {_e(names[agency])} ({_e(agency)}), theo lĩnh vực</h2>"
            + _ii06a_table("Lĩnh vực", rows, report.total)
            + "<h2>Chỉ số đánh giá theo Quyết định 766/QĐ-TTg</h2>"
            + _indicator_table(names, {agency: report}, rules_766(period.last)))


def province_router(engine: Engine, today: Callable[[], date] | None = None) -> APIRouter:
    """`today`: a function giving the local date (tests fix it); the hub's clock otherwise."""
    router = APIRouter(prefix="/tinh", include_in_schema=False)
    logins = SharedRateLimit(engine, "login", LOGINS_PER_MINUTE)  # one count for all the hub's workers
    local_today = today or (lambda: datetime.now(VN).date())

    def page(request: Request, body: Any) -> Response:
        session = _session(engine, request)
        if session is None:
            return RedirectResponse("/tinh/dang-nhap", status_code=303)
        try:
            content = body(_period(dict(request.query_params), local_today()))
        except HubError as error:
            content = f'<p class="note bad" role="alert">{_e(error.message)}</p>'
            return _html(PAGE.substitute(title=TITLE, who=_e(session.admin), csrf=_e(session.csrf), body=content),
                         error.status)
        return _html(PAGE.substitute(title=TITLE, who=f"Đăng nhập: {_e(session.admin)}", csrf=_e(session.csrf),
                                     body=content))

    @router.get("", response_class=HTMLResponse)
    def province(request: Request) -> Response:
        return page(request, lambda period: _province_body(engine, period, local_today()))

    @router.get("/xa/{agency}", response_class=HTMLResponse)
    def commune(request: Request, agency: str) -> Response:
        return page(request, lambda period: _commune_body(engine, agency[:20], period, local_today()))

    @router.get("/dang-nhap", response_class=HTMLResponse)
    def login_form() -> Response:
        return _login_page()

    @router.post("/dang-nhap", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        address = request.client.host if request.client else "?"
        if not logins.allow(address):
            return _login_page(TOO_MANY, 429)
        token = _form(await request.body()).get("ma", "").strip()
        try:
            admin = check_admin(engine, token) if 0 < len(token) <= 200 else None
        except HubError:
            admin = None
        if admin is None:
            return _login_page(WRONG_TOKEN, 403)
        response = RedirectResponse("/tinh", status_code=303)
        response.set_cookie(COOKIE, _open_session(engine, admin), max_age=SESSION_HOURS * 3600, path="/tinh",
                            httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    @router.post("/dang-xuat")
    async def logout(request: Request) -> Response:
        session = _session(engine, request)
        form = _form(await request.body())
        if session is not None and not secrets.compare_digest(form.get("csrf", "").encode(), session.csrf.encode()):
            return _login_page("Yêu cầu đăng xuất không hợp lệ; hãy dùng nút Đăng xuất trên trang.", 403)
        if session is not None:
            with engine.begin() as connection:
                connection.execute(delete(AdminSession).where(
                    AdminSession.token_hash == digest(request.cookies.get(COOKIE, ""))))
        response = RedirectResponse("/tinh/dang-nhap", status_code=303)
        response.delete_cookie(COOKIE, path="/tinh")
        return response

    return router
