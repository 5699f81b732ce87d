"""NetSuite and WooCommerce credentials, encrypted at rest in ``Secret`` rows (DESIGN.md §3, §7).

Every field is stored encrypted, identifiers included (an account id is not secret, but a token id is, and one
rule is easier to keep than two). ``public_view`` is the only shape that leaves the sidecar: which fields are
set, plus the two values an administrator needs to recognise the connection (account id, store URL).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from sidecar.security import SecretBox, SecretKeyError
from sidecar.store.models import Secret, utcnow
from sidecar.store.txn import write_transaction

NETSUITE_TBA = ["consumer_key", "consumer_secret", "token_id", "token_secret"]
NETSUITE_OAUTH2 = ["client_id", "certificate_id", "private_key_pem"]
SHOWN = {"netsuite": ["account_id", "auth"], "woocommerce": ["url"]}

_text = {"validate": validate.Length(min=1, max=20_000)}


class NetSuiteCredentials(Schema):
    class Meta:
        unknown = RAISE

    account_id = fields.String(validate=validate.Regexp(
        r"^[0-9]+([_-][A-Za-z]+[0-9]*)?$", error="must be a NetSuite account id such as 1234567 or 1234567_SB1"))
    auth = fields.String(validate=validate.OneOf(["tba", "oauth2"]))
    consumer_key = fields.String(**_text)
    consumer_secret = fields.String(**_text)
    token_id = fields.String(**_text)
    token_secret = fields.String(**_text)
    client_id = fields.String(**_text)
    certificate_id = fields.String(**_text)
    private_key_pem = fields.String(**_text)

    @validates_schema
    def _pem(self, data, **_):
        pem = data.get("private_key_pem")
        if pem and "PRIVATE KEY-----" not in pem:
            raise ValidationError("must be the certificate's private key in PEM form (the whole PRIVATE KEY block)", "private_key_pem")


class WooCommerceCredentials(Schema):
    class Meta:
        unknown = RAISE

    url = fields.Url(schemes={"http", "https"}, require_tld=False)
    consumer_key = fields.String(**_text)
    consumer_secret = fields.String(**_text)
    webhook_secret = fields.String(**_text)


class CredentialsSchema(Schema):
    class Meta:
        unknown = RAISE

    netsuite = fields.Nested(NetSuiteCredentials)
    woocommerce = fields.Nested(WooCommerceCredentials)


class CredentialStore:
    """Reads and writes the encrypted credentials."""

    def __init__(self, box: SecretBox):
        self.box = box

    def put(self, data: Any) -> dict:
        """Validate and store the halves given; a half's fields not sent are kept as they were."""
        if not isinstance(data, dict) or not data:
            raise ValidationError({"_schema": ["send a JSON object with netsuite and/or woocommerce"]})
        loaded = CredentialsSchema().load(data)
        for system, values in loaded.items():
            for name, value in values.items():
                if system == "woocommerce" and name == "url":
                    value = value.rstrip("/")
                self._write(f"{system}.{name}", value)
        return self.public_view()

    def _write(self, name: str, value: str) -> None:
        cipher = self.box.encrypt(value)
        Secret.insert(name=name, ciphertext=cipher, updated_at=utcnow()).on_conflict(
            conflict_target=[Secret.name],
            update={Secret.ciphertext: cipher, Secret.updated_at: utcnow()}).execute()

    def get(self, system: str) -> dict[str, str]:
        """The decrypted fields of one half (``netsuite`` or ``woocommerce``), for the clients only."""
        out = {}
        for row in Secret.select().where(Secret.name.startswith(system + ".")):
            out[row.name.split(".", 1)[1]] = self.box.decrypt(row.ciphertext)
        if system == "netsuite":
            out.setdefault("auth", "tba")
        return out

    def unreadable(self) -> list[str]:
        """Names of the stored secrets no configured key can decrypt (checked at start)."""
        names = []
        for row in Secret.select().order_by(Secret.name):
            try:
                self.box.decrypt(row.ciphertext)
            except SecretKeyError:
                names.append(row.name)
        return names

    def rotate_all(self, forget_unreadable: bool = False) -> tuple[int, list[str]]:
        """Re-encrypt every stored secret with the newest key, in one transaction: ``(rotated, unreadable)``.
        With unreadable rows nothing changes, unless ``forget_unreadable`` deletes them (to be entered again)."""
        with write_transaction():
            rows = list(Secret.select().order_by(Secret.name))
            rotated, unreadable = {}, []
            for row in rows:
                try:
                    rotated[row.name] = self.box.rotate(row.ciphertext)
                except SecretKeyError:
                    unreadable.append(row.name)
            if unreadable and not forget_unreadable:
                return 0, unreadable
            for name, cipher in rotated.items():
                Secret.update(ciphertext=cipher, updated_at=utcnow()).where(Secret.name == name).execute()
            if unreadable:
                Secret.delete().where(Secret.name.in_(unreadable)).execute()
        return len(rotated), unreadable

    def all_secret_values(self) -> list[str]:
        """Every stored value, so redaction can hide them wherever they might appear."""
        return [self.box.decrypt(row.ciphertext) for row in Secret.select()]

    def public_view(self) -> dict:
        """Which fields are set, never their values (except the account id, auth mode and store URL)."""
        view: dict[str, dict] = {}
        for system, schema in (("netsuite", NetSuiteCredentials), ("woocommerce", WooCommerceCredentials)):
            values = self.get(system)
            half: dict[str, Any] = {name: values.get(name) for name in SHOWN[system]}
            half["set"] = {name: name in values for name in schema().fields if name not in SHOWN[system]}
            half["configured"] = is_configured(system, values)
            view[system] = half
        return view


def is_configured(system: str, values: dict[str, str]) -> bool:
    """True when a half has everything its client needs to make a call."""
    if system == "woocommerce":
        return all(values.get(k) for k in ("url", "consumer_key", "consumer_secret"))
    needed = NETSUITE_OAUTH2 if values.get("auth") == "oauth2" else NETSUITE_TBA
    return bool(values.get("account_id")) and all(values.get(k) for k in needed)
