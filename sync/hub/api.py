"""The hub's HTTP API (FastAPI). Each token sees and changes only its own commune's data.

No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at run time,
and a dependency defined inside create_app cannot be resolved from a string.
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import pydantic
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app.core.errors import DeskError, NotFoundError, TransitionError
from sync.hub.admin import HubError, allotments_for, device_for_token, enroll
from sync.hub.admin_api import admin_router, check_text
from sync.hub.admission import Admission, Policy
from sync.hub.apply import apply_batch
from sync.hub.audit_chain import chain_head
from sync.hub.blobs import CHUNK_LIMIT, MAX_BLOB, SHA256, BlobStore
from sync.hub.health import record_pull
from sync.hub.limits import KIB, BodyLimit, Unexpected, limit
from sync.hub.pull import page_body, read_page
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

# Request size limits, checked while the body is read (sync/hub/limits.py); the first match applies.
SMALL = 64 * KIB
LIMITS = [
    limit("POST", r"/api/v1/devices/enroll$", SMALL),
    limit("", r"/api/v1/admin/", SMALL),
    limit("POST", r"/api/v1/sync/push$", MAX_BYTES),
    limit("PUT", r"/api/v1/blobs/", CHUNK_LIMIT),
]
OTHER = 16 * KIB  # every other route, known or not: none of them takes a body
MAX_CURSOR = 2**31 - 1  # Change.seq is a 32-bit INTEGER on PostgreSQL: a larger cursor cannot be bound

BAD_JSON = "Nội dung yêu cầu không đọc được: phải là một đối tượng JSON mã hóa UTF-8."
HTTP_PROBLEMS = {
    400: ("bad_request", BAD_JSON),
    404: ("not_found", "Không có địa chỉ này trên hệ thống cấp trên."),
    405: ("method_not_allowed", "Địa chỉ này không nhận phương thức yêu cầu đã gửi."),
}
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")
TOO_MANY = "Quá nhiều thao tác trong một lần gửi; máy trạm sẽ chia nhỏ."


def server_time() -> str:
    return datetime.now(UTC).isoformat()


def problem(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The body of every refusal: a stable code for programs, a Vietnamese message for people."""
    return JSONResponse({"code": code, "message": message, "server_time": server_time()}, status_code=status,
                        headers=headers)


def _places(errors: list[Any]) -> str:
    """Where the first errors are (body.ops[0].op_id), never what was sent: a message must not echo input."""
    places = []
    for error in errors[:5]:
        text = ""
        for part in error.get("loc", ()):
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += ("." if text else "") + (part if FIELD_NAME.match(str(part)) else "…")
        places.append(text or "toàn bộ nội dung")
    return ", ".join(dict.fromkeys(places))


def _invalid(errors: list[Any]) -> JSONResponse:
    if any(error.get("type") == "json_invalid" for error in errors):
        return problem(400, "bad_json", BAD_JSON)
    if any(error.get("type") == "too_long" and tuple(error.get("loc", ()))[-1:] == ("ops",) for error in errors):
        # Too many ops is a size matter: 413 tells the desk to halve its batch (app/sync/client.py).
        return problem(413, "too_many", TOO_MANY)
    return problem(422, "invalid_request", f"Yêu cầu không hợp lệ (thiếu trường hoặc sai kiểu dữ liệu) ở: "
                                           f"{_places(errors)}.")


def install_problems(app: FastAPI) -> None:
    """Every refusal, whatever raised it, is a 4xx problem; none echoes the request or a token."""

    @app.exception_handler(DeskError)
    def _problem(_request: Request, error: DeskError) -> JSONResponse:
        """Refusals carry a stable code and a Vietnamese message; the status says what kind."""
        status = error.status if isinstance(error, HubError) else 404 if isinstance(error, NotFoundError) else \
            409 if isinstance(error, TransitionError) else 400
        return problem(status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    def _request_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _invalid(list(error.errors()))

    @app.exception_handler(pydantic.ValidationError)
    def _model_invalid(_request: Request, error: pydantic.ValidationError) -> JSONResponse:
        return _invalid(error.errors(include_url=False, include_input=False))

    @app.exception_handler(UnicodeDecodeError)
    @app.exception_handler(json.JSONDecodeError)
    def _unreadable(_request: Request, _error: ValueError) -> JSONResponse:
        return problem(400, "bad_json", BAD_JSON)

    @app.exception_handler(HTTPException)
    def _http(_request: Request, error: HTTPException) -> Response:
        code, message = HTTP_PROBLEMS.get(error.status_code, (f"http_{error.status_code}",
                                                               "Yêu cầu không được chấp nhận."))
        return problem(error.status_code, code, message, headers=error.headers)

    @app.exception_handler(DataError)
    def _unstorable(_request: Request, _error: DataError) -> JSONResponse:
        # The database refused a value (too long for its column, out of range, a NUL character on
        # PostgreSQL): the request was at fault, and the error text, which quotes it, is not logged.
        return problem(422, "invalid_data", "Dữ liệu gửi lên vượt giới hạn lưu trữ (quá dài, quá lớn hoặc có "
                                            "ký tự không được phép).")


def json_body(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """An endpoint that parses its body itself still shows its shape in the OpenAPI (for the fuzzer)."""
    schema = model.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        return [inline(item) for item in node] if isinstance(node, list) else node

    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inline(schema)}}}}


