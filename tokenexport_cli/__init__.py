"""tokx: LLM API cost and model-selection advisor (package ``tokenexport_cli``)."""

__version__ = "0.1.0"
