"""`copier.yml` and `cookiecutter.json`, derived from the catalog.

Both files must be static for copier and cookiecutter to read them, so they are generated
here and committed; `dlgen sync-config` rewrites them and a test fails when they drift.
"""

from __future__ import annotations

import json
import keyword
from pathlib import Path
from typing import Any

import yaml

from dlgen.catalog import CATALOG, MULTI_SELECT, QUESTIONS, Catalog, Option, Server
from dlgen.names import MAX_NAME_LENGTH, NAME_PATTERN, RESERVED_PACKAGES
from dlgen.support import all_supports

HEADER = "# Generated from generator/dlgen/catalog.py by `dlgen sync-config`. Do not edit by hand.\n"

HELP = {
    "project_name": "Project name (letters, digits, '-', '_'; starts with a letter)",
    "task": "Task",
    "architecture": "Architecture",
    "framework": "Framework",
    "hardware": "Target hardware",
    "export": "Export formats",
    "serving": "Model servers to package for",
    "tracker": "Experiment tracker",
    "ci": "CI provider",
}


def _supported_by_task(kind: str, condition: str = "") -> dict[str, Any]:
    """A computed yes/no answer: `condition` holds and the support modules list the task under
    `kind` for the chosen framework (the `onnx_deployment`, `pruning`, ... tuples)."""
    pairs = [f"{s.id}:{task}" for s in all_supports() for task in getattr(s, kind)]
    return {
        "type": "bool",
        "default": "{{ " + condition + "(framework ~ ':' ~ task) in " + _jinja_list(pairs) + " }}",
        "when": False,
    }


def _jinja_list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _unless(condition: str, message: str) -> str:
    return "{% if " + condition + " %}" + message + "{% endif %}"


def _framework_gate(option: Option) -> str:
    return _unless(
        f"framework not in {_jinja_list(list(option.frameworks))}",
        "not available for {{ framework }}",
    )


def _server_blocked(server: Server, catalog: Catalog) -> str:
    """The Jinja condition under which `server` cannot be picked: it needs its framework, its
    export formats (its own and serve's) and a task that has `serve`."""
    pairs = [f"{fw}:{task}" for fw in server.frameworks for task in catalog.serve_tasks.get(fw, ())]
    missing = " or ".join(f"'{format}' not in export" for format in server.exports)
    return f"{missing} or (framework ~ ':' ~ task) not in {_jinja_list(pairs)}"


def _server_gate(server: Server, catalog: Catalog) -> str:
    formats = " and ".join(server.exports) + (" exports" if len(server.exports) > 1 else " export")
    return _unless(
        _server_blocked(server, catalog),
        "needs " + " or ".join(server.frameworks) + f", the {formats} and a task with serve",
    )


def _any_server_offered(servers: tuple[Server, ...], catalog: Catalog) -> str:
    """`when:` of the serving question: asked only if one of its choices can be picked (else
    copier would show a list whose every choice is disabled)."""
    blocked = " and ".join(f"({_server_blocked(server, catalog)})" for server in servers)
    return "{{ not (" + (blocked or "true") + ") }}"


def _project_name_question(catalog: Catalog) -> dict[str, Any]:
    reserved = sorted(set(keyword.kwlist) | set(RESERVED_PACKAGES))
    package = "(project_name | lower | replace('-', '_'))"
    validator = (
        "{% if not (project_name | regex_search('" + NAME_PATTERN + "')) %}"
        "invalid project name: use letters, digits, '-' and '_', start with a letter, "
        f"at most {MAX_NAME_LENGTH} characters"
        "{% elif " + package + " in " + _jinja_list(reserved) + " %}"
        "invalid project name: its package name would shadow a Python keyword or a library"
        "{% endif %}"
    )
    return {
        "type": "str",
        "help": HELP["project_name"],
        "default": catalog.defaults["project_name"],
        "validator": validator,
    }


