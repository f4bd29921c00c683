"""cookiecutter post-generation hook: render the project with dlgen's copier engine.

The tree is then the same as `dlgen new` and `copier copy` give for the same answers, and
the project carries `.copier-answers.yml`, so `copier update` works in it later.
"""

import json
import sys
from pathlib import Path

TEMPLATE_ROOT = Path(r"{{ dlgen_template_root() }}")
sys.path.insert(0, str(TEMPLATE_ROOT / "generator"))

from dlgen.answers import resolve  # noqa: E402
from dlgen.errors import DlgenError  # noqa: E402
from dlgen.render import render  # noqa: E402

ANSWERS = json.loads(r"""{{ cookiecutter | jsonify }}""")

try:
    answers = resolve(flags={k: v for k, v in ANSWERS.items() if not k.startswith("_")})
    render(answers, Path.cwd(), template=TEMPLATE_ROOT, overwrite=True)
except DlgenError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
