"""Record types the sandbox serves, with NetSuite's exact field names (spec §6), their kinds, their sublists and
sublist keys (spec §5), and the id group each type draws internal and external ids from (spec §6.6).

Field kinds: str, num, int, bool, date, datetime, enum, addr (address subrecord), raw (any JSON),
ref:<target> (a reference; target is a record type, an id group such as ``item``, or ``*`` for references the
sandbox does not model and does not check). A ``!`` suffix marks a read-only field."""

from __future__ import annotations

from dataclasses import dataclass, field

ADDRESS = {f: "str" for f in ("addr1", "addr2", "addr3", "addressee", "attention", "addrPhone", "city",
                               "state", "zip")}
ADDRESS.update({"country": "enum", "override": "bool", "addrText": "str!"})


@dataclass
class Sublist:
    fields: dict[str, str]
    key: tuple[str, ...] | None = None  # None = non-keyed: incoming lines are appended
    readonly: bool = False


@dataclass
class RecordType:
    name: str
    group: str
    fields: dict[str, str]
    sublists: dict[str, Sublist] = field(default_factory=dict)
    tran_prefix: str | None = None
    suiteql_type: str | None = None  # transaction.type / item.itemtype code

    def field_kind(self, name: str) -> str | None:
        return self.fields.get(name)


def _f(spec: str, kind: str) -> dict[str, str]:
    """'a b! c' → {a: kind, b: kind + '!', c: kind} (a trailing ! marks a read-only field)."""
    return {name.rstrip("!"): kind + ("!" if name.endswith("!") else "") for name in spec.split()}


TRAN_BODY = {
    **_f("externalId otherRefNum memo tranId email promoCode linkedTrackingNumbers! discountRate", "str"),
    **_f("tranDate shipDate startDate endDate", "date"),
    **_f("createdDate! lastModifiedDate!", "datetime"),
    **_f("shippingCost handlingCost taxRate exchangeRate", "num"),
    **_f("subtotal! total! discountTotal! taxTotal!", "num"),
    **_f("isTaxable toBeEmailed shipComplete shipIsResidential needsPick", "bool"),
    **_f("orderStatus paymentOperation", "enum"), "status": "enum!", "source": "enum!",
    **_f("shippingAddress billingAddress", "addr"),
    "entity": "ref:customer", "subsidiary": "ref:subsidiary", "currency": "ref:currency",
    "location": "ref:location", "shipMethod": "ref:shipItem", "discountItem": "ref:item", "taxItem": "ref:item",
    "createdFrom": "ref:transaction",
    **_f("department class customForm terms salesRep account paymentOption shippingTaxCode "
         "shipAddressList billAddressList", "ref:*"),
}
TRAN_LINE = {
    "item": "ref:item", "quantity": "num", "rate": "num", "amount": "num", "price": "ref:priceLevel",
    "description": "str", "line": "int", "lineUniqueKey": "int!", "location": "ref:location",
    "inventoryLocation": "ref:location", "isClosed": "bool", "isTaxable": "bool", "taxCode": "ref:*",
    "taxRate1": "num", "tax1Amt": "num", "grossAmt": "num", "units": "ref:*", "commitInventory": "enum",
    "createPo": "enum", "expectedShipDate": "date", "department": "ref:*", "class": "ref:*", "itemType": "enum!",
    **_f("quantityFulfilled! quantityBilled! quantityCommitted! quantityBackOrdered! quantityAvailable!", "num"),
    "orderLine": "int", "itemReceive": "bool", "quantityRemaining": "num!", "itemName": "str!",
    "onHand": "num!", "options": "raw", "serialNumbers": "str", "inventoryDetail": "raw",
}
APPLY_LINE = {"doc": "ref:transaction", "apply": "bool", "amount": "num", "line": "int", "applyDate": "date",
              "due": "num!", "total": "num!", "refNum": "str!", "type": "str!"}
PACKAGE_LINE = {"packageTrackingNumber": "str", "packageWeight": "num", "packageDescr": "str",
                "packageCartonNumber": "str", "packageTrackingNumberReturn": "str", "packageDetails": "raw"}
