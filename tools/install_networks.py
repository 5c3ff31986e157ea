"""Import the project's Brownie networks (tools/brownie-networks.yaml) into ~/.brownie, replacing
older copies, so every machine gets the london ganache networks from the project's own files.

Calls Brownie's importer directly: in Brownie 1.22 the `brownie networks import <path> True` CLI
passes "True" as a string to a compiled function that wants a bool, and fails.
"""

from pathlib import Path

from brownie._cli.networks import _import

_import(str(Path(__file__).with_name("brownie-networks.yaml")), True)
