"""helpers.session: the start of every lesson and the results it leaves."""

import json

import pytest

from helpers import session


def test_start_lesson_prints_one_line_of_versions(capsys, keras):
    session.start_lesson(seed=5)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("seed 5; python 3.")
    assert out[0].endswith("; device CPU")
    assert f"keras {keras.__version__}" in out[0]
    assert keras.backend.backend() == "tensorflow"


def test_save_results_writes_the_record_schema(tmp_path, keras):
    path = session.save_results("99_demo", {"b": 2, "a": float("nan")}, epoch_seconds={"net": [1.5, 1.25]},
                                details={"per_seed": [0.9, 0.91]}, build_dir=tmp_path)
    assert path == tmp_path / "results" / "99_demo.json"
    text = path.read_text()
    assert "NaN" not in text  # strict JSON: NaN is written as null
    record = json.loads(text)
    assert set(record) == set(session.RECORD_FIELDS)
    assert record["schema"] == session.SCHEMA and record["lesson"] == "99_demo"
    assert record["key_metrics"] == {"a": None, "b": 2}
    assert record["epoch_seconds"] == {"net": [1.5, 1.25]}
    assert record["details"] == {"per_seed": [0.9, 0.91]}
    assert record["device"] == "CPU" and record["versions"]["keras"] == keras.__version__
    assert [p.name for p in path.parent.iterdir()] == ["99_demo.json"]


@pytest.mark.parametrize("bad", [{}, {"acc": "high"}, {"acc": True}, [("acc", 1)], None])
def test_save_results_refuses_key_metrics_that_are_not_numbers(tmp_path, bad):
    with pytest.raises(TypeError, match="key_metrics"):
        session.save_results("99_demo", bad, build_dir=tmp_path)
    assert not (tmp_path / "results").exists()  # nothing half-written
