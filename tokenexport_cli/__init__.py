"""tokx: LLM API cost and model-selection advisor (package ``tokenexport_cli``).

The distribution is ``tokenexport-cli``; its version is read from ``__version__`` below by the
build (``[tool.hatch.version]`` in pyproject.toml), so this is the one place it is written.
"""

__version__ = "0.1.0"
