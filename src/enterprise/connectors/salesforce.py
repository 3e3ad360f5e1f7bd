"""Salesforce Files (REST API): the latest ContentVersion of each file, read in SystemModstamp
order from the last one stored, and the ContentDocuments deleted since the last run.
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from enterprise.connectors.base import Change, ChangePage, OAuthEndpoints, RemoteFile, SourceError
from enterprise.connectors.http import SourceSession
from enterprise.connectors.models import ConnectorKind
from enterprise.connectors.transfer import save_stream
from shared.settings import Settings
from shared.uploads import SpooledFile

API_VERSION = "v60.0"
FIELDS = "Id, ContentDocumentId, Title, FileExtension, ContentSize, Checksum, SystemModstamp, Owner.Email"
# Libraries (ContentWorkspace) have 15- or 18-character ids starting 058.
LIBRARY_ID = re.compile(r"^058[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")
EPOCH = "1970-01-01T00:00:00Z"
# Salesforce keeps deleted records' ids for 15 days; the deleted-records window may not start earlier.
DELETED_WINDOW = timedelta(days=29)


def oauth_endpoints(settings: Settings) -> OAuthEndpoints:
    login = settings.salesforce_login_url.rstrip("/")
    return OAuthEndpoints(
        authorize_url=f"{login}/services/oauth2/authorize",
        token_url=f"{login}/services/oauth2/token",
        scope="api refresh_token",
        client_id=settings.salesforce_client_id or "",
        client_secret=settings.salesforce_client_secret,
        extra={},
    )


def check_scope(scope: Sequence[str]) -> list[str]:
    bad = [s for s in scope if not LIBRARY_ID.match(s)]
    if bad:
        raise ValueError(f"Salesforce libraries are ContentWorkspace ids (058…): {', '.join(bad)}")
    return list(scope)


def _soql_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))


class Salesforce:
    kind = ConnectorKind.SALESFORCE

    def __init__(self, session: SourceSession, instance_url: str) -> None:
        if not instance_url:
            raise SourceError("the connector has no Salesforce instance URL; authorize it again")
        self._session = session
        self._base = instance_url.rstrip("/")
        self._data = f"{self._base}/services/data/{API_VERSION}"

    def changes(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        if cursor.get("next_records_url"):
            page = self._session.json("GET", f"{self._base}{cursor['next_records_url']}")
        else:
            page = self._session.json("GET", f"{self._data}/query", params={"q": self._query(cursor, scope)})
        records = page.get("records", [])
        changes = [Change(str(r["ContentDocumentId"]), self._file(r)) for r in records]
        since = cursor.get("since", EPOCH)
        if records:
            since = max(since, str(records[-1].get("SystemModstamp") or since))
        next_cursor = {**cursor, "since": since, "next_records_url": page.get("nextRecordsUrl")}
        if not page.get("done", True) and page.get("nextRecordsUrl"):
            return ChangePage(changes, next_cursor, done=False)
        first_listing = not cursor.get("listed")
        next_cursor["listed"] = True
        if first_listing:
            # Nothing was stored before the first listing, so there is nothing to delete yet.
            next_cursor["deleted_since"] = _soql_time(datetime.now(UTC))
            return ChangePage(changes, next_cursor, done=True, full_listing_done=True)
        removed, covered = self._deleted(str(cursor.get("deleted_since") or _soql_time(datetime.now(UTC))))
        next_cursor["deleted_since"] = covered
        return ChangePage(changes + removed, next_cursor, done=True)

    def _query(self, cursor: dict[str, Any], scope: Sequence[str]) -> str:
        # ">=": two versions may share the boundary's timestamp; one seen again is unchanged and skipped.
        where = [f"IsLatest = true AND SystemModstamp >= {cursor.get('since', EPOCH)}"]
        if scope:
            where.append("FirstPublishLocationId IN (" + ", ".join(f"'{s}'" for s in check_scope(scope)) + ")")
        # The clauses hold only a timestamp we wrote and library ids checked against LIBRARY_ID.
        return f"SELECT {FIELDS} FROM ContentVersion WHERE {' AND '.join(where)} ORDER BY SystemModstamp, Id"  # noqa: S608

    def _deleted(self, since: str) -> tuple[list[Change], str]:
        now = datetime.now(UTC)
        start = max(_time(since) or now, now - DELETED_WINDOW)
        answer = self._session.json(
            "GET",
            f"{self._data}/sobjects/ContentDocument/deleted/",
            params={"start": _soql_time(start), "end": _soql_time(now)},
        )
        removed = [Change(str(r["id"]), None) for r in answer.get("deletedRecords", [])]
        return removed, str(answer.get("latestDateCovered") or _soql_time(now))

    def _file(self, record: dict[str, Any]) -> RemoteFile:
        extension = str(record.get("FileExtension") or "").lower()
        title = str(record.get("Title") or record["ContentDocumentId"])
        name = title if not extension or title.lower().endswith(f".{extension}") else f"{title}.{extension}"
        owner = record.get("Owner") or {}
        return RemoteFile(
            external_id=str(record["ContentDocumentId"]),
            name=name,
            path=name,
            version=str(record.get("Checksum") or record["Id"]),
            size=int(record["ContentSize"]) if record.get("ContentSize") is not None else None,
            modified_at=_time(record.get("SystemModstamp")),
            owner=owner.get("Email") if isinstance(owner, dict) else None,
            link=f"{self._base}/lightning/r/ContentDocument/{quote(str(record['ContentDocumentId']))}/view",
            download_ref=str(record["Id"]),
        )

    def download(self, file: RemoteFile, directory: Path, max_bytes: int) -> SpooledFile:
        version = file.download_ref or file.version
        with self._session.stream("GET", f"{self._data}/sobjects/ContentVersion/{version}/VersionData") as response:
            return save_stream(response, directory, max_bytes)
