"""The installed version of brian2nwb (written into every file it writes)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("brian2nwb")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
