"""Fuzzed `dlgen new`: every input renders a valid project or fails with one line, exit 2, nothing written.

Hypothesis drives the CLI with odd project names (unicode, Jinja and shell syntax, paths,
keywords, very long), unknown and incompatible options and wrong types. Valid names are
rendered for real; `DLGEN_FUZZ_EXAMPLES` sets the count (CI: 500).
"""

from __future__ import annotations

import keyword
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlgen.catalog import CATALOG
from dlgen.cli import app

PAYLOADS = [
    "{{ 7*7 }}", "{% raw %}", "{{cookiecutter.x}}", "$(touch pwned)", "`id`", "../escape", "/abs/path",
    "a/b", "name with spaces", "-rf", "--help", "café", "数据", "x" * 300, "", " ", "\x00", "con", "nul",
] + list(keyword.kwlist)  # fmt: skip

names = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,70}", fullmatch=True),
)


def option(question: str) -> st.SearchStrategy[str | None]:
    valid = CATALOG.choices(question, {"task": "image_classification", "framework": "pytorch"})
    return st.one_of(
        st.none(), st.sampled_from(valid), st.text(max_size=12), st.sampled_from(["detr", "tpu", "jax"])
    )


@settings(
    max_examples=int(os.environ.get("DLGEN_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=names,
    architecture=option("architecture"),
    hardware=option("hardware"),
    export=st.one_of(st.none(), st.sampled_from(["onnx", "none", "onnx,torch_export", "tflite", ",,"])),
    tracker=option("tracker"),
)
def test_new_never_half_fails(runner, name, architecture, hardware, export, tracker) -> None:
    if "\x00" in name:
        name = name.replace("\x00", "")  # argv cannot carry NUL bytes
    workdir = Path(tempfile.mkdtemp(prefix="dlgen-fuzz-"))
    try:
        args = ["new", str(workdir / "p"), "--name", name, "--defaults"]
        for flag, value in (
            ("--architecture", architecture),
            ("--hardware", hardware),
            ("--tracker", tracker),
        ):
            if value is not None:
                args += [flag, value]
        if export is not None:
            args += ["--export", export]
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            answers = yaml.safe_load((workdir / "p/.copier-answers.yml").read_text())
            assert answers["project_name"] == name
            package = name.lower().replace("-", "_")
            assert package.isidentifier() and (workdir / "p/src" / package / "__init__.py").is_file()
            assert [p.name for p in workdir.iterdir()] == ["p"]
        else:
            assert result.exit_code == 2, result.output
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert list(workdir.iterdir()) == []
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