ITEM_BODY = {
    **_f("itemId displayName upcCode externalId description salesDescription purchaseDescription vendorName "
         "mpn manufacturer storeDisplayName urlComponent rate storeDescription storeDetailedDescription", "str"),
    **_f("isInactive includeChildren isTaxable isOnline", "bool"),
    **_f("cost weight", "num"),
    **_f("averageCost! quantityAvailable! quantityOnHand! quantityCommitted! quantityBackOrdered! "
         "quantityOnOrder!", "num"),
    "itemType": "enum!", "matrixType": "enum", "costingMethod": "enum", "weightUnit": "enum",
    "subsidiary": "raw", "location": "ref:location", "preferredLocation": "ref:location", "parent": "ref:item",
    **_f("taxSchedule incomeAccount cogsAccount assetAccount pricingGroup account", "ref:*"),
    **_f("createdDate! lastModifiedDate!", "datetime"),
}
PRICE_LINE = {"currencyPage": "ref:currency", "priceLevel": "ref:priceLevel", "priceLevelName": "str!",
              "price": "num", "priceQty": "int", "quantity": "raw", "isInactive": "bool", "discountDisplay": "str"}
LOCATIONS_LINE = {"location": "ref:location", "locationId": "int!", "location_display": "str!",
                  **_f("quantityAvailable quantityOnHand quantityCommitted quantityBackOrdered quantityOnOrder "
                       "quantityInTransit preferredStockLevel reorderPoint safetyStockLevel", "num")}
ADDRESSBOOK_LINE = {"label": "str", "defaultBilling": "bool", "defaultShipping": "bool", "isResidential": "bool",
                    "addressId": "str", "id": "int", "internalId": "int!", "addressBookAddress": "addr",
                    "addressBookAddress_text": "str!"}
CURRENCY_LINE = {"currency": "ref:currency", **_f("balance! depositBalance! overdueBalance! unbilledOrders! "
                                                  "consolBalance!", "num")}  # non-keyed: lines append (§5)
CUSTOMER_BODY = {
    **_f("entityId firstName lastName companyName salutation email phone altEmail mobilePhone externalId "
         "comments", "str"),
    **_f("autoName isPerson taxable shipComplete isInactive", "bool"),
    **_f("emailPreference globalSubscriptionStatus", "enum"),
    "subsidiary": "ref:subsidiary", "currency": "ref:currency", "priceLevel": "ref:priceLevel",
    "taxItem": "ref:item", "parent": "ref:customer", "shippingItem": "ref:shipItem",
    **_f("terms entityStatus category salesRep", "ref:*"),
    **_f("dateCreated! lastModifiedDate!", "datetime"),
}
LIST_BODY = {"name": "str", "isInactive": "bool", "externalId": "str", "subsidiary": "ref:subsidiary",
             "parent": "ref:location", "mainAddress": "addr", "makeInventoryAvailable": "bool",
             "currency": "ref:currency", "country": "enum", "symbol": "str", "isBaseCurrency": "bool",
             "exchangeRate": "num", "discountPct": "num", "lastModifiedDate": "datetime!"}


def _tran(name: str, prefix: str, code: str, extra: dict | None = None, subs: dict | None = None) -> RecordType:
    sublists = {"item": Sublist(dict(TRAN_LINE), key=("line",))}
    sublists.update(subs or {})
    return RecordType(name, "transaction", {**TRAN_BODY, **(extra or {})}, sublists, prefix, code)


def _item(name: str, code: str) -> RecordType:
    subs = {"price": Sublist(dict(PRICE_LINE), key=("currencyPage", "priceLevel", "quantity")),
            "locations": Sublist(dict(LOCATIONS_LINE), key=("location",), readonly=True)}
    return RecordType(name, "item", {**ITEM_BODY, "custitem_woo_sku": "str"}, subs, None, code)


def _list(name: str) -> RecordType:
    return RecordType(name, name, dict(LIST_BODY))


