"""Loaded first by pytest (``-p skip_slow_imports`` in pyproject.toml), before any plugin imports nbformat.

nbformat imports jsonschema, which imports ``rfc3987-syntax`` when it is installed (JupyterLab's event system pulls
it in through ``jsonschema[format-nongpl]``) and builds its grammars on import: seconds per test process that no
test needs (nbformat validates with fastjsonschema; jsonschema then simply has no "iri" format checker). Marking
the module absent makes jsonschema skip it, in the test processes only.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
