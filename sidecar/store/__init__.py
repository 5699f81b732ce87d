"""The database: connection, transactions, models, migrations, settings and credentials storage, the binder."""
