"""Use cases: one function per command, taking the store (the database path) and the calendar,
opening the transaction, calling the rules and the store, and returning result objects that the
command renders."""
