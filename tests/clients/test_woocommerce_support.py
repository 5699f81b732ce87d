"""Helpers for the WooCommerce client tests: replaying the real captures (body + status + headers).

No tests here; the module is named test_* only because that is the file pattern this client owns.
"""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

WOO = FIXTURES / "woocommerce"
HOP_HEADERS = {"transfer-encoding", "connection", "content-length", "host", "date", "server"}
CK = "ck_" + "1f" * 20
CS = "cs_" + "2e" * 20


def load(name: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a captured response. Status from the .headers file when there is one, else
    from the body's ``data.status`` (a few files were saved without headers), else 200."""
    body = (WOO / name).read_bytes()
    headers_file = WOO / (name + ".headers")
    status, headers = None, {}
    if headers_file.exists():
        lines = headers_file.read_text().splitlines()
        status = int(lines[0].split()[1])
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                if key.strip().lower() not in HOP_HEADERS:
                    headers[key.strip()] = value.strip()
    if status is None:
        status = _status_from_body(body)
    return status, headers, body


def _status_from_body(body: bytes) -> int:
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return 200
    if isinstance(data, dict):
        return data.get("status", 200)
    return data if isinstance(data, int) else 200


def add_fixture(rsps, method: str, url: str, name: str, **overrides) -> None:
    """Register a captured response for ``method url`` on a ``responses`` mock."""
    status, headers, body = load(name)
    headers.update(overrides.pop("headers", {}))
    rsps.add(method, url, body=body, status=overrides.pop("status", status), headers=headers, **overrides)


def fixture_json(name: str):
    return json.loads((WOO / name).read_bytes())
