"""Tests of backprop_lab.widgets: both faces of the interactive figure.

The live face is exercised without a kernel (ipywidgets works on a dummy comm): setting
a control's value runs the same callback a front-end would. The kernel-free face is
checked as text (DOM contract, determinism, no URL) and, when Chromium is installed,
in a headless browser.
"""

import base64

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from players import DOM, data_of  # noqa: E402

from backprop_lab.widgets import (  # noqa: E402
    WIDGET_MIME,
    Animation,
    Choice,
    InteractiveFigure,
    Slider,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Recorder:
    """A draw function that records its calls and draws something value-dependent."""

    def __init__(self):
        self.calls = []

    def __call__(self, axes, a, kind="line"):
        self.calls.append((a, kind))
        (ax,) = axes
        x = np.linspace(0, 1, 20)
        ax.plot(x, a * x, "o-" if kind == "line" else "s--")
        ax.set_title(f"a={a}")


def make(**kw):
    draw = kw.pop("draw", None) or Recorder()
    controls = kw.pop(
        "controls",
        [
            Slider("a", [0.5, 1.0, 2.0], label="slope a", fmt="{:.2g}"),
            Choice("kind", ["line", "dash"]),
        ],
    )
    kw.setdefault("figsize", (3, 2))
    kw.setdefault("dpi", 40)
    kw.setdefault("caption", "A line whose slope you choose.")
    kw.setdefault("alt", "A straight line through the origin.")
    return InteractiveFigure(draw, controls, **kw), draw


# ---------------------------------------------------------------- frames
def test_reused_axes_fall_back_when_draw_leaves_state_behind():
    """A draw that changes what the axes reset does not restore still gets exact frames."""

    def draw(axes, a):
        (ax,) = axes
        if a == 2.0:
            ax.tick_params(labelsize=20)  # undone by the reset (the ticks are made anew)
            ax.spines["left"].set_visible(False)  # not undone by the reset
        ax.plot([0, 1], [0, a])

    fig = InteractiveFigure(draw, [Slider("a", [1.0, 2.0])], figsize=(2, 2), dpi=30, alt="x")
    frames = fig.frames()
    # the frame after a=2.0 (frame 0, drawn again to check) started from a new figure
    assert fig.n_axes_rebuilds == 1
    # a=2.0's big tick labels overflow the first layout, so every frame is drawn twice:
    # axes were made for the two layout passes, frame 0 (twice) and frame 0's check (after
    # a=2.0: the rebuild); frame 1 was drawn on reused axes both times
    assert (fig.n_axes_made, fig.n_axes_reused) == (5, 2)
    fresh = InteractiveFigure(draw, [Slider("a", [1.0, 2.0])], figsize=(2, 2), dpi=30, alt="x")
    fresh._reuse_axes = False
    assert fresh.frames() == frames


def _pilot_like_figure(**kw):
    """A figure like the pilot's lr_figure: a contour background, a trajectory, a loss curve
    on a fixed log axis with a legend, a badge; five learning rates (two diverging)."""
    from backprop_lab import viz
    from backprop_lab.surfaces import Quadratic, descend

    bowl = Quadratic(np.diag([1.0, 10.0]))
    w0 = np.array([-1.8, 0.9])
    W1, W2 = np.meshgrid(np.linspace(-2, 2, 31), np.linspace(-1.2, 1.2, 19))
    grid_loss = bowl.loss(np.stack([W1, W2], axis=-1))

    def background(axes):
        viz.plot_loss_surface(W1, W2, grid_loss, ax=axes[0], levels=10, minimum=(0, 0),
                              xticks=[-2, -1, 0, 1, 2], yticks=[-1, 0, 1])

    def draw(axes, lr):
        ax_path, ax_loss = axes
        path, L = descend(bowl, w0, lr, 30)
        viz.plot_trajectory(path, ax=ax_path)
        viz.plot_loss_curves({"SGD": L}, ax=ax_loss, diverge_factor=None, log_y=True,
                             ylim=(1e-6, 1e5), yticks=[1e-6, 1e-3, 1, 1e3],
                             xticks=[0, 10, 20, 30])
        ax_loss.legend(fontsize="small", loc="lower left")
        viz.value_badge(ax_loss, f"lr = {lr:g}", loc="upper right")

    return InteractiveFigure(draw, [Slider("lr", [0.02, 0.1, 0.19, 0.204, 0.22])],
                             background=background, ncols=2, figsize=(8.5, 3.1), dpi=40,
                             alt="A path on a bowl and its loss.", **kw)


def test_pilot_like_figure_reuses_its_axes_for_every_frame():
    """The fast path is taken for every frame and live redraw: the axes are made twice (the
    layout pass, the first frame) and reused for all the others. A matplotlib release that
    changes the internals the reset relies on (widgets/_axes_reuse.py) makes the reset fall
    back to new figures: frames stay right but get slower, and this test fails."""
    fig = _pilot_like_figure()
    frames = fig.frames()
    assert len(frames) == 5
    assert fig.n_axes_rebuilds == 0
    assert fig.n_axes_made == 2
    assert fig.n_axes_reused == 5  # frames 1 to 4, and frame 0 drawn again to check it
    fig.widget  # noqa: B018 - the live face renders the initial frame
    for lr in (0.1, 0.22, 0.02):
        fig.set_value("lr", lr)
    assert fig.n_redraws == 3
    assert (fig.n_axes_made, fig.n_axes_reused, fig.n_axes_rebuilds) == (2, 9, 0)
    # and the reused axes draw exactly what new axes draw
    fresh = _pilot_like_figure()
    fresh._reuse_axes = False
    assert fresh.frames() == frames
    assert fresh.n_axes_reused == 0 and fresh.n_axes_made == 7


def test_reused_axes_give_the_same_bytes_as_fresh_axes():
    fig, _ = make()
    reused = fig.frames()
    assert fig._reuse_axes
    fresh, _ = make()
    fresh._reuse_axes = False
    assert fresh.frames() == reused


def test_frame_count_is_the_product_of_control_lengths():
    fig, draw = make()
    assert fig.n_frames == 6
    frames = fig.frames()
    assert len(frames) == 6
    assert all(f.startswith(PNG_SIGNATURE) for f in frames)
    assert len(set(frames)) == 6
    # first control outermost; then the first frame once more, to verify that reusing the
    # axes left nothing behind
    assert draw.calls[-1] == (0.5, "line")
    assert draw.calls[-7:-1] == [
        (0.5, "line"),
        (0.5, "dash"),
        (1.0, "line"),
        (1.0, "dash"),
        (2.0, "line"),
        (2.0, "dash"),
    ]


def test_frames_have_the_requested_pixel_size_and_no_software_tag():
    fig, _ = make(figsize=(3, 2), dpi=40)
    png = fig.frames()[0]
    assert int.from_bytes(png[16:20], "big") == 120
    assert int.from_bytes(png[20:24], "big") == 80
    assert b"Software" not in png and b"atplotlib" not in png


def test_plain_png_option_is_deterministic_too():
    fig, _ = make(palette=False)
    assert fig.render(a=1.0) == fig.render(a=1.0)
    assert b"Software" not in fig.render(a=1.0)


def test_render_is_deterministic_and_independent_of_order():
    fig1, _ = make()
    fig2, _ = make()
    fig2.render(a=2.0, kind="dash")  # a different frame first
    assert fig1.render(a=1.0) == fig2.render(a=1.0)
    assert fig1.frames() == fig2.frames()


def _left_spine_column(png: bytes) -> int:
    """The pixel column of a one-panel frame's left spine: its first column that is dark
    over 40 % of the image's height."""
    import io

    import PIL.Image

    grey = np.asarray(PIL.Image.open(io.BytesIO(png)).convert("L"))
    return int(np.flatnonzero((grey < 160).sum(axis=0) > 0.4 * grey.shape[0])[0])


def test_constrained_layout_lays_out_every_frame_anew():
    """layout="constrained" gives every frame its own layout: the panel moves right when a
    frame's tick labels are wider; "frozen" keeps it where the widest frame needs it."""

    def draw(axes, a):
        (ax,) = axes
        ax.plot([0, 1], [0, a])
        ax.set_yticks([0, a], ["0", f"{a:.{int(a)}f}"])  # a=9: a label 11 characters wide

    def left_edges(layout):
        fig = InteractiveFigure(draw, [Slider("a", [1.0, 9.0])], figsize=(3, 2), dpi=100,
                                alt="x", layout=layout)
        frames = fig.frames()
        assert fig.render(a=1.0) == frames[0]  # deterministic too
        return fig, [_left_spine_column(png) for png in frames]

    constrained, (narrow, wide) = left_edges("constrained")
    assert wide > narrow + 40  # the 11-character label got room in its own frame only
    assert type(constrained._fig().get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    frozen, edges = left_edges("frozen")
    assert edges == [wide, wide]  # one layout, made with room for the widest labels
    assert frozen._fig().get_layout_engine() is None  # frozen: no layout pass per frame


def test_save_frames_writes_png_files(tmp_path):
    fig, _ = make()
    paths = fig.save_frames(tmp_path / "frames")
    assert [p.name for p in paths][:2] == ["frame_000.png", "frame_001.png"]
    assert len(paths) == 6
    assert paths[3].read_bytes() == fig.frames()[3]


def test_no_pyplot_figures_are_opened():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig, _ = make()
    fig.frames()
    fig.widget  # noqa: B018
    assert plt.get_fignums() == before


# ---------------------------------------------------------------- html face
def test_html_is_self_contained_ascii_and_deterministic():
    html1 = make()[0].to_html()
    html2 = make()[0].to_html()
    assert html1 == html2
    assert "http://" not in html1 and "https://" not in html1
    assert "//cdn" not in html1
    html1.encode("ascii")  # non-ASCII labels are escaped


def test_html_follows_the_dom_contract():
    fig, _ = make(
        controls=[
            Slider("a", [0.5, 1.0, 2.0], label="slope η", fmt="{:.2g}", initial=1.0),
            Choice("kind", ["line", "dash"]),
        ]
    )
    html = fig.to_html()
    dom = DOM(html)
    (root,) = dom.find("div", "bpl-player")
    assert root["data-bpl-kind"] == "figure"
    assert root["data-bpl-frame"] == "2"  # a=1.0 (index 1) x 2 kinds + kind index 0
    assert len(root["data-bpl-id"]) == 12
    assert not [a for _, a in dom.elements if "id" in a]  # no element ids to collide
    (rng,) = dom.find("input", "bpl-range", data_bpl_control="a")
    assert (rng["type"], rng["min"], rng["max"], rng["step"], rng["value"]) == (
        "range",
        "0",
        "2",
        "1",
        "1",
    )
    assert rng["aria-valuetext"] == "1"
    (sel,) = dom.find("select", "bpl-select", data_bpl_control="kind")
    assert [o["value"] for o in dom.find("option")] == ["0", "1"]
    values = dom.find("output", "bpl-value")
    assert [v["data-bpl-control"] for v in values] == ["a", "kind"]
    assert dom.texts[("output", ("bpl-value",))]  # the current value is shown
    (img,) = dom.find("img", "bpl-frame")
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == "A straight line through the origin. (slope \u03b7 = 1, kind = line)"
    assert (img["width"], img["height"]) == ("120", "80")
    assert dom.find("figcaption", "bpl-caption")
    assert dom.texts[("figcaption", ("bpl-caption",))] == "A line whose slope you choose."
    assert "slope &#951;" in html  # the label, escaped
    assert ":focus-visible" in html
    assert dom.find("script", "bpl-data") and dom.find("script")[-1] == {"class": []}


def test_html_data_holds_every_frame():
    fig, _ = make()
    data = data_of(fig.to_html())
    assert len(data["frames"]) == fig.n_frames == len(data["alts"])
    pngs = [base64.b64decode(data["images"][i]) for i in data["frames"]]
    assert pngs == fig.frames()
    assert data["controls"] == [
        {"name": "a", "labels": ["0.5", "1", "2"]},
        {"name": "kind", "labels": ["line", "dash"]},
    ]


def test_html_escapes_markup_in_captions_and_labels():
    fig, _ = make(
        draw=lambda axes, kind: axes[0].plot([0, 1]),
        caption="a < b </script>",
        controls=[Choice("kind", ["<b>", "</script>"])],
    )
    html = fig.to_html()
    assert "a &lt; b &lt;/script&gt;" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert html.count("</script>") == 2  # the data script and the player script only
    assert data_of(html)["controls"][0]["labels"] == ["<b>", "</script>"]


def test_html_id_changes_with_the_content():
    a = DOM(make()[0].to_html()).find("div", "bpl-player")[0]["data-bpl-id"]
    b = DOM(make(caption="Another caption.")[0].to_html()).find("div", "bpl-player")[0]
    assert a != b["data-bpl-id"]


def test_identical_frames_are_stored_once():
    anim = Animation(
        lambda axes, step: axes[0].plot([0, 1], [0, min(step, 2)]),
        6,
        figsize=(2, 2),
        dpi=30,
        alt="x",
        show_values=False,
    )
    data = data_of(anim.to_html())
    assert len(data["frames"]) == 6
    assert len(data["images"]) == 3
    assert data["frames"] == [0, 1, 2, 2, 2, 2]


# ---------------------------------------------------------------- live face
def test_widget_is_a_real_ipywidgets_container():
    fig, _ = make()
    assert isinstance(fig.widget, ipywidgets.VBox)
    assert fig.widget is fig.widget  # built once
    assert isinstance(fig.image, ipywidgets.Image)
    assert isinstance(fig.control_widgets["a"], ipywidgets.SelectionSlider)
    assert isinstance(fig.control_widgets["kind"], ipywidgets.Dropdown)
    assert fig.control_widgets["a"].options == (("0.5", 0.5), ("1", 1.0), ("2", 2.0))


def test_live_control_change_redraws_the_figure():
    fig, draw = make()
    before = fig.image.value
    assert before == fig.render(a=0.5, kind="line")
    fig.control_widgets["a"].value = 2.0
    assert fig.n_redraws == 1
    assert draw.calls[-1] == (2.0, "line")
    assert fig.image.value != before
    assert fig.image.value == fig.frames()[4]
    fig.set_value("kind", "dash")
    assert fig.n_redraws == 2
    assert draw.calls[-1] == (2.0, "dash")
    assert fig.image.value == fig.frames()[5]
    assert fig.last_redraw_seconds is not None and fig.last_redraw_seconds > 0


def test_set_value_rejects_unknown_names_and_values():
    fig, _ = make()
    with pytest.raises(ValueError, match="has no control 'b'"):
        fig.set_value("b", 1.0)
    with pytest.raises(ValueError, match=r"3.0 is not one of the values of control 'a'"):
        fig.set_value("a", 3.0)


def test_live_redraw_error_is_shown_and_raised():
    def draw(axes, a):
        if a > 1:
            raise ZeroDivisionError("boom")
        axes[0].plot([0, 1], [0, a])

    fig = InteractiveFigure(draw, [Slider("a", [0.5, 2.0])], alt="x", figsize=(2, 2), dpi=30)
    fig.widget  # noqa: B018
    with pytest.raises(RuntimeError, match="a=2.0"):
        fig.set_value("a", 2.0)
    assert "boom" in fig.widget.children[2].value


# ---------------------------------------------------------------- display
def test_mimebundle_has_both_faces_and_a_plain_text():
    fig, _ = make()
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {WIDGET_MIME, "text/html", "text/plain"}
    assert bundle[WIDGET_MIME]["model_id"] == fig.widget.model_id
    assert bundle["text/html"] == fig.to_html()
    assert bundle["text/plain"] == (
        "<InteractiveFigure: 6 frames (a: 3 values, kind: 2 values); "
        "A line whose slope you choose.>"
    )
    assert set(fig._repr_mimebundle_(include={"text/html"})) == {"text/html"}
    assert WIDGET_MIME not in fig._repr_mimebundle_(exclude={WIDGET_MIME})


# ---------------------------------------------------------------- animation
def draw_path(axes, step):
    (ax,) = axes
    path = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    ax.plot(path[: step + 1, 0], path[: step + 1, 1], "o-")
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(-0.5, 3.5)


def make_animation(**kw):
    kw.setdefault("figsize", (2, 2))
    kw.setdefault("dpi", 30)
    kw.setdefault("alt", "A path unrolling.")
    kw.setdefault("caption", "Four steps.")
    return Animation(draw_path, 4, **kw)


def test_animation_frames_and_html_contract():
    anim = make_animation(interval=150)
    assert anim.n_frames == 4 and len(anim.frames()) == 4
    html = anim.to_html()
    assert html == make_animation(interval=150).to_html()
    assert "http://" not in html and "https://" not in html
    dom = DOM(html)
    (root,) = dom.find("div", "bpl-player")
    assert root["data-bpl-kind"] == "animation" and root["data-bpl-frame"] == "0"
    for cls in ("bpl-play", "bpl-prev", "bpl-next"):
        (button,) = dom.find("button", cls)
        assert button["type"] == "button" and button["aria-label"]
    (scrub,) = dom.find("input", "bpl-range", data_bpl_control="step")
    assert scrub["max"] == "3"
    assert dom.find("output", "bpl-value", data_bpl_control="step")
    assert data_of(html)["interval"] == 150


def test_animation_live_face_is_play_linked_to_a_slider():
    anim = make_animation()
    box = anim.widget
    play, slider = box.children[0].children
    assert isinstance(play, ipywidgets.Play) and isinstance(slider, ipywidgets.IntSlider)
    assert (play.min, play.max, slider.max) == (0, 3, 3)
    before = anim.image.value
    slider.value = 2
    assert anim.n_redraws == 1
    assert anim.image.value != before and anim.image.value == anim.frames()[2]
    anim.set_value("step", 3)
    assert anim.image.value == anim.frames()[3]


def test_animation_draw_frame_signature_is_checked():
    with pytest.raises(TypeError, match=r"def draw_frame\(axes, step\)"):
        Animation(lambda axes: None, 3, alt="x")


def test_animation_passes_the_step_positionally():
    steps = []

    def draw_frame(axes, k):
        steps.append(k)
        axes[0].plot([0, k], [0, k])

    Animation(draw_frame, 3, alt="x", figsize=(2, 2), dpi=30).frames()
    assert steps[-4:] == [0, 1, 2, 0]  # the last: frame 0 again, the axes-reuse check


@pytest.mark.parametrize(
    ("n_frames", "kw", "err", "match"),
    [
        (0, {}, ValueError, "n_frames >= 1"),
        (2.5, {}, TypeError, "n_frames to be an integer"),
        (100, {}, ValueError, r"would render 100 frames .*every other one"),
        (3, {"interval": 1}, ValueError, r"interval \(in milliseconds\) >= 10, got 1"),
        (3, {"interval": 0.5}, TypeError, r"interval \(in milliseconds\) to be an integer"),
    ],
)
def test_animation_errors(n_frames, kw, err, match):
    with pytest.raises(err, match=match):
        Animation(draw_path, n_frames, alt="x", **kw)


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("factory", "err", "match"),
    [
        (lambda: Slider("lr", []), ValueError, "expected at least one value, got none"),
        (lambda: Slider("lr", [[0.1, 0.2], [0.3, 0.4]]), ValueError, r"1-D list of values"),
        (lambda: Slider("lr", np.ones((2, 2))), ValueError, r"got shape \(2, 2\)"),
        (lambda: Slider("lr", "abc"), TypeError, "list or 1-D array"),
        (lambda: Slider("lr", 0.1), TypeError, "list or 1-D array"),
        (lambda: Slider("lr", [0.1, 0.1]), ValueError, "distinct values"),
        (lambda: Slider("learning rate", [0.1]), ValueError, "Python identifier"),
        (lambda: Slider("axes", [0.1]), ValueError, "other than 'axes'"),
        (lambda: Slider("lr", [0.11, 0.12], fmt="{:.1f}"), ValueError, "same way"),
        (lambda: Slider("lr", ["a"], fmt="{:.2f}"), ValueError, "could not format"),
        (lambda: Slider("lr", [0.1], initial=0.5), ValueError, "initial to be one of"),
        (lambda: Choice("opt", []), ValueError, "at least one value"),
        (lambda: Slider("lr", [{"a": 1}]), TypeError, "hashable values, got a dict"),
        (lambda: Choice("opt", [{1}, {2}]), TypeError, "hashable values, got a set"),
        (lambda: Slider("lr", np.array([0.1, np.nan])), ValueError, "values that are not NaN"),
    ],
)
def test_control_errors(factory, err, match):
    with pytest.raises(err, match=match):
        factory()


def two_arg(axes, a, b):
    pass


@pytest.mark.parametrize(
    ("args", "kw", "err", "match"),
    [
        ((two_arg, []), {}, ValueError, "one or two controls, got none"),
        (
            (lambda axes, a, b, c: None, [Slider("a", [1]), Slider("b", [1]), Slider("c", [1])]),
            {},
            ValueError,
            "one or two controls, got 3",
        ),
        (
            (two_arg, [Slider("a", [1]), Choice("a", ["x"])]),
            {},
            ValueError,
            "distinct control names",
        ),
        (
            (two_arg, [Slider("a", list(range(10))), Slider("b", list(range(7)))]),
            {},
            ValueError,
            r"would render 70 frames \(a: 10 values x b: 7 values\).*max_frames=60",
        ),
        (
            (two_arg, [Slider("a", [1, 2]), Slider("b", [1, 2])]),
            {"max_frames": 3},
            ValueError,
            "fewer values",
        ),
        ((two_arg, [Slider("a", [1])]), {}, TypeError, r"cannot be called as draw\(axes, a=...\)"),
        ((lambda axes: None, [Slider("a", [1])]), {}, TypeError, "one parameter per control"),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"caption": None, "alt": None},
            ValueError,
            "caption or alt text",
        ),
        ((two_arg, [Slider("a", [1]), "b"]), {}, TypeError, "Slider"),
        ((two_arg, "ab"), {}, TypeError, "list of Slider/Choice"),
        (("draw", [Slider("a", [1])]), {}, TypeError, "expected a draw function"),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"layout": "tight"},
            ValueError,
            "layout='frozen'",
        ),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"dpi": 1000},
            ValueError,
            "dpi between 20 and 300",
        ),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"dpi": "ab"},
            TypeError,
            "dpi to be a number such as 72, got 'ab'",
        ),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"ncols": 0},
            ValueError,
            "ncols to be an integer from 1 to 4",
        ),
        (
            (two_arg, [Slider("a", [1]), Slider("b", [1])]),
            {"max_frames": 0},
            ValueError,
            "max_frames to be a positive integer",
        ),
    ],
)
def test_interactive_figure_errors(args, kw, err, match):
    kw = {"alt": "x", **kw}
    with pytest.raises(err, match=match):
        InteractiveFigure(*args, **kw)


