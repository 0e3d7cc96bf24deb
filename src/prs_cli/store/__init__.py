"""SQLite storage: the one place that knows the schema, migrations and transactions."""
