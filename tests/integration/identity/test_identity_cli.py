import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from parity.identity.cli import check_command, evaluate_command, generate_command, relink_command

METRICS_LINE = re.compile(r"^precision=\d\.\d{4} recall=\d\.\d{4} f1=\d\.\d{4} false_merge_rate=\d\.\d{4}$")


def app() -> typer.Typer:
    identity = typer.Typer()
    identity.command("evaluate")(evaluate_command)
    identity.command("generate")(generate_command)
    return identity


def test_evaluate_prints_the_metrics_line_last(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "records.csv"
    assert runner.invoke(app(), ["generate", str(data), "--records", "400", "--seed", "5"]).exit_code == 0
    with data.open("a", encoding="utf-8") as handle:
        handle.write("bad-row,,,2001-02-30,ZZZ,?,P-bad,,\n")
    result = runner.invoke(app(), ["evaluate", str(data)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert METRICS_LINE.match(lines[-1])
    assert any(line.startswith("nationality=ERI ") for line in lines)
    assert any("bad-row" in line and "too little to match on" in line for line in lines)


def test_evaluate_refuses_a_file_without_labels(tmp_path: Path) -> None:
    data = tmp_path / "records.csv"
    data.write_text(
        "record_id,given_names,family_name,date_of_birth,nationality,sex\nr1,A,B,,ERI,M\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app(), ["evaluate", str(data)])
    assert result.exit_code == 2
    assert "true_person_id" in result.output


def test_relink_and_check_commands_run_on_a_register_file(tmp_path: Path) -> None:
    identity = app()
    identity.command("relink")(relink_command)
    identity.command("check")(check_command)
    runner = CliRunner()
    register = tmp_path / "register.csv"
    register.write_text(
        "record_id,given_names,family_name,date_of_birth,nationality,sex,document_number,biometric_id\n"
        "r1,Hossein,Rezaei,1994-03-17,IRN,M,K1234567,FP-1\n"
        "r2,Hosein,Rezai,1994-03-17,IRN,M,,\n"
        "r3,Senait,Tesfay,1997-01-01,ERI,F,,\n",
        encoding="utf-8",
    )
    clusters = tmp_path / "clusters.csv"
    relinked = runner.invoke(identity, ["relink", str(register), str(clusters), "--chunks", "2"])
    assert relinked.exit_code == 0, relinked.output
    rows = clusters.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "record_id,cluster_id,model_version"
    cluster_of = {row.split(",")[0]: row.split(",")[1] for row in rows[1:]}
    assert cluster_of["r1"] == cluster_of["r2"] != cluster_of["r3"]
    checked = runner.invoke(
        identity,
        [
            "check",
            str(register),
            "--given-names",
            "Rezaei",
            "--family-name",
            "Hossein",
            "--date-of-birth",
            "1994-03-17",
        ],
    )
    assert checked.exit_code == 0, checked.output
    first_candidate = checked.stdout.splitlines()[1]
    assert first_candidate.startswith("FLAG r")
    assert "name=" in first_candidate
