import re
from pathlib import Path

from typer.testing import CliRunner

from parity.cli import app
from parity.identity.model import IdentityModel

METRICS_LINE = re.compile(r"^precision=\d\.\d{4} recall=\d\.\d{4} f1=\d\.\d{4} false_merge_rate=\d\.\d{4}$")


def _generated(tmp_path: Path, records: int = 400, seed: int = 5) -> Path:
    data = tmp_path / "records.csv"
    result = CliRunner().invoke(
        app, ["identity", "generate", str(data), "--records", str(records), "--seed", str(seed)]
    )
    assert result.exit_code == 0, result.output
    return data


def test_evaluate_prints_the_metrics_line_last(tmp_path: Path) -> None:
    data = _generated(tmp_path)
    with data.open("a", encoding="utf-8") as handle:
        handle.write("bad-row,,,2001-02-30,ZZZ,?,P-bad,,\n")
    result = CliRunner().invoke(app, ["identity", "evaluate", str(data)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert METRICS_LINE.match(lines[-1]), lines[-1]
    assert any(line.startswith("nationality=ERI ") for line in lines)
    assert all(METRICS_LINE.match(line.split(" ", 2)[2]) for line in lines if line.startswith("nationality="))
    assert any("bad-row" in line and "too little to match on" in line for line in lines)


def test_evaluate_refuses_a_file_without_labels(tmp_path: Path) -> None:
    data = tmp_path / "records.csv"
    data.write_text(
        "record_id,given_names,family_name,date_of_birth,nationality,sex\nr1,A,B,,ERI,M\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["identity", "evaluate", str(data)])
    assert result.exit_code == 2
    assert "true_person_id" in result.output


def test_train_writes_a_versioned_model_that_evaluate_uses(tmp_path: Path) -> None:
    data = _generated(tmp_path, records=300, seed=9)
    models = tmp_path / "models"
    models.mkdir()
    trained = CliRunner().invoke(
        app, ["identity", "train", str(models), "--records", str(data), "--seed", "3", "--threshold", "5.5"]
    )
    assert trained.exit_code == 0, trained.output
    (written,) = models.iterdir()
    model = IdentityModel.load(written)
    assert model.match_weight_threshold == 5.5
    assert written.name == f"identity-model-{model.version}.json"
    assert model.version != IdentityModel.bundled_default().version
    evaluated = CliRunner().invoke(app, ["identity", "evaluate", str(data), "--model", str(written)])
    assert evaluated.exit_code == 0, evaluated.output
    assert evaluated.stdout.splitlines()[0].startswith(f"model={model.version} ")
    assert METRICS_LINE.match(evaluated.stdout.strip().splitlines()[-1])


def test_relink_and_check_commands_run_on_a_register_file(tmp_path: Path) -> None:
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
    relinked = runner.invoke(app, ["identity", "relink", str(register), str(clusters), "--chunks", "2"])
    assert relinked.exit_code == 0, relinked.output
    rows = clusters.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "record_id,cluster_id,model_version"
    cluster_of = {row.split(",")[0]: row.split(",")[1] for row in rows[1:]}
    assert cluster_of["r1"] == cluster_of["r2"] != cluster_of["r3"]
    checked = runner.invoke(
        app,
        [
            "identity",
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


def test_calibrate_adds_a_calibration_and_keeps_the_weights(tmp_path: Path) -> None:
    bundled = IdentityModel.bundled_default()
    result = CliRunner().invoke(
        app,
        ["identity", "calibrate", str(tmp_path), "--set", "400:102", "--set", "600:103", "--fitted-on", "2026-11-24"],
    )
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.iterdir()
    model = IdentityModel.load(written)
    assert model.calibration is not None
    assert model.calibration.weight_coefficient > 0
    assert model.calibration.register_size_coefficient == 0.0
    assert model.calibration.provenance["sets"] == [{"records": 400, "seed": 102}, {"records": 600, "seed": 103}]
    assert model.calibration.provenance["weights_of_model"] == "12295d49235e4b4a"
    assert model.calibration.provenance["fitted_on"] == "2026-11-24"
    assert (model.splink_settings, model.match_weight_threshold) == (
        bundled.splink_settings,
        bundled.match_weight_threshold,
    )
    assert written.name == f"identity-model-{model.version}.json"


def test_calibrate_refuses_a_malformed_set(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["identity", "calibrate", str(tmp_path), "--set", "2000"])
    assert result.exit_code == 2
    assert "RECORDS:SEED" in result.output
