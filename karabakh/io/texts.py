"""Text files of a data folder: UTF-8 throughout, and Markdown that is safe to publish.

The main job publishes three Markdown files of the data folder in use (:data:`PUBLISHED`) on the site, through
MyST. A data folder may come from someone else, so before anything is built :func:`text_problems` (part of
``validate``) refuses, with file and line:

- bytes that are not UTF-8 in any ``.md`` or ``.txt`` file;
- in the published Markdown: raw HTML (``<script>``, ``<img>``, comments...), MyST directives (fences opened
  with ```` ```{name} ```` or ``:::{name}``) and roles (``{name}`text```), images, and links or link definitions
  whose target is neither a web address (``http``, ``https``, ``mailto``), an anchor (``#...``) nor a relative path
  inside the site (no ``..``, no leading ``/``): MyST would read such files from the disk into the site.

Plain Markdown stays allowed: headings, emphasis, lists, tables, code spans and fenced code blocks (whose content
is shown literally), web links and autolinks (``<https://...>``).
"""
from __future__ import annotations

import re
from pathlib import Path

from karabakh.io.errors import Problem

__all__ = ["PUBLISHED", "text_problems", "markdown_problems"]

#: The data folder's Markdown files the site shows (see :mod:`karabakh.build.site`).
PUBLISHED = ("CHANGES.md", "layers/README.md", "raw/README.md")
_TEXT_SUFFIXES = (".md", ".txt")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ROLE = re.compile(r"\{[A-Za-z0-9_:.+-]+\}`")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>", re.I)
_HTML = re.compile(r"<[A-Za-z/!?]")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)")
_SAFE_TARGET = re.compile(r"(?:https?://|mailto:|#)", re.I)


def text_problems(folder: Path) -> list[Problem]:
    """Every non-UTF-8 ``.md``/``.txt`` file of a data folder, and every unsafe line of its published Markdown.

    Parameters
    ----------
    folder : Path
        The data folder.

    Returns
    -------
    list of Problem
        With file and line.

    Examples
    --------
    >>> from karabakh.io.tables import shipped_data_dir
    >>> text_problems(shipped_data_dir())
    []
    """
    folder = Path(folder)
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix in _TEXT_SUFFIXES and p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        try:
            texts[rel] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.append(Problem(f"{folder.name}/{rel}", f"line {line}",
                                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"))
    for rel in PUBLISHED:
        if rel in texts:
            problems += markdown_problems(texts[rel], f"{folder.name}/{rel}")
    return problems


def markdown_problems(text: str, label: str) -> list[Problem]:
    """The lines of a Markdown text that are not safe to publish (see the module docstring).

    Parameters
    ----------
    text : str
        The Markdown.
    label : str
        How problems name the file.

    Returns
    -------
    list of Problem
        One per line and kind of problem.

    Examples
    --------
    >>> [p.message[:30] for p in markdown_problems("# Changes\\n\\nfine `<b>` here\\n<script>x</script>\\n", "C.md")]
    ['raw HTML is not allowed in a d']
    >>> markdown_problems("```{literalinclude} /etc/passwd\\n```\\n", "C.md")[0].where
    'line 1'
    """
    problems: list[Problem] = []
    fence: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        def bad(why: str) -> None:
            problems.append(Problem(label, f"line {n}", why))

        opened = _FENCE.match(line)
        if fence is not None:  # inside a code block: shown literally
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not opened.group(2).strip():
                fence = None
            continue
        if opened:
            if opened.group(1)[0] == ":" or opened.group(2).strip().startswith("{"):
                bad(f"a MyST directive ({line.strip()[:40]!r}) is not allowed in a data folder's Markdown (it can"
                    " read files or run code); use plain Markdown")
            fence = opened.group(1)
            continue
        plain = _CODE_SPAN.sub("`", line)  # a backtick stays: {role}`...` is still seen as a role
        if _ROLE.search(plain):
            bad("a MyST role ({name}`...`) is not allowed in a data folder's Markdown; use plain Markdown")
        if _HTML.search(_AUTOLINK.sub("", plain)):
            bad("raw HTML is not allowed in a data folder's Markdown (it would reach the site as it is);"
                " write plain Markdown or put it in `code`")
        if "![" in plain:
            bad("images are not allowed in a data folder's Markdown")
        targets = _LINK.findall(plain) + [m.group(1) for m in [_DEFINITION.match(plain)] if m]
        for target in targets:
            if not _unsafe_target(target):
                continue
            bad(f"link target {target!r} is not a web address or a path inside the site (MyST would copy files"
                " from the disk into the site)")
    return problems


def _unsafe_target(target: str) -> bool:
    if not target or _SAFE_TARGET.match(target):
        return False
    return (target.startswith(("/", "~", "\\")) or ":" in target.split("/")[0]
            or ".." in re.split(r"[/\\]", target))
