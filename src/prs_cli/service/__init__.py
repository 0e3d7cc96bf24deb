"""The use cases: one function per command, taking the store and the calendar, opening the
transaction, calling the rules and the store, returning result objects for the CLI to render."""
