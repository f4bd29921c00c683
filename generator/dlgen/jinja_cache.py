"""Jinja's compiled templates kept across renders, in this process.

copier makes a new Jinja environment for every render and compiles every file, path and
question default from source again: about 800 compilations per project, 60% of a render's time.
`dlgen matrix` renders hundreds of projects from one template, and one project meets many of
the same strings (file names, choices) several times, so while `compiled_templates()` is
active a compilation is looked up by its source and by everything of the environment that
the compiler reads (delimiters, whitespace options, extensions, filters and tests by name,
sandboxing, autoescape, ...). Compiled code is immutable, so a cached one is the same code a
fresh compilation would give. Measured in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import Environment

MAX_ENTRIES = 50_000  # a whole matrix run compiles ~15,000 distinct templates

_lock = threading.Lock()
_users = 0
_original = Environment.compile
_cache: OrderedDict[tuple, Any] = OrderedDict()


def environment_signature(env: Environment) -> tuple:
    """What Jinja's lexer, parser, optimizer and code generator read from the environment."""
    return (
        type(env),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        tuple(sorted((name, type(ext)) for name, ext in env.extensions.items())),
        env.optimized,
        env.autoescape,
        env.finalize,
        env.is_async,
        env.undefined,
        env.code_generator_class,
        tuple(sorted(env.filters)),
        tuple(sorted(env.tests)),
    )


def _compile(
    self: Environment,
    source: Any,
    name: str | None = None,
    filename: str | None = None,
    raw: bool = False,
    defer_init: bool = False,
) -> Any:
    if raw or not isinstance(source, str):  # raw: Python source; a parsed tree: not hashable
        return _original(self, source, name, filename, raw, defer_init)
    key = (environment_signature(self), source, name, filename, defer_init)
    with _lock:
        code = _cache.get(key)
        if code is not None:
            _cache.move_to_end(key)
            return code
    code = _original(self, source, name, filename, raw, defer_init)
    with _lock:
        _cache[key] = code
        if len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return code


@contextmanager
def compiled_templates() -> Iterator[None]:
    """Inside: Environment.compile reuses earlier compilations (renders on several threads may
    nest it; the patch is removed when the last one leaves)."""
    global _users
    with _lock:
        _users += 1
        if _users == 1:
            Environment.compile = _compile  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                Environment.compile = _original  # type: ignore[method-assign]
