"""WooCommerce customer (or a guest order's billing) → NetSuite customer body (spec §6.2).

| WooCommerce                          | NetSuite customer                                         |
|--------------------------------------|-----------------------------------------------------------|
| id / guest e-mail                    | externalId ``woo-<store>-customer-<id>`` / ``…-guest-<hash>`` |
| billing.company (``customers.company``) | isPerson false + companyName, else isPerson true       |
| first_name, last_name (or billing's) | firstName, lastName                                       |
| email, billing.phone                 | email, phone                                              |
| billing, shipping                    | addressBook: default billing / default shipping lines     |
| settings                             | subsidiary (``customers.subsidiary_id`` or the orders one) |
"""

from __future__ import annotations

from sidecar.mapping.common import MappingError, address, drop_empty, external_id, guest_key, ref


def customer_external_id(store: str, woo_customer_id: int | None, email: str) -> str:
    """Registered customers by WooCommerce id; guests by a hash of their e-mail address."""
    if woo_customer_id:
        return external_id(store, "customer", woo_customer_id)
    return external_id(store, "guest", guest_key(email))


def from_woo_customer(customer: dict, settings: dict) -> dict:
    """Body for a registered WooCommerce customer (``GET /customers/<id>``)."""
    billing = customer.get("billing") or {}
    names = {"first_name": customer.get("first_name") or billing.get("first_name") or "",
             "last_name": customer.get("last_name") or billing.get("last_name") or ""}
    return _body(settings, customer_external_id(settings["store"]["key"], customer["id"], customer["email"]),
                 customer.get("email") or billing.get("email") or "", names, billing,
                 customer.get("shipping") or {})


def from_order(order: dict, settings: dict) -> dict:
    """Body for the buyer of an order (a guest, or a registered customer seen first at checkout)."""
    billing = order.get("billing") or {}
    email = billing.get("email") or ""
    names = {"first_name": billing.get("first_name") or "", "last_name": billing.get("last_name") or ""}
    return _body(settings, customer_external_id(settings["store"]["key"], order.get("customer_id"), email),
                 email, names, billing, order.get("shipping") or {})


def _body(settings: dict, ext_id: str, email: str, names: dict, billing: dict, shipping: dict) -> dict:
    if not email:
        raise MappingError("the customer has no e-mail address; NetSuite customers are matched by e-mail")
    company = (billing.get("company") or "").strip()
    mode = settings["customers"]["company"]
    is_company = mode == "always" or (mode == "when_billing_company" and bool(company))
    subsidiary = settings["customers"]["subsidiary_id"] or settings["orders"]["subsidiary_id"]
    body = {
        "externalId": ext_id,
        "email": email,
        "phone": billing.get("phone") or None,
        "subsidiary": ref(subsidiary),
        "isPerson": not is_company,
        "addressBook": {"items": address_book(billing, shipping)},
    }
    if is_company:
        body["companyName"] = company or " ".join(v for v in names.values() if v) or email
    else:
        body["firstName"] = names["first_name"] or email.split("@")[0]
        body["lastName"] = names["last_name"] or "-"
    return drop_empty(body)


def address_book(billing: dict, shipping: dict) -> list[dict]:
    """One line when billing and shipping are the same place, else two (billing, shipping)."""
    bill, ship = address(billing), address(shipping)
    if bill and (not ship or _same_place(bill, ship)):
        return [{"label": "Default", "defaultBilling": True, "defaultShipping": True, "addressBookAddress": bill}]
    lines = []
    if bill:
        lines.append({"label": "Billing", "defaultBilling": True, "defaultShipping": False,
                      "addressBookAddress": bill})
    if ship:
        lines.append({"label": "Shipping", "defaultBilling": not bill, "defaultShipping": True,
                      "addressBookAddress": ship})
    return lines


def _same_place(a: dict, b: dict) -> bool:
    keys = ("addr1", "addr2", "city", "state", "zip", "country")
    return all(a.get(k) == b.get(k) for k in keys)


__all__ = ["MappingError", "address_book", "customer_external_id", "from_order", "from_woo_customer"]