TYPES: dict[str, RecordType] = {t.name: t for t in [
    RecordType("customer", "entity", CUSTOMER_BODY,
               {"addressBook": Sublist(ADDRESSBOOK_LINE, key=("id",)), "currencyList": Sublist(CURRENCY_LINE)}),
    _tran("salesOrder", "SO", "SalesOrd"),
    _tran("itemFulfillment", "IF", "ItemShip", {"shipStatus": "enum", "shipCarrier": "enum",
                                               "shippedDate": "date", "packedDate": "date", "pickedDate": "date"},
          {"package": Sublist(PACKAGE_LINE)}),
    _tran("cashSale", "CS", "CashSale"),
    _tran("invoice", "INV", "CustInvc"),
    _tran("creditMemo", "CM", "CustCred", subs={"apply": Sublist(APPLY_LINE, key=("doc",))}),
    _tran("cashRefund", "CR", "CashRfnd", {"refundCheck": "bool"}),
    _tran("customerRefund", "RF", "CustRfnd", {"customer": "ref:customer", "arAcct": "ref:*"},
          {"apply": Sublist(APPLY_LINE, key=("doc",))}),
    _item("inventoryItem", "InvtPart"), _item("nonInventorySaleItem", "NonInvtPart"),
    _item("serviceSaleItem", "Service"), _item("discountItem", "Discount"),
    _item("otherChargeSaleItem", "OthCharge"), _item("shipItem", "ShipItem"), _item("salesTaxItem", "TaxItem"),
    _list("location"), _list("subsidiary"), _list("currency"), _list("priceLevel"),
    _list("department"), _list("classification"), _list("paymentMethod"),
]}
TYPES_LC = {name.lower(): t for name, t in TYPES.items()}
ITEM_TYPES_BY_CODE = {t.suiteql_type: t.name for t in TYPES.values() if t.group == "item"}
FULFILLABLE_ITEM_TYPES = {"InvtPart", "NonInvtPart", "Kit", "Assembly"}
CUSTOM_PREFIXES = ("custbody", "custcol", "custitem", "custentity", "custrecord")

SO_STATUS = {"A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled", "D": "Partially Fulfilled",
             "E": "Pending Billing/Partially Fulfilled", "F": "Pending Billing", "G": "Billed", "H": "Closed"}
ENUM_LABELS = {
    ("salesOrder", "status"): SO_STATUS, ("salesOrder", "orderStatus"): SO_STATUS,
    ("itemFulfillment", "status"): {"A": "Picked", "B": "Packed", "C": "Shipped"},
    ("itemFulfillment", "shipStatus"): {"A": "Picked", "B": "Packed", "C": "Shipped"},
    ("*", "itemType"): {"InvtPart": "Inventory Item", "NonInvtPart": "Non-inventory Item",
                        "Service": "Service", "Discount": "Discount", "OthCharge": "Other Charge",
                        "ShipItem": "Shipping Cost Item", "TaxItem": "Sales Tax Item"},
    ("*", "matrixType"): {"PARENT": "Parent Matrix Item", "CHILD": "Matrix Item"},
}
TRAN_STATUS_TEXT = {"SalesOrd": ("Sales Order", SO_STATUS),
                    "ItemShip": ("Item Fulfillment", {"A": "Picked", "B": "Packed", "C": "Shipped"}),
                    "CashSale": ("Cash Sale", {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited"}),
                    "CustInvc": ("Invoice", {"A": "Open", "B": "Paid In Full"}),
                    "CustCred": ("Credit Memo", {"A": "Open", "B": "Fully Applied"}),
                    "CashRfnd": ("Cash Refund", {"A": "Refunded"}),
                    "CustRfnd": ("Customer Refund", {"R": "Refunded", "V": "Voided"})}


def lookup(type_name: str) -> RecordType | None:
    """Record types in the path match without regard to case, as NetSuite's do (spec §1)."""
    return TYPES_LC.get(type_name.lower())


def types_in_group(group: str) -> list[str]:
    return [t.name for t in TYPES.values() if t.group == group]


def enum_label(type_name: str, field_name: str, value: str) -> str:
    labels = ENUM_LABELS.get((type_name, field_name)) or ENUM_LABELS.get(("*", field_name)) or {}
    return labels.get(value, value)
