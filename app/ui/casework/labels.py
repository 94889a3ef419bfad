"""Human labels of record fields (kept in ``app.wording.field_labels``, which the access log's
exports share)."""

from __future__ import annotations

from app.wording.field_labels import FIELD_LABELS, field_label

__all__ = ["FIELD_LABELS", "field_label"]
