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
