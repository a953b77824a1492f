"""What a process imported, from the ``-X importtime`` lines it printed on stderr."""

from __future__ import annotations


def imported_modules(output: str) -> set[str]:
    """The modules ``python -X importtime`` reported in ``output``. A module hidden from import
    (``None`` in ``sys.modules``) is reported too when something tried it, so ask about a module
    inside a package (``rich.console``) to learn whether the package was loaded."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in output.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
