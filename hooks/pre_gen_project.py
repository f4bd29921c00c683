"""cookiecutter pre-generation hook: reject an invalid combination with one clear line.

cookiecutter cannot narrow a choice by earlier answers, so the catalog checks them here.
"""

import json
import sys
from pathlib import Path

TEMPLATE_ROOT = Path(r"{{ dlgen_template_root() }}")
sys.path.insert(0, str(TEMPLATE_ROOT / "generator"))

from dlgen.answers import resolve  # noqa: E402
from dlgen.errors import DlgenError  # noqa: E402

ANSWERS = json.loads(r"""{{ cookiecutter | jsonify }}""")

try:
    resolve(flags={k: v for k, v in ANSWERS.items() if not k.startswith("_")})
except DlgenError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
