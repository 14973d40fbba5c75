"""YuanBot's bundled knowledge, as package data: the documents `yuanbot ingest` indexes by default and the
licence engine's rule data. See SOURCES.md for provenance and licences. No code lives here."""
