"""ftm: the For the Many network's mail system -- the composition root (config, CLI, daemon)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ftm")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
