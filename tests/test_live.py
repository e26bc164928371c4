"""The live (ipywidgets) front end recomputes when a control changes."""

import json

from trialsim.explorers import all_explorers, get


def _figure_data(live):
    return json.dumps(live.figure_spec["data"], default=str, sort_keys=True)


def test_live_celltop_explorer_recomputes():
    live = get("natural-recovery").live()
    assert set(live.values) == {c.name for c in get("natural-recovery").controls}
    before = (live.conclusion.value, live.readouts.value, _figure_data(live))

    live.set(design="randomised")
    live.set(effect=0.25, n_per_arm=200)

    assert live.outcome.params["design"] == "randomised"
    assert live.outcome.params["n_per_arm"] == 200
    after = (live.conclusion.value, live.readouts.value, _figure_data(live))
    assert after[0] != before[0] and "could be attributed to the cells" in after[0]
    assert after[1] != before[1]
    assert after[2] != before[2]
    # the widget shows exactly what the engine computes for that state
    expected = get("natural-recovery").outcome(design="randomised", effect=0.25, n_per_arm=200)
    assert live.outcome.conclusion == expected.conclusion
    assert live.figure_spec["data"][0]["x"][1] == expected.slots[1]


def test_every_control_of_every_explorer_is_live():
    for explorer in all_explorers():
        live = explorer.live()
        for control in explorer.controls:
            before = live.outcome
            new = next(v for v in control.values if v != live.values[control.name])
            live.set(**{control.name: new})
            assert live.outcome.params[control.name] == new
            assert live.outcome is not before


def test_live_als_explorer_flips_when_a_placebo_arm_is_added():
    explorer = get("als-run-in")
    live = explorer.live()
    before = (live.conclusion.value, _figure_data(live))
    assert "make untreated patients look like responders" in before[0]
    live.set(design="placebo")
    after = (live.conclusion.value, _figure_data(live))
    assert "the placebo arm measures the artefacts" in after[0]
    assert after[1] != before[1]  # the placebo patients' bars appear
    expected = explorer.outcome(design="placebo")
    assert live.outcome.conclusion == expected.conclusion
    assert list(live.figure_spec["data"][1]["y"]) == expected.slots[10:20]


def test_the_live_figure_is_plotlys_own_output_not_a_widget():
    """The figure is replaced as a plotly mime output on each change (drawn by
    JupyterLab's plotly extension), not a FigureWidget with its 5 MB of JS."""
    live = get("natural-recovery").live()
    (first,) = live.figure.outputs
    assert first["output_type"] == "display_data"
    assert first["data"]["application/vnd.plotly.v1+json"]["data"] == live.figure_spec["data"]
    live.set(design="randomised")
    (second,) = live.figure.outputs
    assert second["data"]["application/vnd.plotly.v1+json"]["data"] == live.figure_spec["data"] != first["data"][
        "application/vnd.plotly.v1+json"]["data"]
    assert not any(type(w).__name__ == "FigureWidget" for w in live.children)


def test_setting_a_control_that_does_not_exist_says_which_exist():
    import pytest

    live = get("mesems-power").live()
    with pytest.raises(ValueError, match="has no control 'dose': its controls are"):
        live.set(dose=2)


def test_the_course_lab_settings_merge_into_a_prefix(tmp_path):
    """./course lab's settings go into the environment's prefix and keep what is there."""
    import json

    from trialsim.frontends import lab

    page_config = tmp_path / "etc" / "jupyter" / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True)
    page_config.write_text(json.dumps({"disabledExtensions": {"other:plugin": True}, "keep": {"x": 1}}))
    overrides, written = lab.configure(tmp_path)
    assert written == page_config
    config = json.loads(page_config.read_text())
    assert config["keep"] == {"x": 1}
    assert config["disabledExtensions"] == {"other:plugin": True, "@jupyter/nbgrader:assignment-list": True,
                                            "@jupyter/nbgrader:course-list": True}
    settings = json.loads(overrides.read_text())
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"
    shortcuts = settings["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    assert {s["command"] for s in shortcuts if s.get("disabled")} == set(lab.ARROW_SHORTCUTS)
    assert {s["keys"][0] for s in shortcuts} == {"ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight",
                                                 "Shift ArrowDown", "Shift ArrowUp"}
    assert all(s["selector"].endswith(":not(select):not(input):not([role='slider'])")
               for s in shortcuts if not s.get("disabled"))
    assert lab.configure(tmp_path) == [overrides, page_config]  # again: the same files, nothing doubled
    assert json.loads(overrides.read_text()) == settings
