"""Pure mappings between WooCommerce and NetSuite shapes: no I/O, no database, no clients.

A flow looks up every id first (customer, items, currencies) and passes them in; a mapper only reshapes.
"""
