"""The Typer command line: one module per command group. Each command parses, calls one function
of service/, renders with render/. Imports sit inside the commands so that a command (and
`--help`) loads only what it uses."""
