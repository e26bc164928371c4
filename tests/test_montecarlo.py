"""Simulated rates precise enough to teach chance: the half-width, the
until-precise runner, the stored tables (regenerated and compared), and every
state of every explorer within half a percentage point."""

import json

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from trialsim import tables
from trialsim.explorers import all_explorers
from trialsim.stats import als, montecarlo


@pytest.mark.parametrize("share,reps", [(0.5, 38_415), (0.05, 2000), (0.0, 2000), (1.0, 5000), (0.31, 123)])
def test_halfwidth_is_the_wider_side_of_the_wilson_interval(share, reps):
    low, high = proportion_confint(round(share * reps), reps, alpha=0.05, method="wilson")
    p = round(share * reps) / reps
    assert montecarlo.halfwidth(p, reps) == pytest.approx(max(p - low, high - p), rel=1e-9)


def test_a_rate_of_one_half_needs_about_38_thousand_trials():
    assert montecarlo.reps_needed(0.5) == 38_415
    assert montecarlo.halfwidth(0.5, 38_415) == pytest.approx(0.005, abs=2e-6)
    assert montecarlo.halfwidth(0.5, montecarlo.MAX_REPS) < montecarlo.TARGET_HALFWIDTH


def test_until_precise_stops_once_every_rate_is_precise_and_is_reproducible():
    def coin(p):
        return lambda rng, reps: {"hit": rng.random(reps) < p, "value": rng.normal(size=reps)}

    rare = montecarlo.until_precise(coin(0.002), ["hit"], seed=4)
    assert rare["reps"] == montecarlo.MIN_REPS                      # precise after the first batch
    even = montecarlo.until_precise(coin(0.5), ["hit"], seed=4)
    assert even["reps"] == montecarlo.MAX_REPS and even["halfwidth"] <= montecarlo.TARGET_HALFWIDTH
    middling = montecarlo.until_precise(coin(0.1), ["hit"], seed=4)
    assert montecarlo.MIN_REPS < middling["reps"] < montecarlo.MAX_REPS
    assert middling["halfwidth"] <= montecarlo.TARGET_HALFWIDTH
    assert montecarlo.halfwidth(middling["hit"].mean(), middling["reps"]) == pytest.approx(middling["halfwidth"])
    again = montecarlo.until_precise(coin(0.1), ["hit"], seed=4)
    assert np.array_equal(again["value"], middling["value"])
    other = montecarlo.until_precise(coin(0.1), ["hit"], seed=5)
    assert not np.array_equal(other["value"][:100], middling["value"][:100])


def test_until_precise_names_what_is_wrong():
    with pytest.raises(ValueError, match="no rate named hit"):
        montecarlo.until_precise(lambda rng, reps: {"other": np.zeros(reps)}, ["hit"], seed=1)
    with pytest.raises(ValueError, match="first axis must be the 2000 trials"):
        montecarlo.until_precise(lambda rng, reps: {"hit": np.zeros(3)}, ["hit"], seed=1)
    with pytest.raises(ValueError, match="share"):
        montecarlo.halfwidth(1.5, 10)


def test_run_in_trials_run_until_precise():
    out = als.simulate_run_in_trials(n=19, design="placebo", effect=0.0, enrol="fast", dropout="informative",
                                        shape="slowing", reps="precise", seed=3)
    assert out["halfwidth"] <= montecarlo.TARGET_HALFWIDTH and out["reps"] >= montecarlo.MIN_REPS
    for name in als.ENDPOINTS:
        assert montecarlo.halfwidth(out[f"report_{name}"], out["reps"]) <= montecarlo.TARGET_HALFWIDTH


@pytest.fixture(scope="module")
def every_table():
    found = tables.all_tables()
    assert {t.name for t in found} == {"als-run-in", "liver", "meta-moderators"}
    return found


def test_every_stored_table_is_complete_and_precise(every_table):
    for table in every_table:
        rows = table.load()
        assert len(rows) == len(list(table.settings()))
        for key, values in rows.items():
            # recompute the half-width from the stored rates and trials, not from the stored half-width
            rates = [v for name, v in values.items() if name.startswith(("report_", "found_", "many_", "by_m"))]
            flat = [float(x) for r in rates for x in np.atleast_1d(r)]
            assert flat, f"{table.name} {key}: no rates stored"
            assert montecarlo.worst_halfwidth(flat, values["reps"]) <= montecarlo.TARGET_HALFWIDTH + 1e-6, key
            assert values["reps"] >= montecarlo.MIN_REPS


def test_stored_tables_are_what_their_seed_regenerates(every_table):
    """The two quickest settings of each table, regenerated from the stored
    seed, equal the file: a change to a simulator without a rebuilt table
    fails here."""
    for table in every_table:
        assert table.check(table.cheapest(2)) == []


def test_a_stale_or_missing_table_says_how_to_rebuild_it(tmp_path, monkeypatch, every_table):
    table = every_table[-1]
    (tmp_path / "tables").mkdir()
    lines = table.path.read_text().splitlines()
    head = json.loads(lines[0])
    head["version"] += 1
    (tmp_path / "tables" / table.path.name).write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n")
    monkeypatch.setenv("TRIALSIM_DATA", str(tmp_path))
    fresh = tables.Table(table.name, table.keys, table.values, table.compute, table.seed, table.version)
    with pytest.raises(tables.TableError, match=rf"stale \(version changed\).*\./course tables {table.name}"):
        fresh.load()
    (tmp_path / "tables" / table.path.name).write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(tables.TableError, match="stale: it holds"):
        tables.Table(table.name, table.keys, table.values, table.compute, table.seed, table.version).load()
    (tmp_path / "tables" / table.path.name).unlink()
    with pytest.raises(tables.TableError, match="is missing.*./course tables"):
        tables.Table(table.name, table.keys, table.values, table.compute, table.seed, table.version).load()


def test_every_simulated_rate_on_every_explorer_state_is_within_half_a_point():
    checked = 0
    for explorer in all_explorers():
        if not explorer.monte_carlo:
            continue
        worst = max(out.numbers["mc_halfwidth"] for out in explorer.all_outcomes())
        assert worst <= montecarlo.TARGET_HALFWIDTH, f"{explorer.name}: worst half-width {worst:.4f}"
        checked += 1
    assert checked == 4
