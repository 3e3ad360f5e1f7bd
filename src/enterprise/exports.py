"""Tables downloaded as CSV or XLSX, written so that a spreadsheet never runs what a user typed."""

from __future__ import annotations

import io
from typing import Literal

import pandas as pd
from starlette.responses import Response

ExportFormat = Literal["json", "csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The OpenAPI description of an endpoint that also answers with a file (`?format=csv|xlsx`).
EXPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)" in a
# line item someone uploaded): such text is written with a leading apostrophe, as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on a sheet's name.
SHEET_NAME_LENGTH = 31


def spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda column: column if pd.api.types.is_numeric_dtype(column) else column.map(spreadsheet_safe))


def table_bytes(frame: pd.DataFrame, file_format: str, sheet: str) -> bytes:
    """The frame as a CSV or XLSX file; text cells that a spreadsheet would run are made text."""
    if file_format == "csv":
        return str(_safe(frame).to_csv(index=False)).encode()
    return workbook_bytes({sheet: frame})


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One XLSX file with a sheet per frame."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _safe(frame).to_excel(writer, index=False, sheet_name=name[:SHEET_NAME_LENGTH])
    return bytes(buffer.getvalue())


def download(content: bytes, file_format: str, name: str) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )
