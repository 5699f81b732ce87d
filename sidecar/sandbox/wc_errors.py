"""WooCommerce/WordPress REST error bodies, so every failure the sandbox returns has the real code, message and status."""

from __future__ import annotations

from typing import Any


class WooError(Exception):
    """An error answered as WordPress does: ``{"code", "message", "data"}``.

    ``data`` defaults to ``{"status": status}``. The refund controller passes a bare integer as data, which
    WordPress answers with HTTP 500; ``http_status`` lets a caller reproduce that quirk.
    """

    def __init__(self, code: str, message: str, status: int = 400, data: Any = None,
                 http_status: int | None = None, headers: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.data = {"status": status} if data is None else data
        self.http_status = http_status or status
        self.headers = headers or {}

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": self.data}


def invalid_param(param: str, message: str, detail_code: str, detail_data: Any = None) -> WooError:
    """WordPress schema validation failure (``rest_invalid_param`` with ``params`` and ``details``)."""
    data = {"status": 400, "params": {param: message},
            "details": {param: {"code": detail_code, "message": message, "data": detail_data}}}
    return WooError("rest_invalid_param", f"Invalid parameter(s): {param}", 400, data)


def not_of_type(param: str, type_name: str) -> WooError:
    return invalid_param(param, f"{param} is not of type {type_name}.", "rest_invalid_type", {"param": param})


def not_in_enum(param: str, values: list[str], item: str | None = None) -> WooError:
    """``item`` names an array parameter's element as WordPress does (``status[1] is not one of …``)."""
    listed = ", ".join(values[:-1]) + ", and " + values[-1] if len(values) > 1 else values[0]
    return invalid_param(param, f"{item or param} is not one of {listed}.", "rest_not_in_enum")


def missing_params(params: list[str]) -> WooError:
    return WooError("rest_missing_callback_param", "Missing parameter(s): " + ", ".join(params), 400,
                    {"status": 400, "params": params})


def no_route() -> WooError:
    return WooError("rest_no_route", "No route was found matching the URL and request method.", 404)


def invalid_id(code: str, status: int) -> WooError:
    return WooError(code, "Invalid ID.", status)


def out_of_bounds(param: str, low: int, high: int) -> WooError:
    msg = f"{param} must be between {low} (inclusive) and {high} (inclusive)"
    return invalid_param(param, msg, "rest_out_of_bounds")
