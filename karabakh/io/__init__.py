"""Files -> validated frames: the schema, the tables, the map layers, the raw-extract registry, checksums, the
one reader of days and one ``validate()``. Knows nothing of analysis or drawing (imports nothing above it)."""
