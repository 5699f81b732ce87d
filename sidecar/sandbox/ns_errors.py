"""NetSuite's error envelope (spec §7): one exception type the record, query and auth layers raise, and the
JSON body NetSuite sends for it, so every failure in the sandbox looks like a failure from a real account."""

from __future__ import annotations

import json

from flask import Response

RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
ERROR_TYPES = {400: "#sec10.4.1", 401: "#sec10.4.2", 403: "#sec10.4.4", 404: "#sec10.4.5", 405: "#sec10.4.6",
               429: "", 500: "#sec10.5.1"}
ERROR_MEDIA = "application/vnd.oracle.resource+json; type=error"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error"}
INVALID_LOGIN_DETAIL = ("Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
                        "Setup > Users/Roles > User Management > View Login Audit Trail.")


class NsError(Exception):
    """A NetSuite error answer: status, o:errorCode, detail and the optional o:errorPath / o:errorQueryParam."""

    def __init__(self, status: int, code: str, detail: str, *, path: str | None = None,
                 query_param: str | None = None, top_code: str | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.path, self.query_param, self.top_code = path, query_param, top_code

    def body(self) -> dict:
        """The JSON NetSuite sends: type, title, status, optional top-level code, o:errorDetails."""
        item = {"detail": self.detail, "o:errorCode": self.code}
        if self.path is not None:
            item["o:errorPath"] = self.path
        if self.query_param is not None:
            item["o:errorQueryParam"] = self.query_param
        body = {"type": RFC2616 + ERROR_TYPES.get(self.status, ""), "title": TITLES.get(self.status, "Error"), "status": self.status}
        if self.top_code:
            body["o:errorCode"] = self.top_code
        body["o:errorDetails"] = [item]
        return body


def error_response(err: NsError, headers: dict | None = None) -> Response:
    """Render an NsError the way NetSuite does (vendor media type, JSON body)."""
    return Response(json.dumps(err.body()), status=err.status, mimetype=None,
                    content_type=ERROR_MEDIA, headers=headers or {})


def invalid_login() -> NsError:
    """The one generic answer to every authentication failure (spec §2.9)."""
    return NsError(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)


def concurrency_exceeded(status: int = 429) -> NsError:
    """Over the account's concurrency limit (spec §9.1)."""
    return NsError(status, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.",
                   top_code="USER_ERROR")


def unexpected_error(error_id: str) -> NsError:
    """The 500 NetSuite answers when something breaks on its side."""
    return NsError(500, "UNEXPECTED_ERROR", f"An unexpected error occurred. Error ID: {error_id}")


def not_found() -> NsError:
    return NsError(404, "NONEXISTENT_ID", "Record does not exist.")


def user_error(detail: str, path: str | None = None) -> NsError:
    """A business/validation error, wrapped as NetSuite wraps SuiteScript messages."""
    return NsError(400, "USER_ERROR", f"Error while accessing a resource. {detail}", path=path)


def invalid_field_value(value, field: str, path: str) -> NsError:
    """A reference to a record that does not exist (spec §7.2 INVALID_CONTENT example)."""
    return NsError(400, "INVALID_CONTENT", "Error while accessing resource: You have entered an Invalid Field "
                   f"Value {value} for the following field: {field}", path=path)


def invalid_parameter(detail: str, param: str | None = None) -> NsError:
    return NsError(400, "INVALID_PARAMETER", detail, query_param=param)
