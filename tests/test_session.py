"""helpers.session: the start of every lesson and the results it leaves."""

import json
import sys
from types import SimpleNamespace

import pytest

from helpers import session


def test_start_lesson_prints_one_line_of_versions_backend_device_and_tf32(capsys, keras):
    session.start_lesson(seed=5)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("seed 5; python 3.")
    assert out[0].endswith("; backend tensorflow, device CPU, TF32 off")
    assert f"keras {keras.__version__}" in out[0]
    assert keras.backend.backend() == "tensorflow"
    assert list(session.versions()) == ["python", "numpy", "tensorflow", "keras", "matplotlib"]


def test_tf32_is_off_in_tensorflow_and_the_line_would_say_so_if_not(keras):
    import tensorflow as tf

    assert not tf.config.experimental.tensor_float_32_execution_enabled()
    try:
        tf.config.experimental.enable_tensor_float_32_execution(True)
        assert session.tf32() == "on"  # the printed word is read from TensorFlow, not written down
    finally:
        session.turn_tf32_off("tensorflow")
    assert session.tf32() == "off"
    with pytest.raises(ValueError, match="backend must be one of tensorflow, jax, torch, got 'numpy'"):
        session.turn_tf32_off("numpy")


def test_a_backend_the_lessons_do_not_run_on_gets_a_clear_error(keras, monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "numpy")  # as if KERAS_BACKEND=numpy at import
    with pytest.raises(
        RuntimeError, match="the lessons run Keras on tensorflow, jax, torch, but KERAS_BACKEND='numpy'"
    ):
        session.configure_backend()


def test_records_go_to_build_in_the_working_directory_read_at_each_call(tmp_path, monkeypatch, keras):
    monkeypatch.delenv("COURSE_BUILD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert session.default_build_dir() == tmp_path / "build"
    assert session.save_results("99_demo", {"a": 1}) == tmp_path / "build" / "results" / "99_demo.json"
    monkeypatch.setenv("COURSE_BUILD_DIR", "elsewhere")  # relative: to the working directory, when used
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert session.default_build_dir() == tmp_path / "sub" / "elsewhere"


def test_save_results_writes_the_record_schema(tmp_path, keras):
    path = session.save_results(
        "99_demo",
        {"b": 2, "a": float("nan")},
        epoch_seconds={"net": [1.5, 1.25]},
        details={"per_seed": [0.9, 0.91]},
        build_dir=tmp_path,
    )
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


def stand_in_torch(cuda_name=None):
    """A module standing in for torch (not installed here): its TF32 switches on, as on a fresh import."""
    cuda = SimpleNamespace(is_available=lambda: cuda_name is not None, get_device_name=lambda index: cuda_name)
    backends = SimpleNamespace(
        cuda=SimpleNamespace(matmul=SimpleNamespace(allow_tf32=True)),
        cudnn=SimpleNamespace(allow_tf32=True),
        mps=SimpleNamespace(is_available=lambda: False),
    )
    return SimpleNamespace(__version__="9.9.0", cuda=cuda, backends=backends)


def test_on_torch_tf32_goes_off_and_the_line_names_torch_and_its_gpu(keras, monkeypatch):
    torch = stand_in_torch(cuda_name="NVIDIA A100-SXM4-40GB")
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    assert session.tf32() == "on"
    session.turn_tf32_off("torch")
    assert (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) == (False, False)
    assert session.tf32() == "off"
    assert session.device() == "GPU (NVIDIA A100-SXM4-40GB)"
    assert list(session.versions()) == ["python", "numpy", "torch", "tensorflow", "keras", "matplotlib"]
    monkeypatch.setitem(sys.modules, "torch", stand_in_torch())
    assert session.device() == "CPU"


def test_on_jax_tf32_goes_off_and_an_accelerator_is_named_by_its_platform(keras, monkeypatch):
    settings = {}
    config = SimpleNamespace(update=settings.__setitem__, jax_default_matmul_precision=None)
    jax = SimpleNamespace(
        __version__="0.0.1", config=config, devices=lambda: [SimpleNamespace(platform="gpu", device_kind="NVIDIA H100")]
    )
    monkeypatch.setitem(sys.modules, "jax", jax)
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    assert session.tf32() == "on"  # JAX's default precision may use TF32 on such a GPU
    session.turn_tf32_off("jax")
    assert settings == {"jax_default_matmul_precision": "highest"}
    config.jax_default_matmul_precision = "highest"
    assert session.tf32() == "off"
    assert session.device() == "GPU (NVIDIA H100)"
    jax.devices = lambda: [SimpleNamespace(platform="cpu", device_kind="cpu")]
    assert session.device() == "CPU"
