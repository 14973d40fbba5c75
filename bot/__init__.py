"""YuanBot core: retrieval, answering, the licence engine, the HTTP API and the CLI."""

__version__ = "0.1.0"
