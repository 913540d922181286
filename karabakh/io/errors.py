"""The one error type the loaders raise, and the problems it carries."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one data file.

    ``where`` locates it inside the file: ``"line 7, column 'value'"`` for a table, ``"feature 3"`` for a layer,
    or ``""`` when the problem concerns the whole file.
    """

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


class DataValidationError(ValueError):
    """A data file is missing, unreadable or breaks its schema.

    ``problems`` lists every problem found (not just the first); the message shows them one per line.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        shown = self.problems[:50]
        more = len(self.problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown) + (f"\n  ... and {more} more" if more > 0 else "")
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{text}")


class CoverageWarning(UserWarning):
    """The data do not cover what was asked: for example a day for which no front line is mapped (the 2020 war).

    The answer returned is then partial (no control area), never a stand-in from another period; the message names
    the gap and where to look instead (``kb.control_on(date)`` for who held each place).
    """


def os_error_sentence(exc: OSError) -> str:
    """One sentence naming the cause of a common file-system error and the fix, instead of a traceback.

    Parameters
    ----------
    exc : OSError
        The error raised while reading or writing.

    Returns
    -------
    str
        For a full disk (ENOSPC, EDQUOT), a read-only or protected folder (EROFS, EACCES, EPERM): the cause and
        what to do; otherwise the system's own message with the file.

    Examples
    --------
    >>> import errno
    >>> os_error_sentence(OSError(errno.ENOSPC, "No space left on device", "build/site"))
    'no space left on the device holding build/site: free some space (or choose another folder) and run again'
    """
    import errno

    where = exc.filename if exc.filename is not None else "a file"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the device holding {where}: free some space (or choose another folder) and run again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"cannot write {where}: the folder is read-only or not yours to write ({exc.strerror}); choose a"
                " writable folder (for the main job: --build-dir) or change its permissions")
    return f"{exc.strerror or exc}: {where}"
