from pathlib import Path

import pytest

from parity.identity.csv_records import RecordsFileError, read_records_csv

HEADER = "record_id,given_names,family_name,date_of_birth,nationality,sex,true_person_id\n"


def test_bad_rows_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text(
        HEADER
        + "r1,Reza,Moradi,1990-02-30,IRN,M,P1\n"
        + ",Ali,Karimi,1990-01-01,IRN,M,P2\n"
        + "r3,Ali,Karimi,,IRN,M,\n",
        encoding="utf-8",
    )
    loaded = read_records_csv(path, require_labels=True)
    assert [r.record_id for r in loaded.records] == ["r1"]
    assert loaded.records[0].date_of_birth is None
    assert "not a valid" in loaded.issues["r1"][0]
    assert {r.reason for r in loaded.rejected} == {"no record id", "no true_person_id: cannot be evaluated"}


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text("record_id,given_names\nr1,Reza\n", encoding="utf-8")
    with pytest.raises(RecordsFileError, match="family_name"):
        read_records_csv(path)