BINARY_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
# The pattern is shown in the OpenAPI; the check itself is BlobStore's, so that a bad hash is a 400.
Sha = Annotated[str, PathParam(json_schema_extra={"pattern": SHA256.pattern})]


class ProblemBody(pydantic.BaseModel):
    """What every 4xx and 5xx answer carries (instead of FastAPI's own 422 body)."""

    code: str
    message: str
    server_time: str


PROBLEMS: dict[int | str, dict[str, Any]] = {"4XX": {"model": ProblemBody, "description": "Yêu cầu bị từ chối"}}


def create_app(engine: Engine, blob_folder: Path | None = None, admission: Policy | None = None) -> FastAPI:
    """`admission`: how many pushes and pulls this worker serves at once before it answers 503
    (sync/hub/admission.py); the default suits a worker of a province's hub."""
    app = FastAPI(title="Hệ thống cấp trên — máy chủ đồng bộ Một cửa", version=str(SCHEMA), responses=PROBLEMS)
    blobs = BlobStore(blob_folder or Path("hub-blobs"))
    install_problems(app)
    app.add_middleware(Admission, policy=admission)  # inside BodyLimit: a refused body is drained within its limit
    app.add_middleware(BodyLimit, limits=LIMITS, default=OTHER)
    app.add_middleware(Unexpected)  # added last, so outermost: it also sees BodyLimit's own errors

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
        name = check_text(body.device_name, "device_name", 120)
        got = enroll(engine, body.code, name, check_text(body.app_version, "app_version", 40))
        return EnrollResponse(server_time=server_time(), device_id=got.device_id, token=got.token,
                              agency_id=got.agency_id, commune_name=got.commune_name,
                              workstation_no=got.workstation_no,
                              series=allotments_for(engine, got.agency_id, got.workstation_no))

    @app.post("/api/v1/sync/push", response_model=PushResponse, response_model_by_alias=True,
              openapi_extra=json_body(PushRequest))
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
    def pull(request: Request, me: Annotated[Any, Depends(device)],
             since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0, schema: int = SCHEMA,
             limit: Annotated[int, Query(ge=1, le=PULL_LIMIT)] = PULL_LIMIT,
             include_own: bool = False) -> Response:
        """`include_own`: a desk restored from a backup takes back what it had sent itself (issue 9)."""
        check_schema(schema)
        record_pull(engine, me.id, request.headers)
        with engine.connect() as connection:
            page = read_page(connection, me.agency_id, me.id, since, limit, include_own)
        # Rendered by the database (sync/hub/pull.py); the declared model stays the contract.
        return Response(page_body(page, SCHEMA, server_time()), media_type="application/json")

    @app.get("/api/v1/sync/chain")
    def chain(me: Annotated[Any, Depends(device)]) -> dict[str, Any]:
        """The newest link of this workstation's audit chain the hub holds (issue 9)."""
        return {**chain_head(engine, me.id), "server_time": server_time()}

    # A blob belongs to the commune whose device sent it: another commune's token neither sees nor adds to it.
    @app.head("/api/v1/blobs/{sha}")
    def blob_state(sha: Sha, me: Annotated[Any, Depends(device)]) -> Response:
        complete, held = blobs.state(me.agency_id, sha)
        return Response(status_code=200 if complete else 404, headers={"Upload-Offset": str(held)})

    @app.put("/api/v1/blobs/{sha}", openapi_extra=BINARY_BODY)
    async def blob_chunk(sha: Sha, request: Request, me: Annotated[Any, Depends(device)],
                         upload_offset: Annotated[int, Header(ge=0, le=MAX_BLOB)] = 0,
                         upload_complete: Annotated[int, Header(ge=0, le=1)] = 0) -> dict[str, Any]:
        chunk = await request.body()
        complete, held = await run_in_threadpool(blobs.append, me.agency_id, sha, upload_offset, chunk,
                                                 bool(upload_complete))
        return {"complete": complete, "offset": held, "server_time": server_time()}

    app.include_router(admin_router(engine))
    from sync.hub.lookup import lookup_router  # the public e-receipt lookup page (issue 10)

    app.include_router(lookup_router(engine))
    from sync.hub.province import province_router  # the province's page behind an admin login (issue 13)

    app.include_router(province_router(engine))
    return app
