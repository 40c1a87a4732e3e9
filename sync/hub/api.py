"""The hub's HTTP API (FastAPI). Each token sees and changes only its own commune's data.

No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at run time,
and a dependency defined inside create_app cannot be resolved from a string.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, select

from app.core.errors import DeskError, NotFoundError, TransitionError
from sync.hub.admin import HubError, allotments_for, device_for_token, enroll
from sync.hub.admin_api import admin_router
from sync.hub.apply import apply_batch
from sync.hub.blobs import BlobStore
from sync.hub.models import Change
from sync.protocol import (
    MAX_BYTES,
    MAX_OPS,
    PULL_LIMIT,
    SCHEMA,
    UPDATE_APP,
    EnrollRequest,
    EnrollResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.protocol import Change as WireChange


def server_time() -> str:
    return datetime.now(UTC).isoformat()


def create_app(engine: Engine, blob_folder: Path | None = None) -> FastAPI:
    app = FastAPI(title="Hệ thống cấp trên — máy chủ đồng bộ Một cửa", version=str(SCHEMA))
    blobs = BlobStore(blob_folder or Path("hub-blobs"))

    @app.exception_handler(DeskError)
    def _problem(_request: Request, error: DeskError) -> JSONResponse:
        """Refusals carry a stable code and a Vietnamese message; the status says what kind."""
        status = error.status if isinstance(error, HubError) else 404 if isinstance(error, NotFoundError) else \
            409 if isinstance(error, TransitionError) else 400
        return JSONResponse({"code": error.code, "message": error.message, "server_time": server_time()},
                            status_code=status)

    def device(authorization: Annotated[str, Header()] = "") -> Any:
        if not authorization.startswith("Bearer "):
            raise HubError(401, "no_token", "Máy trạm chưa đăng ký với hệ thống cấp trên.")
        return device_for_token(engine, authorization.removeprefix("Bearer ").strip())

    def check_schema(version: int) -> None:
        if version != SCHEMA:
            raise HubError(426, "upgrade_required", UPDATE_APP)

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        with engine.connect() as connection:
            connection.execute(select(1))
        return {"status": "ok", "schema": SCHEMA, "server_time": server_time()}

    @app.post("/api/v1/devices/enroll", response_model=EnrollResponse, response_model_by_alias=True)
    def enroll_device(body: EnrollRequest) -> EnrollResponse:
        check_schema(body.schema_version)
        got = enroll(engine, body.code, body.device_name, body.app_version)
        return EnrollResponse(server_time=server_time(), device_id=got.device_id, token=got.token,
                              agency_id=got.agency_id, commune_name=got.commune_name,
                              workstation_no=got.workstation_no,
                              series=allotments_for(engine, got.agency_id, got.workstation_no))

    @app.post("/api/v1/sync/push", response_model=PushResponse, response_model_by_alias=True)
    async def push(request: Request, me: Annotated[Any, Depends(device)]) -> Any:
        raw = await request.body()
        if len(raw) > MAX_BYTES:
            raise HubError(413, "too_large", "Gói dữ liệu quá lớn; máy trạm sẽ chia nhỏ rồi gửi lại.")
        body = PushRequest.model_validate_json(raw)
        check_schema(body.schema_version)
        if len(body.ops) > MAX_OPS:
            raise HubError(413, "too_many", "Quá nhiều thao tác trong một lần gửi; máy trạm sẽ chia nhỏ.")
        from starlette.concurrency import run_in_threadpool

        results = await run_in_threadpool(lambda: apply_batch(engine, body.ops, me))
        return PushResponse(server_time=server_time(), results=results)

    @app.get("/api/v1/sync/pull", response_model=PullResponse, response_model_by_alias=True)
    def pull(me: Annotated[Any, Depends(device)], since: int = 0, schema: int = SCHEMA,
             limit: Annotated[int, Query(ge=1, le=PULL_LIMIT)] = PULL_LIMIT) -> PullResponse:
        check_schema(schema)
        with engine.connect() as connection:
            rows = connection.execute(select(Change).where(Change.agency_id == me.agency_id, Change.seq > since)
                                      .order_by(Change.seq).limit(limit)).all()
        changes = [WireChange(seq=r.seq, entity=r.entity, entity_id=r.entity_id, kind=r.kind, payload=r.payload,
                              origin_device=r.origin_device) for r in rows if r.origin_device != me.id]
        cursor = rows[-1].seq if rows else since
        return PullResponse(server_time=server_time(), changes=changes, next_cursor=cursor, more=len(rows) == limit)

    @app.head("/api/v1/blobs/{sha}")
    def blob_state(sha: str, me: Annotated[Any, Depends(device)]) -> Response:
        complete, held = blobs.state(sha)
        return Response(status_code=200 if complete else 404, headers={"Upload-Offset": str(held)})

    @app.put("/api/v1/blobs/{sha}")
    async def blob_chunk(sha: str, request: Request, me: Annotated[Any, Depends(device)],
                         upload_offset: Annotated[int, Header()] = 0,
                         upload_complete: Annotated[int, Header()] = 0) -> dict[str, Any]:
        chunk = await request.body()
        complete, held = blobs.append(sha, upload_offset, chunk, bool(upload_complete))
        return {"complete": complete, "offset": held, "server_time": server_time()}

    app.include_router(admin_router(engine))
    return app
