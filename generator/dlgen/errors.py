"""The one exception type a user ever sees; the CLI turns it into a red line and exit 2."""


class DlgenError(Exception):
    """A user error: bad input, an impossible combination, a destination in the way."""

    exit_code = 2
