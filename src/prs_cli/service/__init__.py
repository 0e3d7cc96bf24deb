"""Use cases: each opens the transaction, calls the rules and the store, and returns results."""
