"""The compiled-template cache renders byte-identical projects and leaves Jinja as it was."""

from __future__ import annotations

import contextlib
import filecmp
from pathlib import Path

import pytest
from jinja2 import Environment
from jinja2.sandbox import SandboxedEnvironment

from dlgen import jinja_cache, matrix
from dlgen.render import render


def differing(left: Path, right: Path) -> list[str]:
    def walk(cmp: filecmp.dircmp) -> list[str]:
        found = cmp.diff_files + cmp.left_only + cmp.right_only + cmp.funny_files
        return found + [name for sub in cmp.subdirs.values() for name in walk(sub)]

    return walk(filecmp.dircmp(left, right, ignore=[]))


@pytest.mark.parametrize("index", [0, 1])
def test_projects_render_the_same_with_and_without_the_cache(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two combinations far apart in the plan (other frameworks, tasks, options), each rendered
    # twice through the cache (the second render is served from it) and once without it.
    plan = matrix.plan()
    combo = plan[index * (len(plan) // 2) + 3]
    template = matrix.template_snapshot()
    for run in ("cached", "again"):
        render(combo.answers("proj"), tmp_path / run / "proj", template=template)
    monkeypatch.setattr(jinja_cache, "compiled_templates", contextlib.nullcontext)
    render(combo.answers("proj"), tmp_path / "plain" / "proj", template=template)
    assert differing(tmp_path / "cached", tmp_path / "plain") == []
    assert differing(tmp_path / "again", tmp_path / "plain") == []


def test_the_cache_tells_environments_apart_and_is_removed_after_use() -> None:
    source = "{% if x %}<<x>>{% endif %} {{ y }}"
    plain = Environment()
    angled = Environment(variable_start_string="<<", variable_end_string=">>")
    with jinja_cache.compiled_templates():
        with jinja_cache.compiled_templates():  # nested, as renders on two threads do
            assert plain.from_string(source).render(x=1, y=2) == "<<x>> 2"
        assert angled.from_string(source).render(x=1, y=2) == "1 {{ y }}"
        assert SandboxedEnvironment().from_string(source).render(x=1, y=2) == "<<x>> 2"
        assert Environment.compile is not jinja_cache._original
    assert Environment.compile is jinja_cache._original
