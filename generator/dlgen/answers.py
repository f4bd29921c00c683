"""Answers: where they come from, in which order they win, and whether they are valid.

Precedence is written down once, here: command-line flag > answers file > interactive
prompt > catalog default. Each question is resolved in the order of `QUESTIONS`, so the
choices offered for a question depend only on the answers before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from dlgen.catalog import CATALOG, MULTI_SELECT, QUESTIONS, Catalog
from dlgen.errors import DlgenError
from dlgen.names import check_project_name

# ask(question, allowed_choices, default) -> answer; None means "no prompting".
Asker = Callable[[str, list[str], Any], Any]


def load_data_file(path: Path) -> dict[str, Any]:
    """Read answers from YAML/JSON (a `.copier-answers.yml` works too: `_` keys are skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DlgenError(f"cannot read answers file {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        raise DlgenError(f"answers file {path} is not valid YAML/JSON{line}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DlgenError(f"answers file {path} must hold a mapping of question: answer")
    unknown = sorted(k for k in data if isinstance(k, str) and not k.startswith("_") and k not in QUESTIONS)
    if unknown or any(not isinstance(k, str) for k in data):
        raise DlgenError(
            f"answers file {path} has unknown questions {unknown}; known: {', '.join(QUESTIONS)}"
        )
    return {k: v for k, v in data.items() if not k.startswith("_")}


def normalise_list(question: str, value: Any) -> list[str]:
    """Export and serving answers may be a list, a comma-separated string, or 'none'."""
    what = "formats" if question == "export" else "servers"
    if value is None:
        return []
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list | tuple):
        items = [v.strip() if isinstance(v, str) else v for v in value]
    else:
        raise DlgenError(f"{question} must be a list of {what}, not {value!r}")
    if any(not isinstance(v, str) for v in items):
        raise DlgenError(f"{question} must be a list of {what[:-1]} names, not {value!r}")
    return [v for v in dict.fromkeys(items) if v and v != "none"]


def check_answer(question: str, value: Any, answers: Mapping[str, Any], catalog: Catalog) -> Any:
    """Validate one answer against the choices the catalog allows given earlier answers."""
    if question == "project_name":
        return check_project_name(value)
    allowed = catalog.choices(question, answers)
    context = ", ".join(f"{q}={answers[q]}" for q in ("task", "architecture", "framework") if q in answers)
    where = f" for {context}" if context and question not in ("task", "ci") else ""
    if question == "serving":
        context = ", ".join(f"{q}={answers[q]}" for q in ("task", "framework") if q in answers)
        exports = ",".join(answers.get("export") or []) or "none"
        where = f" for {context}, export={exports}"
    if question in MULTI_SELECT:
        items = normalise_list(question, value)
        bad = [f for f in items if f not in allowed]
        if bad:
            raise DlgenError(
                f"invalid {question} {', '.join(bad)}{where}; choose from: {', '.join(allowed) or 'none'}"
            )
        return items
    if not isinstance(value, str) or value not in allowed:
        raise DlgenError(f"invalid {question} {value!r}{where}; choose from: {', '.join(allowed)}")
    return value


def resolve(
    flags: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    ask: Asker | None = None,
    catalog: Catalog = CATALOG,
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Combine answer sources with precedence flag > data file > prompt > default.

    `defaults` replaces catalog defaults (e.g. the project name taken from the destination).
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    data = dict(data or {})
    defaults = dict(defaults or {})
    answers: dict[str, Any] = {}
    for question in QUESTIONS:
        if question in flags:
            value = flags[question]
        elif question in data:
            value = data[question]
        else:
            default = defaults.get(question, catalog.default(question, answers))
            choices = [] if question == "project_name" else catalog.choices(question, answers)
            if ask is None or (question in MULTI_SELECT and not choices):  # nothing to pick
                value = default
            else:
                value = ask(question, choices, default)
        answers[question] = check_answer(question, value, answers, catalog)
    return answers