@pytest.mark.parametrize("cls", [InteractiveFigure, Animation])
@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [
        ({"figsize": 5}, TypeError, r"figsize to be a pair \(width, height\), got 5"),
        ({"figsize": "ab"}, TypeError, r"figsize to be a pair \(width, height\), got 'ab'"),
        ({"figsize": (2, "a")}, TypeError, "figsize to hold two numbers"),
        ({"figsize": (np.inf, 3)}, ValueError, "finite width and height > 0 in figsize"),
        ({"figsize": (0, 3)}, ValueError, "finite width and height > 0 in figsize"),
        ({"figsize": (2, 3, 4)}, ValueError, r"figsize=\(width, height\) in inches"),
        ({"subplot_kw": "polar"}, TypeError, "subplot_kw to be a dict .* got 'polar'"),
        ({"subplot_kw": 5}, TypeError, "subplot_kw to be a dict .* got 5"),
    ],
)
def test_figure_options_are_checked_up_front(cls, kw, err, match):
    draw = (lambda axes, a: None) if cls is InteractiveFigure else (lambda axes, step: None)
    controls = [Slider("a", [1, 2])] if cls is InteractiveFigure else 2
    with pytest.raises(err, match=match):
        cls(draw, controls, alt="x", **kw)


def test_numpy_integers_are_integers():
    def draw(axes, a, b):  # on both panels: a blank panel is refused (audit E: 15)
        for ax in axes:
            ax.plot([0, a], [0, b])

    fig = InteractiveFigure(
        draw,
        [Slider("a", [1, 2]), Slider("b", [1])],
        nrows=np.int64(1),
        ncols=np.int64(2),
        dpi=np.int64(40),
        max_frames=np.int64(10),
        figsize=(3, 2),
        alt="x",
    )
    assert len(fig.frames()) == 2 and fig.figsize == (3.0, 2.0)
    anim = make_animation(interval=np.int64(120))
    assert anim.interval == 120 and data_of(anim.to_html())["interval"] == 120


