"""The originals of uploaded files, content-addressed by sha256 inside each enterprise's folder."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path


class OriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 digest")
        return self.root / enterprise_id.hex / sha256[:2] / sha256

    def put(self, enterprise_id: uuid.UUID, sha256: str, spooled: Path) -> Path:
        """Move a spooled upload into place; the same bytes already stored are kept as they are."""
        target = self.path_for(enterprise_id, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            spooled.unlink(missing_ok=True)
            return target
        os.replace(spooled, target)
        return target

    def exists(self, enterprise_id: uuid.UUID, sha256: str) -> bool:
        return self.path_for(enterprise_id, sha256).exists()

    def delete(self, enterprise_id: uuid.UUID, sha256: str) -> None:
        self.path_for(enterprise_id, sha256).unlink(missing_ok=True)
        shutil.rmtree(self.derived_dir(enterprise_id, sha256), ignore_errors=True)

    def derived_dir(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        """Where files made from an original (its rendered pages) are cached; removed with it."""
        original = self.path_for(enterprise_id, sha256)
        return original.parent / f"{sha256}.derived"
