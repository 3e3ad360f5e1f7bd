"""Google Drive (API v3): a full listing (the whole drive, or the chosen folders and their
subfolders), then the changes feed from the start page token taken before the listing began,
so nothing changed during the listing is missed. Google Docs and Sheets arrive as docx and xlsx.
https://developers.google.com/drive/api/reference/rest/v3"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from enterprise.connectors.base import Change, ChangePage, OAuthEndpoints, RemoteFile
from enterprise.connectors.http import SourceSession
from enterprise.connectors.models import ConnectorKind
from enterprise.connectors.transfer import save_stream
from shared.settings import Settings
from shared.uploads import SpooledFile

FOLDER = "application/vnd.google-apps.folder"
# Google's own formats have no bytes of their own: they are exported.
EXPORTS = {
    "application/vnd.google-apps.document": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "application/vnd.google-apps.spreadsheet": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
FILE_FIELDS = "id,name,mimeType,md5Checksum,version,modifiedTime,size,parents,owners(emailAddress),webViewLink,trashed"
PAGE_SIZE = 1000
SCOPE = "https://www.googleapis.com/auth/drive.readonly"


def oauth_endpoints(settings: Settings) -> OAuthEndpoints:
    return OAuthEndpoints(
        authorize_url=f"{settings.google_accounts_url.rstrip('/')}/o/oauth2/v2/auth",
        token_url=settings.google_oauth_token_url,
        scope=SCOPE,
        client_id=settings.google_drive_client_id or "",
        client_secret=settings.google_drive_client_secret,
        # A refresh token is issued only for offline access, and again only on a forced consent.
        extra={"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"},
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


class GoogleDrive:
    kind = ConnectorKind.GOOGLE_DRIVE

    def __init__(self, session: SourceSession, settings: Settings) -> None:
        self._session = session
        self._api = f"{settings.google_api_url.rstrip('/')}/drive/v3"

    def _get(self, path: str, **params: Any) -> Any:
        return self._session.json("GET", f"{self._api}{path}", params=params)

    def changes(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        if cursor.get("phase") != "changes":
            return self._list(cursor, scope)
        return self._changes(cursor, scope)

    # ---- the full listing ------------------------------------------------------------------

    def _list(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        if not cursor:
            start = self._get("/changes/startPageToken", supportsAllDrives="true")["startPageToken"]
            cursor = {"phase": "list", "start_page_token": start, "queue": list(scope), "folders": list(scope)}
        queue: list[str] = list(cursor.get("queue", []))
        folders: list[str] = list(cursor.get("folders", []))
        query = "trashed = false"
        if scope:
            if not queue:
                return self._listed(cursor, [])
            query = f"'{queue[0]}' in parents and trashed = false"
        params: dict[str, Any] = {
            "q": query,
            "pageSize": PAGE_SIZE,
            "fields": f"nextPageToken,files({FILE_FIELDS})",
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
        }
        if cursor.get("page_token"):
            params["pageToken"] = cursor["page_token"]
        page = self._get("/files", **params)
        changes: list[Change] = []
        for entry in page.get("files", []):
            if entry.get("mimeType") == FOLDER:
                if scope and entry["id"] not in folders:
                    folders.append(entry["id"])
                    queue.append(entry["id"])
                continue
            changes.append(Change(entry["id"], self._file(entry)))
        next_cursor = {**cursor, "queue": queue, "folders": folders, "page_token": page.get("nextPageToken")}
        if page.get("nextPageToken"):
            return ChangePage(changes, next_cursor, done=False)
        if scope:
            next_cursor["queue"] = queue[1:]
            next_cursor["page_token"] = None
            if next_cursor["queue"]:
                return ChangePage(changes, next_cursor, done=False)
        return self._listed(next_cursor, changes)

    def _listed(self, cursor: dict[str, Any], changes: list[Change]) -> ChangePage:
        after = {"phase": "changes", "page_token": cursor["start_page_token"], "folders": cursor.get("folders", [])}
        return ChangePage(changes, after, done=False, full_listing_done=True)

    # ---- the changes feed ------------------------------------------------------------------

    def _changes(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        page = self._get(
            "/changes",
            pageToken=cursor["page_token"],
            pageSize=PAGE_SIZE,
            fields=f"nextPageToken,newStartPageToken,changes(fileId,removed,file({FILE_FIELDS}))",
            supportsAllDrives="true",
            includeItemsFromAllDrives="true",
        )
        folders: list[str] = list(cursor.get("folders", []))
        changes: list[Change] = []
        for change in page.get("changes", []):
            entry = change.get("file") or {}
            file_id = change.get("fileId") or entry.get("id")
            if not file_id:
                continue
            gone = change.get("removed") or entry.get("trashed")
            if entry.get("mimeType") == FOLDER:
                if scope and not gone and set(entry.get("parents", [])) & set(folders) and file_id not in folders:
                    folders.append(file_id)
                continue
            in_scope = not scope or bool(set(entry.get("parents", [])) & set(folders))
            changes.append(Change(file_id, None if gone or not in_scope else self._file(entry)))
        if page.get("nextPageToken"):
            return ChangePage(changes, {**cursor, "page_token": page["nextPageToken"], "folders": folders}, done=False)
        return ChangePage(changes, {**cursor, "page_token": page["newStartPageToken"], "folders": folders}, done=True)

    def _file(self, entry: dict[str, Any]) -> RemoteFile:
        export = EXPORTS.get(str(entry.get("mimeType", "")))
        owners = entry.get("owners") or []
        return RemoteFile(
            external_id=str(entry["id"]),
            name=str(entry.get("name", entry["id"])),
            path=str(entry.get("name", "")),
            version=str(entry.get("md5Checksum") or entry.get("version") or entry.get("modifiedTime") or ""),
            size=int(entry["size"]) if entry.get("size") is not None else None,
            modified_at=_time(entry.get("modifiedTime")),
            owner=owners[0].get("emailAddress") if owners else None,
            link=entry.get("webViewLink"),
            export_format=export[0] if export else None,
        )

    def download(self, file: RemoteFile, directory: Path, max_bytes: int) -> SpooledFile:
        if file.export_format:
            mime = next(m for fmt, m in EXPORTS.values() if fmt == file.export_format)
            url, params = f"{self._api}/files/{file.external_id}/export", {"mimeType": mime}
        else:
            url, params = f"{self._api}/files/{file.external_id}", {"alt": "media", "supportsAllDrives": "true"}
        with self._session.stream("GET", url, params=params) as response:
            return save_stream(response, directory, max_bytes)
