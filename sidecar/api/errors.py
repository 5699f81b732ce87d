"""Errors the API answers with: ``{"error": {"code", "message", "field"}}`` and a 4xx status."""

from __future__ import annotations


class ApiError(Exception):
    """An error a client caused; rendered as JSON with ``status``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return {"error": body}
