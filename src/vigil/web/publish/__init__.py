"""Publication in the web layer: reads the store for the core's redaction engine."""
