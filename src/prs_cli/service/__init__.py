"""The use cases of prs, one function each: what a command asks for, done and returned as result
objects (NamedTuples) for render/ to show.

A service takes the database (service.database.Database), the calendar, `today` and the
command's inputs; it opens the transaction, asks the rules (rules/) and reads or writes the
store (store/). It never prints and never reads the clock. cli/ parses and renders around one
call; nothing here imports cli/ or render/. Each module imports only what its own commands need,
so a command's start stays fast.
"""
