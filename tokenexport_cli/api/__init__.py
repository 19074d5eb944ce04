"""The Python API of tokx: one core function per command, taking typed requests, returning
typed results. The CLI parses flags, calls one of these and renders what it returns.

Submodules are imported on use (``from tokenexport_cli.api.cost import estimate``) so that a
command pays only for what it needs.
"""