def test_save_frames_needs_a_directory_path(tmp_path):
    fig, _ = make()
    with pytest.raises(TypeError, match=r"save_frames expected a directory path .* got None"):
        fig.save_frames(None)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a directory")
    for target in (a_file, a_file / "frames"):
        with pytest.raises(ValueError, match="notes.txt' is a file, not a directory"):
            fig.save_frames(target)
    assert fig._frames is None  # refused before rendering anything


def test_a_failing_draw_names_the_control_values_and_chains_the_cause():
    def draw(axes, a, kind):
        if kind == "dash":
            raise ValueError("cannot dash")
        axes[0].plot([0, 1], [0, a])

    fig, _ = make(draw=draw)
    with pytest.raises(RuntimeError, match=r"failed for a=0.5, kind='dash'") as info:
        fig.frames()
    assert isinstance(info.value.__cause__, ValueError)
    assert "cannot dash" in str(info.value)


def test_render_rejects_values_outside_the_control():
    fig, _ = make()
    with pytest.raises(ValueError, match="not one of the values of control 'a'"):
        fig.render(a=7.0)


def test_single_control_may_be_passed_alone():
    fig = InteractiveFigure(
        lambda axes, a: axes[0].plot([0, a]),
        Slider("a", [1, 2]),
        alt="x",
        dpi=30,
        figsize=(2, 2),
    )
    assert fig.n_frames == 2


