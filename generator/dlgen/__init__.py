"""dlgen: generate complete, tested deep-learning projects from one catalog of options.

The library API lives in `dlgen.api`; `dlgen.cli` only parses, prompts and prints.
"""

__version__ = "0.1.0"
