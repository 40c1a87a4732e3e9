"""The desk's sync client (no Qt): push the outbox, then pull what others did.

Learned from the anchors (shared/anchors.md): a failed round always schedules its own retry; a
lost acknowledgement is harmless (the hub answers a replay with the stored result); big batches
are halved on 413; a rejected op holds back only its own dossier; online means the hub answered.
"""

from __future__ import annotations

import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from app.core.errors import DeskError
from app.core.permissions import Perm
from app.logs import report_unexpected
from app.services import attachments, sync_state
from app.services.desk import Desk
from app.sync.credentials import forget_token, load_token, save_token
from app.sync.pulled import apply_pulled
from sync.protocol import (
    DELIVERED,
    DEVICE_TIME_HEADER,
    MAX_BYTES,
    MAX_OPS,
    PENDING_HEADER,
    REJECTED_HEADER,
    SCHEMA,
    EnrollResponse,
    Outcome,
    PullResponse,
    PushResponse,
)

TIMEOUT = (5, 30)  # connect, read (seconds)
BLOB_CHUNK = 1024 * 1024
BASE_DELAY, MAX_DELAY = 2.0, 600.0
BUSY_STATUSES = (429, 503)  # the hub sheds load (sync/hub/admission.py): wait what Retry-After says
DEFAULT_RETRY_AFTER = 30.0
BUSY = "Máy chủ đang bận, thử lại sau {seconds} giây."
APP_VERSION = "0.1.0"

log = logging.getLogger(__name__)


class SyncStopped(DeskError):
    """The hub refused this workstation (revoked, unknown, outdated): retrying will not help."""

    code = "sync_stopped"


@dataclass(frozen=True)
class RoundResult:
    online: bool
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    problem: str = ""  # Vietnamese, for the status bar
    retry_in: float = 0.0  # seconds until the next automatic round after a failure
    clock_offset_s: float = 0.0
    stopped: bool = False


class Backoff:
    """Full jitter: a random wait up to 2 s, doubling each failure to 10 minutes; reset on success."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.failures = 0
        self.rng = rng or random.Random()

    def next_delay(self) -> float:
        ceiling = min(MAX_DELAY, BASE_DELAY * 2**self.failures)
        self.failures += 1
        return self.rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.failures = 0


def _offset(server_time: str) -> float:
    return (datetime.fromisoformat(server_time) - datetime.now(UTC)).total_seconds()


def retry_after(response: requests.Response) -> float:
    """Seconds the hub asked us to wait (Retry-After: seconds, or an HTTP date), within 1 s–10 min."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value) if value.replace(".", "", 1).isdigit() else \
            (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, IndexError):
        seconds = DEFAULT_RETRY_AFTER
    return min(MAX_DELAY, max(1.0, seconds))


def _problem(response: requests.Response) -> str:
    try:
        return response.json().get("message") or response.text
    except ValueError:
        return response.text[:200]


def enroll(desk: Desk, hub_url: str, code: str, device_name: str,
           session: requests.Session | None = None) -> EnrollResponse:
    """Enrolls this workstation with a one-time code from the hub's admin; the token goes to the keyring."""
    desk.require(Perm.ENROLL)
    load_token(hub_url, "probe")  # no keyring: say so before the one-time code is spent
    http = session or requests.Session()
    try:
        response = http.post(f"{hub_url.rstrip('/')}/api/v1/devices/enroll", timeout=TIMEOUT,
                             json={"schema": SCHEMA, "code": code, "device_name": device_name,
                                   "app_version": APP_VERSION})
    except requests.RequestException:
        raise DeskError("Không kết nối được tới hệ thống cấp trên. Hãy kiểm tra địa chỉ và đường truyền.") from None
    if response.status_code != 200:
        raise DeskError(_problem(response))
    got = EnrollResponse.model_validate(response.json())
    previous = desk.settings()
    if previous.device_id:  # enrolled anew: the old token must not linger in the credential store
        forget_token(previous.hub_url, previous.device_id)
    save_token(hub_url, got.device_id, got.token)
    sync_state.save_sync_state(desk, hub_url=hub_url.rstrip("/"), device_id=got.device_id, sync_cursor=0,
                               agency_id=got.agency_id, workstation_no=got.workstation_no)
    sync_state.accept_allotments(desk, [s.model_dump() for s in got.series])
    return got