def test_two_panels_receive_a_tuple_of_axes():
    seen = []

    def draw(axes, a):
        seen.append(len(axes))
        for ax in axes:
            ax.plot([0, 1], [0, a])

    InteractiveFigure(draw, [Slider("a", [1])], ncols=2, nrows=2, alt="x", dpi=30).frames()
    assert seen[-1] == 4


# ---------------------------------------------------------------- browser
# the `browser` fixture (one Chromium for the session) is in tests/conftest.py


def open_page(browser, html):
    page = browser.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.set_content(f"<!doctype html><html><body>{html}</body></html>")
    return page, errors, requests


@pytest.mark.browser
def test_player_moves_with_the_keyboard_in_chromium(browser):
    fig, _ = make()
    page, errors, requests = open_page(browser, fig.to_html())
    root = page.locator("div.bpl-player")
    img = page.locator("img.bpl-frame")
    value = page.locator('.bpl-value[data-bpl-control="a"]')
    src0 = img.get_attribute("src")
    assert value.text_content() == "0.5" and root.get_attribute("data-bpl-frame") == "0"
    page.locator('input.bpl-range[data-bpl-control="a"]').focus()
    page.keyboard.press("ArrowRight")
    assert value.text_content() == "1"
    assert root.get_attribute("data-bpl-frame") == "2"
    assert img.get_attribute("src") != src0
    assert (
        img.get_attribute("src")
        == "data:image/png;base64," + base64.b64encode(fig.frames()[2]).decode()
    )
    page.locator('select.bpl-select[data-bpl-control="kind"]').select_option("1")
    assert root.get_attribute("data-bpl-frame") == "3"
    assert page.locator('.bpl-value[data-bpl-control="kind"]').text_content() == "dash"
    assert "kind = dash" in img.get_attribute("alt")
    assert errors == []
    assert all(not u.startswith("http") for u in requests)
    page.close()


