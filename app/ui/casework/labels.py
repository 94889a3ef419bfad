"""Human labels of record fields (kept in ``app.casework.field_labels``, which the access log's
exports share)."""

from __future__ import annotations

from app.casework.field_labels import FIELD_LABELS, field_label

__all__ = ["FIELD_LABELS", "field_label"]
