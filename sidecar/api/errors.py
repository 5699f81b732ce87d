"""Errors the API answers with: ``{"error": {"code", "message", "field"}}`` (and for a body that fails validation,
``"errors"``: every bad field) with a 4xx status."""

from __future__ import annotations


class ApiError(Exception):
    """An error a client caused; rendered as JSON with ``status``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 errors: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors

    def to_dict(self) -> dict:
        """``{"error": {...}}``, plus ``"errors": [{"field", "message"}, …]`` when a body had several problems."""
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        out: dict = {"error": body}
        if self.errors:
            out["errors"] = self.errors
        return out