@pytest.mark.browser
def test_animation_buttons_step_and_play_in_chromium(browser):
    anim = make_animation(interval=50)
    page, errors, _ = open_page(browser, anim.to_html())
    root = page.locator("div.bpl-player")
    page.click("button.bpl-next")
    page.click("button.bpl-next")
    assert root.get_attribute("data-bpl-frame") == "2"
    page.click("button.bpl-prev")
    assert root.get_attribute("data-bpl-frame") == "1"
    assert page.locator('.bpl-value[data-bpl-control="step"]').text_content() == "1"
    page.click("button.bpl-play")
    page.wait_for_function(
        "document.querySelector('div.bpl-player').getAttribute('data-bpl-frame') === '3'"
    )
    page.wait_for_function(
        "document.querySelector('button.bpl-play').getAttribute('aria-pressed') === 'false'"
    )
    assert errors == []
    page.close()


@pytest.mark.browser
def test_same_figure_twice_on_a_page_both_work(browser):
    html = make()[0].to_html()
    page, errors, _ = open_page(browser, html + html)
    ranges = page.locator("input.bpl-range")
    ranges.nth(1).focus()
    page.keyboard.press("ArrowRight")
    roots = page.locator("div.bpl-player")
    assert roots.nth(0).get_attribute("data-bpl-frame") == "0"
    assert roots.nth(1).get_attribute("data-bpl-frame") == "2"
    assert errors == []
    page.close()


def test_live_image_has_no_tooltip():
    # jupyterlab_widgets 3.0.x cannot create an Image view with a tooltip (ipywidgets issue
    # 3860): the live figure then shows an error box instead of the figure in JupyterLab.
    fig, _ = make()
    assert not fig.image.tooltip


# ---------------------------------------------------------------- background
def _surface_background(axes):
    (ax,) = axes
    x, y = np.meshgrid(np.linspace(-1, 1, 21), np.linspace(-1, 1, 21))
    ax.contourf(x, y, x**2 + 3 * y**2, levels=6)
    ax.set_xlabel("w1")
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator([-1, 0, 1]))


def _path_draw(axes, a):
    (ax,) = axes
    ax.plot([-1, 0, a], [1, 0.5, 0], marker="o")
    ax.set_title(f"a = {a}")


def test_background_is_drawn_once_and_frames_equal_fresh_ones():
    calls = []

    def background(axes):
        calls.append(1)
        _surface_background(axes)

    kw = dict(figsize=(2.5, 2), dpi=40, alt="x", background=background)
    fig = InteractiveFigure(_path_draw, [Slider("a", [-0.5, 0.0, 0.5, 1.0])], **kw)
    frames = fig.frames()
    assert fig._reuse_axes, "the reset should restore everything this draw changes"
    assert len(calls) <= 2  # the layout pass, then at most one set of fresh axes
    fresh = InteractiveFigure(_path_draw, [Slider("a", [-0.5, 0.0, 0.5, 1.0])], **kw)
    fresh._reuse_axes = False
    assert fresh.frames() == frames
    assert len(set(frames)) == 4
    # the background is really there: a frame differs from the same figure without it
    bare = InteractiveFigure(_path_draw, [Slider("a", [-0.5, 0.0, 0.5, 1.0])],
                             figsize=(2.5, 2), dpi=40, alt="x")
    assert bare.frames()[0] != frames[0]