class SyncClient:
    def __init__(self, desk: Desk, *, session: requests.Session | None = None, token: str | None = None) -> None:
        settings = desk.settings()
        if not settings.hub_url or not settings.device_id:
            raise DeskError("Máy trạm chưa đăng ký với hệ thống cấp trên.")
        self.desk, self.base = desk, settings.hub_url
        self.http = session or requests.Session()
        self.token = token or load_token(settings.hub_url, settings.device_id)
        if not self.token:
            raise DeskError("Không tìm thấy mã đồng bộ của máy trạm trong kho mật khẩu. Hãy đăng ký lại.")
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        self.backoff = Backoff()
        self.max_ops = MAX_OPS

    def _check(self, response: requests.Response) -> None:
        if response.status_code in (401, 403, 426):
            raise SyncStopped(_problem(response))
        if response.status_code in BUSY_STATUSES:
            raise RetryLater(retry_after(response))
        if response.status_code >= 500:
            raise requests.HTTPError(f"hub answered {response.status_code}")
        if response.status_code >= 400:
            raise HubRefused(_problem(response))

    def push(self) -> tuple[int, int, float]:
        """Returns (sent, rejected, clock offset); stops when a batch makes no progress."""
        sent = rejected = 0
        offset = 0.0
        while batch := sync_state.next_batch(self.desk, max_ops=self.max_ops, max_bytes=MAX_BYTES - 64 * 1024):
            body = {"schema": SCHEMA, "ops": [self._wire(op) for op in batch]}
            response = self.http.post(f"{self.base}/api/v1/sync/push", json=body, timeout=TIMEOUT)
            if response.status_code == 413 and self.max_ops > 1:
                self.max_ops = max(1, self.max_ops // 2)
                continue
            self._check(response)
            answer = PushResponse.model_validate(response.json())
            results = answer.results
            sync_state.record_results(self.desk, results)
            offset = _offset(answer.server_time)
            done = sum(r.status in DELIVERED for r in results)
            rejected += sum(r.status in (Outcome.REJECTED, Outcome.CONFLICT) for r in results)
            sent += done
            if not done:
                break
        return sent, rejected, offset

    @staticmethod
    def _wire(op: sync_state.PendingOp) -> dict[str, Any]:
        return {"op_id": op.op_id, "entity": op.entity, "entity_id": op.entity_id, "kind": op.kind,
                "payload": op.payload, "payload_sha256": op.payload_sha256, "actor": op.actor,
                "device_time": op.device_time.isoformat(), "device_seq": op.seq,
                "chain_prev": op.chain_prev, "chain_hash": op.chain_hash}

    def _health(self) -> dict[str, str]:
        """What this desk says of itself to the province's page (sync/protocol.py names the headers)."""
        waiting = sync_state.counts(self.desk)
        return {DEVICE_TIME_HEADER: self.desk.now().isoformat(), PENDING_HEADER: str(waiting["pending"]),
                REJECTED_HEADER: str(waiting["rejected"])}

    def _fetch(self, cursor: int, include_own: bool, health: dict[str, str]) -> PullResponse:
        params: dict[str, Any] = {"since": cursor, "schema": SCHEMA}
        if include_own:  # issue 9: a restored desk takes back its own changes too
            params["include_own"] = "true"
        response = self.http.get(f"{self.base}/api/v1/sync/pull", params=params, headers=health, timeout=TIMEOUT)
        self._check(response)
        # Not model_validate_json: on pages of tens of thousands of distinct ids its parser's memory kept
        # growing (+40 MB a 50,000-change sync, measured); json then validation stays flat.
        return PullResponse.model_validate(response.json())

    def pull(self) -> int:
        """Every page since the stored cursor, each applied with its cursor in one transaction. The
        next page is fetched (on a thread of its own) while this one is applied, so the hub's work
        and the desk's overlap on a first sync (issue 14); nothing fetched ahead is applied early."""
        applied = 0
        health = self._health()
        include_own = bool(self.desk.settings().restore_pending)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-ahead") as ahead:
            page = self._fetch(self.desk.settings().sync_cursor, include_own, health)
            while True:
                following = ahead.submit(self._fetch, page.next_cursor, include_own, health) if page.more else None
                # The validated fields as they are: no deep copy of every payload (a first sync pulls thousands).
                applied += apply_pulled(self.desk, [dict(c.__dict__) for c in page.changes], page.next_cursor)
                if following is None:
                    break
                page = following.result()
        if include_own:  # issue 9: the restored desk has everything back
            from app.services.backup import finish_restore

            finish_restore(self.desk)
        return applied

    def upload_attachments(self) -> int:
        """After the records: HEAD each scan, then PUT what the hub lacks from where it stopped.
        A failure here is reported, never allowed to hold back the records."""
        done = 0
        for item in attachments.to_upload(self.desk):
            if self._upload(item["sha256"]):
                attachments.mark_uploaded(self.desk, item["sha256"])
                done += 1
        return done

    def _upload(self, sha: str) -> bool:
        url = f"{self.base}/api/v1/blobs/{sha}"
        head = self.http.head(url, timeout=TIMEOUT)
        if head.status_code == 200:
            return True
        offset = int(head.headers.get("Upload-Offset", "0"))
        data = attachments.stored_path(self.desk, sha).read_bytes()
        while True:
            chunk = data[offset:offset + BLOB_CHUNK]
            last = offset + len(chunk) >= len(data)
            response = self.http.put(url, data=chunk, timeout=TIMEOUT,
                                     headers={"Upload-Offset": str(offset), "Upload-Complete": "1" if last else "0"})
            if response.status_code != 200:
                log.warning("scan %s refused by the hub at offset %d: HTTP %d", sha[:12], offset, response.status_code)
                return False
            offset = response.json()["offset"]
            if response.json()["complete"]:
                return True

    def round(self) -> RoundResult:
        """Push then pull, then scans. Never raises for network trouble: the result says when to retry."""
        try:
            sent, rejected, offset = self.push()
            pulled = self.pull()
        except SyncStopped as stop:
            return RoundResult(online=True, problem=stop.message, stopped=True)
        except RetryLater as later:  # what was pushed before the refusal is recorded: the next round goes on
            log.info("hub busy; next try in %.0f s", later.seconds)
            return RoundResult(online=True, problem=BUSY.format(seconds=round(later.seconds)), retry_in=later.seconds)
        except requests.RequestException as error:
            delay = self.backoff.next_delay()
            log.warning("sync round failed (%s); next try in %.0f s", type(error).__name__, delay, exc_info=True)
            return RoundResult(online=False, problem="Không kết nối được hệ thống cấp trên; sẽ tự thử lại.",
                               retry_in=delay)
        except HubRefused as refused:
            log.warning("hub refused a sync request: %s", refused.message)
            return RoundResult(online=True, problem=refused.message, retry_in=self.backoff.next_delay())
        except Exception as error:
            error_id = report_unexpected(error, "sync round")
            return RoundResult(online=True, retry_in=self.backoff.next_delay(),
                               problem=f"Lỗi không mong đợi khi đồng bộ (mã lỗi {error_id}); sẽ tự thử lại.")
        self.backoff.reset()
        try:
            self.upload_attachments()
        except (requests.RequestException, OSError, ValueError):
            # scans are retried on the next round; records already went through
            log.warning("scan upload failed; retried next round", exc_info=True)
        sync_state.save_sync_state(self.desk, sync_last_success=datetime.now(UTC).isoformat(),
                                   sync_clock_offset_s=round(offset, 1))
        return RoundResult(online=True, pushed=sent, rejected=rejected, pulled=pulled, clock_offset_s=offset)


class HubRefused(DeskError):
    """The hub answered a request with a refusal (4xx): said with its own message, not as offline."""

    code = "hub_refused"


class RetryLater(Exception):
    """The hub is busy (429, 503): not an error, and not offline; try again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds
