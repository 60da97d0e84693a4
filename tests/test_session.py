"""helpers.session: the start of every lesson and the results it leaves."""

import json

from helpers import session


def test_start_lesson_prints_one_line_of_versions(capsys, keras):
    session.start_lesson(seed=5)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("seed 5; python 3.11")
    assert f"keras {keras.__version__}" in out[0]
    assert keras.backend.backend() == "tensorflow"


def test_save_results_is_atomic_json(tmp_path):
    path = session.save_results("99_demo", {"b": 2, "a": 1}, build_dir=tmp_path)
    assert path == tmp_path / "results" / "99_demo.json"
    assert json.loads(path.read_text()) == {"a": 1, "b": 2}
    assert [p.name for p in path.parent.iterdir()] == ["99_demo.json"]