def test_background_errors():
    with pytest.raises(TypeError, match="background to be a function"):
        InteractiveFigure(_path_draw, [Slider("a", [1.0])], alt="x", background="contours")

    def broken(axes):
        raise KeyError("grid")

    fig = InteractiveFigure(_path_draw, [Slider("a", [1.0])], alt="x", background=broken)
    with pytest.raises(RuntimeError, match="background function failed: KeyError"):
        fig.frames()


@pytest.mark.parametrize(
    ("subplot_kw", "err", "match"),
    [
        ({"foo": 1}, TypeError, r"matplotlib refused subplot_kw=\{'foo': 1\}: .*'foo'"),
        ({"projection": "nope"}, ValueError, r"refused subplot_kw=.*'nope' is not a valid value"),
    ],
)
def test_subplot_kw_that_matplotlib_refuses_is_named_with_a_fix(subplot_kw, err, match):
    def draw(axes, a):
        axes[0].plot([0, a])

    fig = InteractiveFigure(draw, [Slider("a", [1.0, 2.0])], alt="x", figsize=(2, 2), dpi=30,
                            subplot_kw=subplot_kw)
    with pytest.raises(err, match=match) as info:
        fig.render(a=1.0)
    assert "Figure.add_subplot" in str(info.value)


# ---------------------------------------------------------------- audit E: draw-time errors
@pytest.mark.parametrize(
    "kw",
    [
        {"draw": lambda axes, a: axes[0].set_title(r"$\alpha_$" if a == 2 else "ok"),
         "label": "a"},
        {"draw": lambda axes, a: axes[0].plot([0, a]), "label": r"rate $\etaa$"},
    ],
)
def test_errors_raised_while_matplotlib_draws_name_the_control_values(kw):
    # matplotlib parses math text only when it draws, after draw has returned
    fig = InteractiveFigure(kw["draw"], [Slider("a", [1, 2], label=kw["label"])], alt="x",
                            figsize=(2, 2), dpi=30)
    with pytest.raises(RuntimeError, match=r"a=(1|2)") as info:
        fig.frames()
    assert "math text" in str(info.value)
    assert isinstance(info.value.__cause__, ValueError)


def test_background_error_raised_while_drawing_is_named():
    fig = InteractiveFigure(lambda axes, a: axes[0].plot([0, a]), [Slider("a", [1, 2])],
                            alt="x", figsize=(2, 2), dpi=30,
                            background=lambda axes: axes[0].set_xlabel(r"$\foo$"))
    with pytest.raises(RuntimeError, match=r"matplotlib failed to draw the figure for a=1"):
        fig.frames()


def test_live_redraw_shows_every_error_in_its_status_line():
    fig = InteractiveFigure(lambda axes, a: axes[0].set_title(r"$\alpha_$" if a == 2 else "ok"),
                            [Slider("a", [1, 2])], alt="x", figsize=(2, 2), dpi=30)
    status = fig.widget.children[2]
    with pytest.raises(RuntimeError, match="a=2"):
        fig.set_value("a", 2)
    assert "a=2" in status.value and "math text" in status.value
    fig.set_value("a", 1)  # the next good value clears it
    assert status.value == ""


def test_live_redraw_shows_errors_that_are_not_runtime_errors(monkeypatch):
    fig, _ = make()
    fig.widget  # noqa: B018

    def broken(**values):
        raise KeyError("lost")

    monkeypatch.setattr(fig, "render", broken)
    with pytest.raises(KeyError):
        fig.set_value("a", 2.0)
    assert "KeyError" in fig.widget.children[2].value


def test_draw_that_removes_its_axes_is_named():
    def draw(axes, a):
        axes[0].remove()

    fig = InteractiveFigure(draw, [Slider("a", [1, 2])], alt="x", figsize=(2, 2), dpi=30)
    with pytest.raises(RuntimeError, match=r"removed the axes .* a=1"):
        fig.frames()


# ---------------------------------------------------------------- audit E: state between frames
def _fresh_frames(draw, controls, **kw):
    """The frames a figure gets when every frame is drawn on new axes (the reference)."""
    fig = InteractiveFigure(draw, controls, **kw)
    fig._reuse_axes = False
    return fig.frames()


LEAKS = {
    "minor grid": lambda ax: ax.grid(True, which="both"),
    "tick_params": lambda ax: ax.tick_params(labelsize=14, direction="in"),
    "spines": lambda ax: ax.spines[["top", "right"]].set_visible(False),
    "facecolor": lambda ax: ax.set_facecolor("0.8"),
    "margins": lambda ax: ax.margins(0.3),
    "tick_right": lambda ax: ax.yaxis.tick_right(),
    "frame_on": lambda ax: ax.set_frame_on(False),
    "axis visible": lambda ax: ax.xaxis.set_visible(False),
    # shrinks the parent axes (with use_gridspec=True, matplotlib's default, the parent is
    # put back at the default subplot position instead: the frame's labels may be cut off)
    "colorbar": lambda ax: ax.figure.colorbar(ax.imshow([[0, 1], [1, 0]]), ax=ax,
                                              use_gridspec=False),
    "position": lambda ax: ax.set_position([0.3, 0.3, 0.5, 0.5]),
    "label size": lambda ax: ax.set_ylabel("loss", fontsize=16),
    "locator_params": lambda ax: ax.locator_params(nbins=2),
    "label position": lambda ax: ax.yaxis.set_label_position("right"),
    "figure legend": lambda ax: ax.figure.legend(["x"]),
}


@pytest.mark.parametrize("leak", list(LEAKS))
def test_every_frame_equals_a_fresh_axes_render_whatever_draw_leaves_behind(leak):
    """The state one frame sets must not reach the frames after it (audit E, item 2)."""

    def draw(axes, v):
        (ax,) = axes
        if v == "leaky":
            LEAKS[leak](ax)
        ax.plot([0, 1, 2], [1, 0.5, 0.04], label="loss")
        ax.set_yscale("log")  # minor ticks, so that a minor grid would show
        ax.set_ylabel("loss")

    controls = [Choice("v", ["leaky", "plain", "plain2"])]
    kw = dict(alt="x", figsize=(4, 3), dpi=40)
    fig = InteractiveFigure(draw, controls, **kw)
    assert fig.frames() == _fresh_frames(draw, controls, **kw)
    fig.widget  # noqa: B018 - the live view shows the same images
    fig.set_value("v", "plain")
    assert fig.image.value == fig.frames()[1]


