"""trialsim.data: schemas, clear errors, and citations that resolve."""

import re
from pathlib import Path

import pytest

from trialsim import data

ROOT = Path(__file__).resolve().parents[1]


def test_celltop_summary_loads_with_published_numbers():
    facts = data.facts("celltop_summary")
    assert facts["n_enrolled"] == 10 and facts["n_improved_ais"] == 7
    assert facts["late_conversion"] == pytest.approx(0.056)
    assert isinstance(facts["n_enrolled"], int)


def test_every_source_is_in_the_bibliography_and_every_data_set_has_a_card():
    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for name in data.SCHEMAS:
        frame = data.load(name)
        if "source" in frame.columns:
            for status, source in zip(frame["status"], frame["source"].fillna("")):
                if status == "illustrative":
                    assert source == "", "model assumptions carry no citation"
                else:
                    assert source in keys, f"{name}: source {source!r} not in references.bib"
        assert (ROOT / "datasets" / f"{name}.md").is_file(), f"data card for {name} missing"


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(data.DataError, match=r"celltop_summary.*missing.*celltop_summary\.csv"):
        data.load("celltop_summary", folder=tmp_path)


def test_missing_column_names_the_column(tmp_path):
    (tmp_path / "celltop_summary.csv").write_text("key,value,status,source\nn,1,P,x\n")
    with pytest.raises(data.DataError, match=r"lacks column\(s\) description"):
        data.load("celltop_summary", folder=tmp_path)


def test_unknown_data_set_and_bad_values(tmp_path):
    with pytest.raises(data.DataError, match="unknown data set 'nope'"):
        data.load("nope")
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,1,maybe,x,d\n")
    with pytest.raises(data.DataError, match="unknown status value.*maybe"):
        data.load("celltop_summary", folder=tmp_path)
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,1,P,x,d\nn,2,P,x,d\n")
    with pytest.raises(data.DataError, match="repeats key.*n"):
        data.facts("celltop_summary", folder=tmp_path)
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,ten,P,x,d\n")
    with pytest.raises(data.DataError, match="value of 'n' is 'ten'"):
        data.facts("celltop_summary", folder=tmp_path)


def test_datasets_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALSIM_DATA", str(tmp_path / "absent"))
    with pytest.raises(data.DataError, match="TRIALSIM_DATA"):
        data.datasets_dir()
