"""The live (ipywidgets) front end recomputes when a control changes."""

import json

from trialsim.explorers import all_explorers, get


def _figure_data(live):
    return json.dumps([t.to_plotly_json() for t in live.figure.data], default=str, sort_keys=True)


def test_live_celltop_explorer_recomputes():
    live = get("natural-recovery").live()
    assert set(live.controls) == {c.name for c in get("natural-recovery").controls}
    before = (live.conclusion.value, live.readouts.value, _figure_data(live))

    live.controls["design"].value = "randomised"
    live.controls["effect"].value = 0.25
    live.controls["n_per_arm"].value = 200

    assert live.outcome.params["design"] == "randomised"
    assert live.outcome.params["n_per_arm"] == 200
    after = (live.conclusion.value, live.readouts.value, _figure_data(live))
    assert after[0] != before[0] and "could be attributed to the cells" in after[0]
    assert after[1] != before[1]
    assert after[2] != before[2]
    # the widget shows exactly what the engine computes for that state
    expected = get("natural-recovery").outcome(design="randomised", effect=0.25, n_per_arm=200)
    assert live.outcome.conclusion == expected.conclusion
    assert live.figure.data[0].x[1] == expected.slots[1]


def test_every_control_of_every_explorer_is_live():
    for explorer in all_explorers():
        live = explorer.live()
        for control in explorer.controls:
            widget = live.controls[control.name]
            before = live.outcome
            new = next(v for v in control.values if v != widget.value)
            widget.value = new
            assert live.outcome.params[control.name] == new
            assert live.outcome is not before


def test_live_als_explorer_flips_when_a_placebo_arm_is_added():
    explorer = get("als-run-in")
    live = explorer.live()
    before = (live.conclusion.value, _figure_data(live))
    assert "make untreated patients look like responders" in before[0]
    live.controls["design"].value = "placebo"
    after = (live.conclusion.value, _figure_data(live))
    assert "the placebo arm measures the artefacts" in after[0]
    assert after[1] != before[1]  # the placebo patients' bars appear
    expected = explorer.outcome(design="placebo")
    assert live.outcome.conclusion == expected.conclusion
    assert list(live.figure.data[1].y) == expected.slots[10:20]