def test_a_sweep_then_loss_curves_frame_has_no_minor_grid():
    """The audit's example: plot_lr_sweep's minor grid must not reach the curves frame."""
    from backprop_lab import viz

    def draw(axes, v):
        (ax,) = axes
        if v == "sweep":
            viz.plot_lr_sweep(np.geomspace(0.01, 1, 5), [3, 2, 1, 0.5, 0.4], ax=ax)
        else:
            viz.plot_loss_curves(np.geomspace(10, 0.01, 30), ax=ax, log_y=True)

    controls = [Choice("v", ["sweep", "curves"])]
    kw = dict(alt="x", figsize=(3, 2.4), dpi=50)
    fig = InteractiveFigure(draw, controls, **kw)
    assert fig.frames() == _fresh_frames(draw, controls, **kw)


def test_a_draw_that_leaves_nothing_behind_keeps_its_axes():
    fig, _ = make()
    fig.frames()
    axes = fig._axes
    fig.render(a=2.0, kind="dash")
    assert fig._axes is axes and fig.n_axes_rebuilds == 0


def test_a_non_deterministic_draw_is_refused():
    rng = np.random.default_rng(0)

    def draw(axes, a):
        axes[0].plot(rng.normal(size=5) * a)

    fig = InteractiveFigure(draw, [Slider("a", [1, 2])], alt="x", figsize=(2, 2), dpi=30)
    with pytest.raises(RuntimeError, match="not deterministic"):
        fig.frames()


# ---------------------------------------------------------------- audit E: layout over all frames
def _scaled(axes, scale):
    (ax,) = axes
    ax.plot(np.linspace(0, 1, 10) * scale)
    ax.set_ylabel("training loss")


def _fits(fig, png):
    """Every axes' labels and tick labels lie inside the frame (checked on the figure)."""
    renderer = fig._fig().canvas.get_renderer()
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return all(
        bb.x0 >= -1 and bb.y0 >= -1 and bb.x1 <= w + 1 and bb.y1 <= h + 1
        for bb in (ax.get_tightbbox(renderer) for ax in fig._fig().axes)
    )


def test_later_frames_whose_labels_need_more_room_get_a_layout_that_fits_them():
    values = [1, 123456.789, 0.000123]
    fig = InteractiveFigure(_scaled, [Slider("scale", values)], alt="x", dpi=60)
    frames = fig.frames()
    for v, png in zip(values, frames, strict=True):
        assert fig.render(scale=v) == png
        assert _fits(fig, png), f"scale={v} is cut off"


def test_a_frame_that_cannot_fit_is_named():
    def draw(axes, n):
        (ax,) = axes
        ax.plot([0, 1])
        ax.set_ylabel("\n".join(["loss"] * n))  # taller than the figure

    fig = InteractiveFigure(draw, [Slider("n", [1, 40])], alt="x", figsize=(3, 2), dpi=40)
    with pytest.raises(ValueError, match=r"n=40.*outside the figure"):
        fig.frames()


@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [
        ({"caption": b"abc"}, TypeError, "caption to be a str .* got bytes"),
        ({"caption": ["a", "b"]}, TypeError, "caption to be a str .* got list"),
        ({"alt": 42}, TypeError, "alt to be a str .* got int"),
        ({"caption": "", "alt": ""}, ValueError, "caption that says what the figure shows"),
        ({"caption": "   "}, ValueError, "caption that says what the figure shows"),
        ({"alt": None}, ValueError, r"docs/CHAPTER_GUIDE.md section 2"),
    ],
)
def test_caption_and_alt_must_be_real_text(kw, err, match):
    kw = {"alt": "x", **kw} if "alt" not in kw else kw
    with pytest.raises(err, match=match):
        InteractiveFigure(lambda axes, a: None, [Slider("a", [1])], **kw)


# ---------------------------------------------------------------- audit E: 5, 6, 13, 15
def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _with_subplots(axes, a):
    fig, ax = _pyplot().subplots()  # a figure of draw's own, shown by plt.show()
    ax.plot([0, a])
    _pyplot().show()


def _with_plt_plot(axes, a):
    _pyplot().plot([0, a])


@pytest.mark.parametrize("draw", [_with_subplots, _with_plt_plot])
def test_a_draw_that_draws_with_pyplot_is_refused_and_its_figures_closed(draw):
    plt = _pyplot()
    # plt.plot opens a figure only when none is current: a figure left open by an earlier
    # test would receive the line instead (and this test would check another case)
    plt.close("all")
    before = plt.get_fignums()
    fig = InteractiveFigure(draw, [Slider("a", [1, 2, 3])], figsize=(2, 2), dpi=30, alt="x")
    with pytest.raises(RuntimeError, match=r"drew nothing on the axes it was given for a=1, "
                       r"so the frame would be blank. It opened 1 pyplot figure instead"):
        fig.frames()
    assert plt.get_fignums() == before


def test_a_draw_on_a_figure_of_its_own_or_nothing_is_refused():
    from matplotlib.figure import Figure

    def own(axes, a):
        Figure().subplots().plot([0, a])

    for draw in (own, lambda axes, a: None):
        fig = InteractiveFigure(draw, [Slider("a", [1, 2])], figsize=(2, 2), dpi=30, alt="x")
        with pytest.raises(RuntimeError, match=r"drew nothing .* not on a figure of its own"):
            fig.frames()


def test_pyplot_figures_opened_besides_drawing_are_closed_with_one_warning():
    plt = _pyplot()
    before = plt.get_fignums()

    def draw(axes, a):
        axes[0].plot([0, a])
        plt.figure()

    fig = InteractiveFigure(draw, [Slider("a", [1, 2])], figsize=(2, 2), dpi=30, alt="x")
    with pytest.warns(RuntimeWarning, match="opened 1 pyplot figure .* never with plt") as rec:
        assert len(fig.frames()) == 2
    assert len(rec) == 1
    assert plt.get_fignums() == before


