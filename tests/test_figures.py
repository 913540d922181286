"""The figure export (karabakh.plot.protocol): the display bundle, the files, determinism, bad arguments."""
from __future__ import annotations

import base64
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from karabakh.plot import protocol  # noqa: E402


def line_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2, 3], [1, 4, 9])
    ax.set_title("Rising")
    return fig


# --- show_figure ------------------------------------------------------------------------------------------------------


def test_figure_output_carries_alt_text_where_nbconvert_and_ipython_read_it():
    fig = line_figure()
    data, metadata, png = protocol.figure_output(fig, "rising", title="Rising line", alt="A line rising from 1 to 9",
                                               source_ids=["src-a", "src-b"])
    plt.close(fig)
    assert set(data) == {"image/png", "text/plain"}
    assert base64.b64decode(data["image/png"]) == png
    assert data["text/plain"] == "[figure rising] Rising line"
    assert metadata["image/png"]["alt"] == "A line rising from 1 to 9"
    assert metadata["karabakh"] == {"name": "rising", "title": "Rising line", "drawn_title": "Rising line",
                                    "source_ids": ["src-a", "src-b"]}
    width, height = protocol.png_size(png)
    assert metadata["image/png"]["width"] == round(width * protocol.DISPLAY_DPI / protocol.FIGURE_DPI)
    assert metadata["image/png"]["height"] == round(height * protocol.DISPLAY_DPI / protocol.FIGURE_DPI)
    json.dumps(metadata)  # goes into the notebook JSON as is


def test_figure_output_draws_the_title_on_the_figure():
    fig = line_figure()
    protocol.figure_output(fig, "rising", title=" Rising line ", alt="a", source_ids="s")
    assert fig.get_suptitle() == "Rising line" and fig._suptitle.get_visible()
    protocol.figure_output(fig, "rising", title="Rising line", alt="a", source_ids="s")  # same title: kept
    with pytest.raises(ValueError, match="already has the title 'Rising line'"):
        protocol.figure_output(fig, "rising", title="Another title", alt="a", source_ids="s")
    plt.close(fig)


def test_figure_output_is_identical_across_calls():
    outs = []
    for _ in range(2):
        fig = line_figure()
        outs.append(protocol.figure_output(fig, "rising", title="t", alt="a", source_ids="src-a"))
        svg = protocol.svg_bytes(fig)
        outs.append(svg)
        plt.close(fig)
    assert outs[0] == outs[2]
    assert outs[1] == outs[3]
    assert b"<dc:date>" not in outs[1] and b"Software" not in outs[0][2][:200]


def test_show_figure_writes_png_and_svg_when_asked_and_closes_the_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(protocol.FIGURE_DIR_ENV, str(tmp_path / "figs"))
    fig = line_figure()
    expected = protocol.figure_output(fig, "rising", title="t", alt="a", source_ids=["s"])[2]
    protocol.show_figure(fig, "rising", title="t", alt="a", source_ids=["s"])
    assert not plt.fignum_exists(fig.number)
    assert (tmp_path / "figs" / "rising.png").read_bytes() == expected
    assert (tmp_path / "figs" / "rising.svg").read_bytes().startswith(b"<?xml")
    assert capsys.readouterr() == ("", "")  # outside a kernel, nothing is printed


def test_show_figure_writes_nothing_without_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(protocol.FIGURE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    protocol.show_figure(line_figure(), "rising", title="t", alt="a", source_ids=["s"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "Region Map"}, "lower-case"),
        ({"name": "a/b"}, "lower-case"),
        ({"alt": " "}, "alt must be"),
        ({"title": ""}, "title must be"),
        ({"source_ids": []}, "at least one source"),
        ({"source_ids": ["a;b"]}, "';'"),
    ],
)
def test_show_figure_rejects_bad_arguments_and_still_closes(kwargs, message):
    args = {"name": "ok", "title": "t", "alt": "a", "source_ids": ["s"], **kwargs}
    fig = line_figure()
    with pytest.raises(ValueError, match=message):
        protocol.show_figure(fig, args.pop("name"), **args)
    assert not plt.fignum_exists(fig.number)
