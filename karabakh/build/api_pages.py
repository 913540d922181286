"""The API reference of the site, by task: an index of every public ``kb.*`` name with one sentence each, and one
short page per task (loading, asking, measuring, drawing and writing, building), generated from the docstrings.

Only what a user calls is documented (the ``kb.*`` names and the entry points of the main job and the data builds),
so each page stays short; the modules' own docstrings hold the rest.
"""
from __future__ import annotations

import inspect

import karabakh

#: (page, title, what the page is for)
TASKS = (
    ("loading", "Loading", "Every table and map layer as a validated frame; the errors bad data raises."),
    ("asking", "Asking", "Answers from the frames: who held a place on a day, the latest claims, names of places, "
                         "counts for the text."),
    ("measuring", "Measuring", "Geodesic distances and directions, equal-area areas and lengths."),
    ("drawing", "Drawing and writing", "Maps, charts and their parts; showing a figure with its alt text and "
                                       "sources; days and claimed numbers as the text writes them."),
    ("building", "Building", "The main job, the checks of a data folder and the data builds (what `make run`, "
                             "`make validate` and the `make` data targets call)."),
)
#: Entry points of the build layer, documented on the building page (not in ``kb.*``).
BUILDING = ("karabakh.build.site.run", "karabakh.io.validate.validate", "karabakh.build.execute.execute_all",
            "karabakh.build.fetch.fetch", "karabakh.build.layers.build", "karabakh.build.incidents.build",
            "karabakh.build.record.build", "karabakh.build.place_names.build", "karabakh.io.checksums.write")


def task_of(name: str, obj: object) -> str:
    """The task page a public ``kb.*`` name belongs on.

    Parameters
    ----------
    name : str
        The public name (``kb.<name>``).
    obj : object
        What it names.

    Returns
    -------
    str
        One of the pages of :data:`TASKS`.

    Examples
    --------
    >>> import karabakh as kb
    >>> task_of("load_sources", kb.load_sources), task_of("control_on", kb.control_on)
    ('loading', 'asking')
    """
    module = getattr(obj, "__module__", "") or ""
    if name.startswith(("load_", "validate_")) or name == "data_dir" or module == "karabakh.io.errors":
        return "loading"
    if module == "karabakh.analysis.geo" or name == "control_area_table":
        return "measuring"
    if module.startswith("karabakh.plot") or module == "karabakh.analysis.wording":
        return "drawing"
    return "asking"


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|").strip()


def api_pages() -> dict[str, str]:
    """The Markdown of the API pages: ``{"index": ..., "loading": ..., ...}``.

    Returns
    -------
    dict of str to str
        The index (every public ``kb.*`` name, its page and one sentence) and one page per task.

    Examples
    --------
    >>> pages = api_pages()
    >>> sorted(pages) == sorted(["index", *(t[0] for t in TASKS)])
    True
    >>> "kb.control_on" in pages["index"] and "autofunction:: karabakh.analysis.control.control_on" in pages["asking"]
    True
    """
    public = sorted(n for n in karabakh.__all__ if not n.startswith("_"))
    by_task: dict[str, list[tuple[str, object]]] = {task: [] for task, _, _ in TASKS}
    for name in public:
        obj = getattr(karabakh, name)
        by_task[task_of(name, obj)].append((name, obj))
    titles = {task: title for task, title, _ in TASKS}
    index = ["# API reference", "", "Everything below is reached as `kb.<name>` after `import karabakh as kb` (loaded "
             "lazily: importing the package is cheap). One page per task:", ""]
    index += [f"- [{title}](api/{task}.md): {what}" for task, title, what in TASKS]
    index += ["", "| name | page | what it does |", "|---|---|---|"]
    for name in public:
        obj = getattr(karabakh, name)
        task = task_of(name, obj)
        target = f"{obj.__module__}.{obj.__qualname__}"
        index.append(f"| {{py:obj}}`kb.{name} <{target}>` | [{titles[task]}](api/{task}.md) | {_summary(obj)} |")
    pages = {"index": "\n".join(index) + "\n"}
    for task, title, what in TASKS:
        lines = [f"# {title}", "", what, ""]
        entries = [f"{obj.__module__}.{obj.__qualname__}" for _, obj in by_task[task]]
        if task == "building":
            lines += ["Run from the command line as `python -m karabakh COMMAND` (see `python -m karabakh --help`).",
                      ""]
            entries = list(BUILDING) + entries
        for target in entries:
            kind = "autoclass" if inspect.isclass(_resolve(target)) else "autofunction"
            lines += ["```{eval-rst}", f".. {kind}:: {target}", "```", ""]
        pages[task] = "\n".join(lines)
    return pages


def _resolve(target: str) -> object:
    import importlib

    module, _, name = target.rpartition(".")
    return getattr(importlib.import_module(module), name)
