"""Fake Google Drive, Dropbox and Salesforce servers on 127.0.0.1, speaking the subset of each
documented HTTP API the connectors use, with their OAuth 2.0 endpoints (authorization code with
PKCE S256, refresh). Tests change the files, expire the tokens and queue failures
(`fail(path, status, …)`), then watch what the connector asked (`requests`).

Google Drive v3: /drive/v3/changes/startPageToken, /drive/v3/files, /drive/v3/changes,
/drive/v3/files/{id}?alt=media, /drive/v3/files/{id}/export; Dropbox v2: /2/files/list_folder,
/2/files/list_folder/continue, /2/files/download; Salesforce REST v60.0: /query (SOQL over
ContentVersion), /sobjects/ContentDocument/deleted/, /sobjects/ContentVersion/{id}/VersionData."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.servers import app_on_thread


@dataclass
class Fault:
    path: str
    status: int
    times: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str


class FakeSource:
    """OAuth, faults and the request log every fake shares."""

    def __init__(self, client_id: str, client_secret: str | None, expires_in: int | None = 3600) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.url = ""
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.refreshes = 0
        self.faults: list[Fault] = []
        self.requests: list[tuple[float, str, str, int]] = []
        self.download_delay = 0.0
        self.lock = threading.RLock()
        # Expire every access token once this many more requests have been answered (mid-sync).
        self.expire_in_requests: int | None = None

    # ---- what tests do --------------------------------------------------------------------

    def fail(
        self, path: str, status: int, times: int = 1, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        with self.lock:
            self.faults.append(Fault(path, status, times, headers or {}, body or b'{"error": "fault"}'))

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def hits(self, path: str) -> list[tuple[float, str, str, int]]:
        return [r for r in self.requests if r[2].startswith(path)]

    # ---- OAuth ----------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "error_description": "PKCE required"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(query["client_id"], query["redirect_uri"], query["code_challenge"])
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}")

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != self.client_id:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if self.client_secret is not None and form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or grant.redirect_uri != form.get("redirect_uri") or grant.challenge != challenge:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            refresh = secrets.token_urlsafe(16)
            self.refresh_tokens.add(refresh)
            return JSONResponse(self._issue(refresh))
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            self.refreshes += 1
            return JSONResponse(self._issue(None))
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

    def _issue(self, refresh: str | None) -> dict[str, Any]:
        access = secrets.token_urlsafe(16)
        lifetime = self.expires_in or 7200
        self.access_tokens[access] = time.monotonic() + lifetime
        body: dict[str, Any] = {"access_token": access, "token_type": "bearer", **self.token_extra()}
        if self.expires_in:
            body["expires_in"] = self.expires_in
        if refresh:
            body["refresh_token"] = refresh
        return body

    def token_extra(self) -> dict[str, Any]:
        return {}

    def expired_answer(self) -> Response:
        return JSONResponse({"error": "invalid_token"}, status_code=401)

    # ---- every API request passes here ----------------------------------------------------

    def gate(self, request: Request) -> Response | None:
        """A queued fault, or 401 for a missing or expired token; None to answer normally."""
        path = request.url.path
        with self.lock:
            fault = next((f for f in self.faults if path.startswith(f.path) and f.times > 0), None)
            if fault is not None:
                fault.times -= 1
                self.requests.append((time.monotonic(), request.method, path, fault.status))
                return Response(
                    fault.body, status_code=fault.status, headers=fault.headers, media_type="application/json"
                )
            if self.expire_in_requests is not None:
                self.expire_in_requests -= 1
                if self.expire_in_requests < 0:
                    self.expire_in_requests = None
                    self.expire_tokens()
            token = request.headers.get("authorization", "").removeprefix("Bearer ")
            expiry = self.access_tokens.get(token)
            ok = expiry is not None and expiry > time.monotonic()
            self.requests.append((time.monotonic(), request.method, path, 200 if ok else 401))
        return None if ok else self.expired_answer()


# ---- Google Drive -----------------------------------------------------------------------------

DOCS = "application/vnd.google-apps.document"


@dataclass
class DriveFile:
    id: str
    name: str
    mime: str
    parents: list[str]
    content: bytes
    modified: datetime
    account: str = "main"
    trashed: bool = False
    # A size to report instead of the content's (a file too large to make in a test).
    reported_size: int | None = None

    def resource(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime,
            "parents": self.parents,
            "modifiedTime": self.modified.isoformat().replace("+00:00", "Z"),
            "owners": [{"emailAddress": "owner@example.com"}],
            "webViewLink": f"https://drive.google.com/file/d/{self.id}/view",
            "trashed": self.trashed,
        }
        if not self.mime.startswith("application/vnd.google-apps"):
            body["md5Checksum"] = hashlib.md5(self.content).hexdigest()  # noqa: S324 (Drive's own checksum)
            body["size"] = str(self.reported_size or len(self.content))
        else:
            body["version"] = str(int(self.modified.timestamp() * 1000))
        return body


class FakeDrive(FakeSource):
    def __init__(self) -> None:
        super().__init__("drive-client", "drive-secret")
        self.files: dict[str, DriveFile] = {}
        self.changes: list[tuple[str, bool]] = []  # (file id, removed)
        self.ids = itertools.count(1)
        self.page_size = 1000
        # The account a consent grants (tests switch it to connect a second account).
        self.account = "main"
        self.token_accounts: dict[str, str] = {}
        self.refresh_accounts: dict[str, str] = {}

    def expired_answer(self) -> Response:
        return JSONResponse(
            {
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "status": "UNAUTHENTICATED",
                }
            },
            status_code=401,
        )

    def _log(self, file_id: str, removed: bool = False) -> None:
        self.changes.append((file_id, removed))

    def _issue(self, refresh: str | None) -> dict[str, Any]:
        body = super()._issue(refresh)
        if refresh:
            self.refresh_accounts[refresh] = self.account
        return body

    async def token(self, request: Request) -> Response:
        form = await request.form()
        answer = await super().token(request)
        if answer.status_code == 200:
            issued = json.loads(bytes(answer.body))
            grant = str(form.get("refresh_token") or issued.get("refresh_token"))
            self.token_accounts[issued["access_token"]] = self.refresh_accounts.get(grant, self.account)
        return answer

    def account_of(self, request: Request) -> str:
        return self.token_accounts.get(request.headers.get("authorization", "").removeprefix("Bearer "), "")

    def add(
        self,
        name: str,
        content: bytes,
        parents: list[str] | None = None,
        mime: str = "application/octet-stream",
        account: str = "main",
        reported_size: int | None = None,
    ) -> str:
        with self.lock:
            file = DriveFile(
                f"f{next(self.ids)}",
                name,
                mime,
                parents or ["root"],
                content,
                datetime.now(UTC),
                account,
                reported_size=reported_size,
            )
            self.files[file.id] = file
            self._log(file.id)
            return file.id

    def add_folder(self, name: str, parent: str = "root", account: str = "main") -> str:
        return self.add(name, b"", [parent], "application/vnd.google-apps.folder", account)

    def update(self, file_id: str, content: bytes) -> None:
        with self.lock:
            self.files[file_id].content = content
            self.files[file_id].modified = datetime.now(UTC)
            self._log(file_id)

    def rename(self, file_id: str, name: str) -> None:
        with self.lock:
            self.files[file_id].name = name
            self._log(file_id)

    def trash(self, file_id: str) -> None:
        with self.lock:
            self.files[file_id].trashed = True
            self._log(file_id)

    def unshare(self, file_id: str) -> None:
        """The file stays in its owner's drive but this account can no longer see it."""
        with self.lock:
            del self.files[file_id]
            self._log(file_id, removed=True)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/o/oauth2/v2/auth", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/drive/v3/changes/startPageToken", self.start_token),
                Route("/drive/v3/changes", self.list_changes),
                Route("/drive/v3/files", self.list_files),
                Route("/drive/v3/files/{file_id}/export", self.export),
                Route("/drive/v3/files/{file_id}", self.get_file),
            ]
        )

    def start_token(self, request: Request) -> Response:
        return self.gate(request) or JSONResponse({"startPageToken": str(len(self.changes) + 1)})

    def list_files(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        query = request.query_params.get("q", "")
        parent = re.match(r"'([^']+)' in parents", query)
        account = self.account_of(request)
        with self.lock:
            found = [
                f
                for f in self.files.values()
                if f.account == account and not f.trashed and (parent is None or parent.group(1) in f.parents)
            ]
        start = int(request.query_params.get("pageToken") or 0)
        size = min(int(request.query_params.get("pageSize", 100)), self.page_size)
        body: dict[str, Any] = {"files": [f.resource() for f in found[start : start + size]]}
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return JSONResponse(body)

    def list_changes(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        start = int(request.query_params["pageToken"])
        size = min(int(request.query_params.get("pageSize", 100)), self.page_size)
        account = self.account_of(request)
        with self.lock:
            window = self.changes[start - 1 : start - 1 + size]
            entries = []
            for file_id, removed in window:
                file = self.files.get(file_id)
                if file is not None and file.account != account:
                    continue
                entry: dict[str, Any] = {"fileId": file_id, "removed": removed or file is None}
                if file is not None and not removed:
                    entry["file"] = file.resource()
                entries.append(entry)
            body: dict[str, Any] = {"changes": entries}
            if start - 1 + size < len(self.changes):
                body["nextPageToken"] = str(start + size)
            else:
                body["newStartPageToken"] = str(len(self.changes) + 1)
        return JSONResponse(body)

    def _content(self, request: Request) -> Response:
        file = self.files.get(request.path_params["file_id"])
        if file is None or file.account != self.account_of(request):
            return JSONResponse({"error": {"code": 404, "message": "File not found"}}, status_code=404)
        if self.download_delay:
            time.sleep(self.download_delay)
        return Response(file.content, media_type="application/octet-stream")

    def get_file(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        if request.query_params.get("alt") != "media":
            file = self.files.get(request.path_params["file_id"])
            return JSONResponse(file.resource()) if file else JSONResponse({}, status_code=404)
        return self._content(request)

    def export(self, request: Request) -> Response:
        return self.gate(request) or self._content(request)


# ---- Dropbox ----------------------------------------------------------------------------------


class FakeDropbox(FakeSource):
    def __init__(self) -> None:
        super().__init__("dropbox-app", None, expires_in=14400)
        self.files: dict[str, dict[str, Any]] = {}  # id → entry + content
        self.log: list[tuple[str, dict[str, Any]]] = []  # (path_lower, entry) in order
        self.ids = itertools.count(1)
        # Cursors of an older epoch are refused with 409 `reset`, as Dropbox does after it resets.
        self.epoch = 0

    def expired_answer(self) -> Response:
        return JSONResponse(
            {"error_summary": "expired_access_token/..", "error": {".tag": "expired_access_token"}}, status_code=401
        )

    def _entry(self, file: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in file.items() if k != "content"}

    def put(self, path: str, content: bytes) -> str:
        with self.lock:
            existing = next((f for f in self.files.values() if f["path_lower"] == path.lower()), None)
            file_id = existing["id"] if existing else f"id:dbx{next(self.ids)}"
            file = {
                ".tag": "file",
                "id": file_id,
                "name": path.rsplit("/", 1)[-1],
                "path_lower": path.lower(),
                "path_display": path,
                "rev": secrets.token_hex(6),
                "size": len(content),
                "content_hash": hashlib.sha256(content).hexdigest(),
                "server_modified": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "content": content,
            }
            self.files[file_id] = file
            self.log.append((path.lower(), self._entry(file)))
            return file_id

    def delete(self, path: str) -> None:
        with self.lock:
            gone = [
                i
                for i, f in self.files.items()
                if f["path_lower"] == path.lower() or f["path_lower"].startswith(f"{path.lower()}/")
            ]
            for file_id in gone:
                del self.files[file_id]
            entry = {
                ".tag": "deleted",
                "name": path.rsplit("/", 1)[-1],
                "path_lower": path.lower(),
                "path_display": path,
            }
            self.log.append((path.lower(), entry))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth2/authorize", self.authorize),
                Route("/oauth2/token", self.token, methods=["POST"]),
                Route("/2/files/list_folder", self.list_folder, methods=["POST"]),
                Route("/2/files/list_folder/continue", self.list_continue, methods=["POST"]),
                Route("/2/files/download", self.download, methods=["POST"]),
            ]
        )

    @staticmethod
    def _under(path_lower: str, root: str) -> bool:
        return root == "" or path_lower == root or path_lower.startswith(f"{root}/")

    async def list_folder(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        body = await request.json()
        root = str(body.get("path", "")).lower()
        with self.lock:
            entries = [self._entry(f) for f in self.files.values() if self._under(f["path_lower"], root)]
            cursor = base64.b64encode(
                json.dumps({"path": root, "seq": len(self.log), "epoch": self.epoch}).encode()
            ).decode()
        return JSONResponse({"entries": entries, "cursor": cursor, "has_more": False})

    async def list_continue(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        body = await request.json()
        try:
            position = json.loads(base64.b64decode(body["cursor"]))
            if position.get("epoch") != self.epoch:
                raise ValueError("a cursor from before the reset")
        except (ValueError, KeyError):
            return JSONResponse({"error_summary": "reset/..", "error": {".tag": "reset"}}, status_code=409)
        with self.lock:
            entries = [e for p, e in self.log[position["seq"] :] if self._under(p, position["path"])]
            cursor = base64.b64encode(
                json.dumps({"path": position["path"], "seq": len(self.log), "epoch": self.epoch}).encode()
            ).decode()
        return JSONResponse({"entries": entries, "cursor": cursor, "has_more": False})

    async def download(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        argument = json.loads(request.headers.get("dropbox-api-arg", "{}"))
        file = self.files.get(str(argument.get("path")))
        if file is None:
            return JSONResponse({"error_summary": "path/not_found/.."}, status_code=409)
        return Response(file["content"], headers={"Dropbox-API-Result": json.dumps(self._entry(file))})


# ---- Salesforce -------------------------------------------------------------------------------


class FakeSalesforce(FakeSource):
    def __init__(self) -> None:
        # Salesforce's token answer has no expires_in: the session is refreshed on a 401.
        super().__init__("sf-client", None, expires_in=None)
        self.versions: dict[str, dict[str, Any]] = {}  # ContentDocumentId → latest version
        self.deleted: list[tuple[str, datetime]] = []
        self.ids = itertools.count(1)
        self.clock = datetime(2026, 11, 1, tzinfo=UTC)
        self.page_size = 2000
        self.pages: dict[str, list[dict[str, Any]]] = {}

    def token_extra(self) -> dict[str, Any]:
        return {"instance_url": self.url, "id": f"{self.url}/id/00D/005", "issued_at": str(int(time.time() * 1000))}

    def expired_answer(self) -> Response:
        return JSONResponse(
            [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}], status_code=401
        )

    def _tick(self) -> str:
        self.clock += timedelta(seconds=1)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def put(
        self,
        title: str,
        extension: str,
        content: bytes,
        library: str = "058000000000001AAA",
        document_id: str | None = None,
    ) -> str:
        with self.lock:
            document_id = document_id or f"069{next(self.ids):012d}AAA"
            self.versions[document_id] = {
                "Id": f"068{next(self.ids):012d}AAA",
                "ContentDocumentId": document_id,
                "Title": title,
                "FileExtension": extension,
                "ContentSize": len(content),
                "Checksum": hashlib.md5(content).hexdigest(),  # noqa: S324 (Salesforce's own checksum)
                "SystemModstamp": self._tick(),
                "Owner": {"attributes": {"type": "User"}, "Email": "sales@example.com"},
                "FirstPublishLocationId": library,
                "content": content,
            }
            return document_id

    def delete(self, document_id: str) -> None:
        with self.lock:
            del self.versions[document_id]
            self.deleted.append((document_id, datetime.now(UTC)))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/services/oauth2/authorize", self.authorize),
                Route("/services/oauth2/token", self.token, methods=["POST"]),
                Route("/services/data/v60.0/query", self.query),
                Route("/services/data/v60.0/query/{page}", self.query_more),
                Route("/services/data/v60.0/sobjects/ContentDocument/deleted/", self.deleted_records),
                Route("/services/data/v60.0/sobjects/ContentVersion/{version}/VersionData", self.version_data),
            ]
        )

    def _record(self, version: dict[str, Any]) -> dict[str, Any]:
        return {
            "attributes": {"type": "ContentVersion"},
            **{k: v for k, v in version.items() if k not in {"content", "FirstPublishLocationId"}},
        }

    def _answer(self, records: list[dict[str, Any]]) -> Response:
        body: dict[str, Any] = {"totalSize": len(records), "done": True, "records": records[: self.page_size]}
        if len(records) > self.page_size:
            page = secrets.token_hex(6)
            self.pages[page] = records[self.page_size :]
            body["done"] = False
            body["nextRecordsUrl"] = f"/services/data/v60.0/query/01g{page}"
        return JSONResponse(body)

    def query(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        soql = request.query_params["q"]
        if not re.match(r"SELECT .+ FROM ContentVersion WHERE IsLatest = true AND SystemModstamp >= \S+", soql):
            return JSONResponse([{"message": "unsupported query", "errorCode": "MALFORMED_QUERY"}], status_code=400)
        since = re.search(r"SystemModstamp >= (\S+)", soql).group(1)  # type: ignore[union-attr]
        libraries = re.search(r"FirstPublishLocationId IN \(([^)]*)\)", soql)
        allowed = set(re.findall(r"'([^']+)'", libraries.group(1))) if libraries else None

        def stamp(value: str) -> datetime:
            return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))

        with self.lock:
            records = [
                self._record(v)
                for v in sorted(self.versions.values(), key=lambda v: (v["SystemModstamp"], v["Id"]))
                if stamp(v["SystemModstamp"]) >= stamp(since)
                and (allowed is None or v["FirstPublishLocationId"] in allowed)
            ]
        return self._answer(records)

    def query_more(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        records = self.pages.pop(request.path_params["page"].removeprefix("01g"), None)
        if records is None:
            return JSONResponse(
                [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}], status_code=400
            )
        return self._answer(records)

    def deleted_records(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        start = datetime.fromisoformat(request.query_params["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(request.query_params["end"].replace("Z", "+00:00"))
        with self.lock:
            records = [
                {"id": i, "deletedDate": d.isoformat()}
                for i, d in self.deleted
                if start <= d <= end + timedelta(seconds=1)
            ]
        return JSONResponse(
            {
                "deletedRecords": records,
                "earliestDateAvailable": start.isoformat(),
                "latestDateCovered": request.query_params["end"],
            }
        )

    def version_data(self, request: Request) -> Response:
        if (refused := self.gate(request)) is not None:
            return refused
        with self.lock:
            version = next((v for v in self.versions.values() if v["Id"] == request.path_params["version"]), None)
        if version is None:
            return JSONResponse(
                [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], status_code=404
            )
        return Response(version["content"], media_type="application/octet-stream")


# ---- running one ------------------------------------------------------------------------------


@contextmanager
def serving(source: FakeSource, port: int) -> Iterator[FakeSource]:
    """The fake on 127.0.0.1:`port` until the block ends."""
    with app_on_thread(source.app(), port, lifespan="off", start_seconds=10) as url:  # type: ignore[attr-defined]
        source.url = url
        yield source
