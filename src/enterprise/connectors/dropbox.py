"""Dropbox (API v2): `list_folder` (recursive) on each chosen path, then `list_folder/continue`
with its cursor. Deletions come by path, without an id: everything under a deleted path goes.
https://www.dropbox.com/developers/documentation/http/documentation"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from enterprise.connectors.base import (
    Change,
    ChangePage,
    CursorResetError,
    OAuthEndpoints,
    RemoteFile,
    SourceAnswerError,
)
from enterprise.connectors.http import SourceSession
from enterprise.connectors.models import ConnectorKind
from enterprise.connectors.transfer import save_stream
from shared.settings import Settings
from shared.uploads import SpooledFile

PAGE_LIMIT = 1000


def oauth_endpoints(settings: Settings) -> OAuthEndpoints:
    return OAuthEndpoints(
        authorize_url=f"{settings.dropbox_web_url.rstrip('/')}/oauth2/authorize",
        token_url=f"{settings.dropbox_api_url.rstrip('/')}/oauth2/token",
        scope="files.metadata.read files.content.read",
        client_id=settings.dropbox_app_key or "",
        # A public client: PKCE stands in for the app secret.
        client_secret=None,
        extra={"token_access_type": "offline"},
    )


def is_expired_token(response: httpx.Response) -> bool:
    """Dropbox says 401 with `expired_access_token` for a token to refresh; other 401s are revocations."""
    if response.status_code != 401:
        return False
    try:
        return "expired_access_token" in json.dumps(response.json())
    except ValueError:
        return False


def _path_key(path: str) -> str:
    """Dropbox's paths are case-insensitive; the root is the empty path."""
    cleaned = path.strip().rstrip("/").lower()
    return "" if cleaned in {"", "/"} else cleaned if cleaned.startswith("/") else f"/{cleaned}"


class Dropbox:
    kind = ConnectorKind.DROPBOX

    def __init__(self, session: SourceSession, settings: Settings) -> None:
        self._session = session
        self._api = f"{settings.dropbox_api_url.rstrip('/')}/2"
        self._content = f"{settings.dropbox_content_url.rstrip('/')}/2"
        self._web = settings.dropbox_web_url.rstrip("/")

    def changes(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        """Each chosen path in turn: its listing to the end, then its changes since its cursor."""
        paths = [_path_key(p) for p in scope] or [""]
        state: dict[str, Any] = {p: (cursor.get("paths") or {}).get(p, {}) for p in paths}
        turn = int(cursor.get("turn", 0)) % len(paths)
        path, entry = paths[turn], state[paths[turn]]
        if entry.get("cursor"):
            page = self._continue(str(entry["cursor"]))
        else:
            body = {"path": path, "recursive": True, "include_deleted": False, "limit": PAGE_LIMIT}
            page = self._session.json("POST", f"{self._api}/files/list_folder", json=body)
        changes = [c for c in (self._change(e) for e in page.get("entries", [])) if c is not None]
        was_listed = all(s.get("listed") for s in state.values())
        state[path] = {"cursor": page["cursor"], "listed": bool(entry.get("listed") or not page.get("has_more"))}
        next_turn = turn if page.get("has_more") else turn + 1
        done = next_turn == len(paths)
        now_listed = all(s.get("listed") for s in state.values())
        next_cursor = {"paths": state, "turn": next_turn % len(paths)}
        return ChangePage(changes, next_cursor, done=done, full_listing_done=now_listed and not was_listed)

    def _continue(self, cursor: str) -> Any:
        try:
            return self._session.json("POST", f"{self._api}/files/list_folder/continue", json={"cursor": cursor})
        except SourceAnswerError as refused:
            # 409 `reset`: Dropbox dropped the cursor (documented: list the folder again).
            if refused.status == 409 and "reset" in refused.body:
                raise CursorResetError("Dropbox reset this connector's cursor; everything is listed again") from refused
            raise

    def _change(self, entry: dict[str, Any]) -> Change | None:
        tag = entry.get(".tag")
        if tag == "deleted":
            return Change("", None, removed_path=_path_key(str(entry.get("path_lower", ""))))
        if tag != "file":
            return None
        modified = entry.get("server_modified")
        display = str(entry.get("path_display") or entry.get("path_lower") or entry["name"])
        return Change(
            str(entry["id"]),
            RemoteFile(
                external_id=str(entry["id"]),
                name=str(entry["name"]),
                path=_path_key(str(entry.get("path_lower") or display)),
                version=str(entry.get("content_hash") or entry.get("rev") or ""),
                size=int(entry["size"]) if entry.get("size") is not None else None,
                modified_at=datetime.fromisoformat(modified.replace("Z", "+00:00")) if modified else None,
                link=f"{self._web}/home{quote(display.rsplit('/', 1)[0] or '/')}?preview={quote(str(entry['name']))}",
            ),
        )

    def download(self, file: RemoteFile, directory: Path, max_bytes: int) -> SpooledFile:
        argument = json.dumps({"path": file.external_id})  # "id:…" names the file wherever it moved
        with self._session.stream(
            "POST", f"{self._content}/files/download", headers={"Dropbox-API-Arg": argument}
        ) as response:
            return save_stream(response, directory, max_bytes)
