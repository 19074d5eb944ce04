"""``python -m tokenexport_cli`` runs the tokx command line."""

from tokenexport_cli.cli import main

main()
