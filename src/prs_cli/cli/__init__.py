"""The Typer command line: one module per command group. Each command parses, calls, renders."""
