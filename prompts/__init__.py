"""YuanBot's prompt and message templates, as package data (see README.md). No code lives here."""
