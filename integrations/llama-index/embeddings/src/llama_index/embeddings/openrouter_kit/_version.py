"""The distribution's one version source (read by hatch for the wheel)."""

__version__ = "0.2.0"