def _choice_question(
    question: str,
    options: dict[str, tuple[str, str]],
    default: Any,
    multiselect: bool = False,
) -> dict[str, Any]:
    """options: value -> (label, validator)."""
    choices: dict[str, Any] = {}
    for value, (label, validator) in options.items():
        choices[label] = {"value": value, "validator": validator} if validator else value
    spec: dict[str, Any] = {"type": "str", "help": HELP[question], "choices": choices}
    if multiselect:
        spec["multiselect"] = True
    spec["default"] = default
    return spec


def copier_config(catalog: Catalog = CATALOG) -> dict[str, Any]:
    """The copier.yml mapping: settings, questions in catalog order, derived names."""
    tasks = catalog.offered_tasks()
    archs: dict[str, list[str]] = {}
    for task in tasks:
        for arch in catalog.architectures_for(task.id):
            archs.setdefault(arch.id, []).append(task.id)
    # One choice per id; an id several tasks use (resnet) names each task's model.
    labels = {
        arch_id: " / ".join(catalog.architecture(task, arch_id).label for task in arch_tasks)  # type: ignore[union-attr]
        for arch_id, arch_tasks in archs.items()
    }
    pairs = {
        fw.id: [f"{a.task}:{a.id}" for a in catalog.architectures if fw.id in a.frameworks]
        for fw in catalog.offered_frameworks()
    }
    arch_defaults = {t.id: catalog.default("architecture", {"task": t.id}) for t in tasks}
    fw_defaults = {
        f"{t.id}:{a.id}": catalog.default("framework", {"task": t.id, "architecture": a.id})
        for t in tasks
        for a in catalog.architectures_for(t.id)
    }
    frameworks = catalog.offered_frameworks()
    servers: tuple[Server, ...] = tuple(catalog.offered(catalog.servers))  # type: ignore[arg-type]

    def gated(options: tuple[Option, ...]) -> dict[str, tuple[str, str]]:
        return {o.id: (o.label, _framework_gate(o)) for o in catalog.offered(options)}

    config: dict[str, Any] = {
        "_min_copier_version": "9.4.0",
        "_subdirectory": "templates/project",
        "_answers_file": ".copier-answers.yml",
        "_envops": {"keep_trailing_newline": True},
        "project_name": _project_name_question(catalog),
        "task": _choice_question("task", {t.id: (t.label, "") for t in tasks}, catalog.default("task", {})),
        "architecture": _choice_question(
            "architecture",
            {
                arch: (
                    labels[arch],
                    _unless(f"task not in {_jinja_list(t)}", "not a {{ task }} architecture"),
                )
                for arch, t in archs.items()
            },
            "{{ " + json.dumps(arch_defaults) + "[task] }}",
        ),
        "framework": _choice_question(
            "framework",
            {
                fw.id: (
                    fw.label,
                    _unless(
                        f"(task ~ ':' ~ architecture) not in {_jinja_list(pairs[fw.id])}",
                        "{{ architecture }} is not implemented for " + fw.label,
                    ),
                )
                for fw in frameworks
            },
            "{{ " + json.dumps(fw_defaults) + "[task ~ ':' ~ architecture] }}",
        ),
        "hardware": _choice_question("hardware", gated(catalog.hardware), catalog.defaults["hardware"]),
        "export": _choice_question(
            "export", gated(catalog.exports), catalog.defaults["export"], multiselect=True
        ),
        "serving": {
            **_choice_question(
                "serving",
                {s.id: (s.label, _server_gate(s, catalog)) for s in servers},
                catalog.defaults["serving"],
                multiselect=True,
            ),
            "when": _any_server_offered(servers, catalog),
        },
        "tracker": _choice_question("tracker", gated(catalog.trackers), catalog.defaults["tracker"]),
        "ci": _choice_question(
            "ci", {c.id: (c.label, "") for c in catalog.ci_providers}, catalog.defaults["ci"]
        ),
        "project_slug": {
            "type": "str",
            "default": "{{ project_name | lower | replace('_', '-') }}",
            "when": False,
        },
        "package_name": {
            "type": "str",
            "default": "{{ project_name | lower | replace('-', '_') }}",
            "when": False,
        },
        # What one sample is (image, text, series, ...): templates share code per modality.
        "modality": {
            "type": "str",
            "default": "{{ " + json.dumps({t.id: t.modality for t in tasks}) + "[task] }}",
            "when": False,
        },
        # Whether the project gets `serve` and `quantize` (over its ONNX export), `quantize
        # --format tflite`, `monitor`, `crossval`, `prune`, `distill`.
        "onnx_deployment": _supported_by_task("onnx_deployment", "'onnx' in export and "),
        "tflite_quantization": _supported_by_task("tflite_quantization", "'tflite' in export and "),
        "monitoring": _supported_by_task("monitoring"),
        "cross_validation": _supported_by_task("cross_validation"),
        "pruning": _supported_by_task("pruning"),
        "distillation": _supported_by_task("distillation"),
    }
    assert [k for k in config if not k.startswith("_")][: len(QUESTIONS)] == list(QUESTIONS)
    return config


