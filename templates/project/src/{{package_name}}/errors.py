"""Errors a user can fix: the CLI prints them as one red line and exits with status 2.

Anything else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """Base class of every error caused by input, configuration or the machine."""

    def __str__(self) -> str:
        text = super().__str__()
        # A DataLoader worker re-raises an error in the main process with the worker's traceback
        # folded into the message; the last line is the original message.
        if text.startswith("Caught ") and "Original Traceback" in text:
            last = text.rstrip().splitlines()[-1]
            return last.split(": ", 1)[-1]
        return text


class ConfigError(UserError):
    """A configuration file or a `key=value` override is wrong."""


class DataError(UserError):
    """The data set is missing, empty or holds a file that cannot be read."""


class CheckpointError(UserError):
    """A checkpoint is missing, unreadable or does not match the configuration."""


class HardwareError(UserError):
    """The configured device is not available."""


class TrainingError(UserError):
    """Training cannot go on, e.g. the loss became NaN."""


class ExportError(UserError):
    """An exported model failed to build or disagrees with the trained model."""