def test_a_failing_draw_that_opened_pyplot_figures_leaves_none_open():
    plt = _pyplot()
    before = plt.get_fignums()

    def draw(axes, a):
        plt.figure()
        raise ValueError("oops")

    fig = InteractiveFigure(draw, [Slider("a", [1])], figsize=(2, 2), dpi=30, alt="x")
    with pytest.raises(RuntimeError, match="oops"):
        fig.frames()
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    "change",
    [lambda fig, a: fig.set_size_inches(2 + a, 2), lambda fig, a: fig.set_dpi(30 + 10 * a)],
)
def test_frames_of_another_pixel_size_are_refused_naming_draw(change):
    def draw(axes, a):
        (ax,) = axes
        ax.plot([0, a])
        if a:
            change(ax.figure, a)

    fig = InteractiveFigure(draw, [Slider("a", [0, 1, 2])], figsize=(2, 2), dpi=30, alt="x")
    with pytest.raises(RuntimeError, match=r"the frame for a=1 is \d+ x \d+ px, not 60 x 60 px "
                       r"\(figsize=\(2.0, 2.0\) at dpi=30\): the draw function changed the "
                       r"figure's size or resolution"):
        fig.frames()
    # the live face says it too, and a value whose draw leaves the size alone still renders
    assert fig.render(a=0)[:8] == PNG_SIGNATURE


def test_a_panel_left_empty_is_refused_unless_turned_off():
    def one_panel(axes, a):
        axes[0].plot([0, a])

    fig = InteractiveFigure(one_panel, [Slider("a", [1, 2])], ncols=2, dpi=30, alt="x")
    with pytest.raises(RuntimeError, match=r"left panel 2 of 2 empty for a=1 .*"
                       r"axes\[1\].set_axis_off\(\)"):
        fig.frames()

    def turned_off(axes, a):
        axes[0].plot([0, a])
        axes[1].set_axis_off()

    fig = InteractiveFigure(turned_off, [Slider("a", [1, 2])], ncols=2, dpi=30, alt="x")
    assert len(fig.frames()) == 2


def test_a_frame_that_shows_only_the_background_is_allowed():
    def background(axes):
        axes[0].plot([0, 1], [0, 1], color="0.5")

    def draw_frame(axes, step):
        if step:
            axes[0].plot([0, step], [1, 0])

    anim = Animation(draw_frame, 3, background=background, figsize=(2, 2), dpi=30, alt="x")
    assert len(anim.frames()) == 3


@pytest.mark.parametrize(
    "kw",
    [
        {"figsize": (0.01, 0.01)},
        {"figsize": (1, 1), "dpi": 40},
        {"figsize": (3, 2), "dpi": 40, "ncols": 3},  # 40 px per panel
    ],
)
def test_a_frame_too_small_to_show_a_panel_is_refused_up_front(kw):
    with pytest.raises(ValueError, match=r"would make frames of \d+ x \d+ px .*at least "
                       r"50 x 50 px per panel\)\. Make the figure larger"):
        InteractiveFigure(lambda axes, a: None, [Slider("a", [1])], alt="x", **kw)


def test_the_page_weight_of_one_figure_is_bounded():
    calls = []

    def draw(axes, a):
        calls.append(a)
        axes[0].imshow(np.random.default_rng(a).random((40, 40)))  # noise: big PNGs

    controls = [Slider("a", list(range(20)))]
    fig = InteractiveFigure(draw, controls, figsize=(3, 3), dpi=60, alt="x", max_bytes=60_000)
    with pytest.raises(ValueError, match=r"in the page \(as base64 PNGs\), the first \d+ of its "
                       r"20 frames already take 0.0\d MB \(about \d.\d MB for all\), more than "
                       r"max_bytes=60000 .* Lower dpi"):
        fig.frames()
    assert len(calls) < 20  # it stops as soon as the budget is exceeded
    # the default leaves room for a few such figures on a 2.5 MB page
    from backprop_lab import widgets

    assert 0.5e6 <= widgets.MAX_FIGURE_BYTES <= 1.25e6
    assert InteractiveFigure(draw, controls, figsize=(3, 3), dpi=60, alt="x").max_bytes == (
        widgets.MAX_FIGURE_BYTES)


@pytest.mark.parametrize(
    ("bad", "error"),
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("1MB", TypeError), (True, TypeError)],
)
def test_max_bytes_must_be_a_positive_integer(bad, error):
    with pytest.raises(error, match="max_bytes to be a positive integer"):
        InteractiveFigure(lambda axes, a: None, [Slider("a", [1])], alt="x", max_bytes=bad)
    with pytest.raises(error, match="max_bytes to be a positive integer"):
        Animation(lambda axes, step: None, 2, alt="x", max_bytes=bad)


@pytest.mark.parametrize(("bad", "error"), [(2.5, TypeError), (False, TypeError)])
def test_max_frames_must_be_an_integer(bad, error):
    with pytest.raises(error, match="max_frames to be a positive integer"):
        InteractiveFigure(lambda axes, a: None, [Slider("a", [1])], alt="x", max_frames=bad)


def test_the_max_frames_message_estimates_the_weight_from_figsize_and_dpi():
    controls = [Slider("a", list(range(61)))]
    with pytest.raises(ValueError) as small:
        InteractiveFigure(lambda axes, a: None, controls, alt="x")
    with pytest.raises(ValueError) as big:
        InteractiveFigure(lambda axes, a: None, controls, alt="x", dpi=300, nrows=2, ncols=2)
    assert "10 kB at dpi=72" not in str(small.value)
    assert "at figsize=(4.0, 3.2) and dpi=72, roughly 8 kB each" in str(small.value)
    # the audit measured about 9 MB for 60 such frames (2 x 2 panels at dpi=300)
    estimate = float(str(big.value).split("so about ")[1].split(" MB")[0])
    assert 4.5 <= estimate <= 18


def test_unicode_control_names_keep_the_html_ascii():
    fig = InteractiveFigure(
        lambda axes, η: axes[0].plot([0, η]), [Slider("η", [1, 2])], figsize=(2, 2), dpi=30,
        alt="x",
    )
    html = fig.to_html()
    html.encode("ascii")
    (rng,) = DOM(html).find("input", "bpl-range")
    assert rng["data-bpl-control"] == "η"  # the attribute's value, once parsed
    assert 'data-bpl-control="&#951;"' in html


@pytest.mark.browser
def test_a_unicode_control_name_works_in_chromium(browser):
    fig = InteractiveFigure(
        lambda axes, η: axes[0].plot([0, η]), [Slider("η", [1, 2])], figsize=(2, 2), dpi=30,
        alt="x",
    )
    page, errors, _ = open_page(browser, fig.to_html())
    page.locator("input.bpl-range").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("div.bpl-player").get_attribute("data-bpl-frame") == "1"
    assert page.locator("output.bpl-value").text_content() == "2"
    assert errors == []
    page.close()