def copier_yml(catalog: Catalog = CATALOG) -> str:
    body = yaml.safe_dump(copier_config(catalog), sort_keys=False, allow_unicode=True, width=1000)
    return HEADER + body


def cookiecutter_config(catalog: Catalog = CATALOG) -> dict[str, Any]:
    """cookiecutter.json: the same questions; cookiecutter cannot filter choices by earlier
    answers, so `hooks/pre_gen_project.py` checks the combination with the catalog."""

    def with_default_first(values: list[str], default: Any) -> list[str]:
        return [default, *[v for v in values if v != default]]

    every_arch = list(
        dict.fromkeys(a.id for t in catalog.offered_tasks() for a in catalog.architectures_for(t.id))
    )
    config: dict[str, Any] = {
        "project_name": catalog.defaults["project_name"],
        "task": with_default_first([t.id for t in catalog.offered_tasks()], catalog.defaults["task"]),
        "architecture": with_default_first(every_arch, catalog.defaults["architecture"]),
        "framework": with_default_first(
            [f.id for f in catalog.offered_frameworks()], catalog.defaults["framework"]
        ),
        "hardware": with_default_first(
            [o.id for o in catalog.offered(catalog.hardware)], catalog.defaults["hardware"]
        ),
        "export": ",".join(catalog.defaults["export"]),  # type: ignore[arg-type]
        "serving": ",".join(catalog.defaults["serving"]) or "none",  # type: ignore[arg-type]
        "tracker": with_default_first(
            [o.id for o in catalog.offered(catalog.trackers)], catalog.defaults["tracker"]
        ),
        "ci": with_default_first([o.id for o in catalog.ci_providers], catalog.defaults["ci"]),
        "__project_slug": "{{ cookiecutter.project_name | lower | replace('_', '-') }}",
        "_extensions": ["dlgen_cookiecutter_ext.DlgenPaths"],
        "__prompts__": {
            q: HELP[q] + (" (comma-separated, or none)" if q in MULTI_SELECT else "") for q in QUESTIONS
        },
    }
    return config


def cookiecutter_json(catalog: Catalog = CATALOG) -> str:
    return json.dumps(cookiecutter_config(catalog), indent=2) + "\n"


GENERATED = {"copier.yml": copier_yml, "cookiecutter.json": cookiecutter_json}


def stale_files(root: Path, catalog: Catalog = CATALOG) -> list[str]:
    """Generated files at `root` whose content differs from what the catalog gives."""
    stale = []
    for name, make in GENERATED.items():
        path = root / name
        if not path.is_file() or path.read_text(encoding="utf-8") != make(catalog):
            stale.append(name)
    return stale


def write_files(root: Path, catalog: Catalog = CATALOG) -> list[str]:
    """Rewrite the generated files; return the names that changed."""
    changed = stale_files(root, catalog)
    for name in changed:
        (root / name).write_text(GENERATED[name](catalog), encoding="utf-8")
    return changed
