"""The site's pages generated from the data (``python -m karabakh docs`` prints them; the site build
includes them), so that they cannot drift from the schema and the layers."""
from __future__ import annotations

from karabakh.analysis import references
from karabakh.io import tables


def generated_sections() -> dict[str, str]:
    """The pages generated from the data: {name: Markdown}.

    Returns
    -------
    dict of str to str
        ``"data-dictionary"`` and ``"references"`` (layer measures next to published figures).

    Examples
    --------
    >>> sorted(generated_sections())
    ['data-dictionary', 'references']
    """
    refs = references.compare_with_references()
    rows = ["| layer | measure | ours | published | difference | published by |", "|---|---|---|---|---|---|"]
    for r in refs.itertuples():
        unit = {"area_km2": "km²", "length_km": "km", "width_km": "km"}.get(r.measure, "")
        rows.append(f"| `{r.key}` | {r.measure.split('_')[0]} | {r.computed:,.1f} {unit} | {r.published:,.0f} {unit} | "
                    f"{r.diff_pct:+.1f} % | {r.reference} |")
    return {"data-dictionary": tables.data_dictionary(), "references": "\n".join(rows)}
