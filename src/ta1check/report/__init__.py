"""Reports: one module per output format behind one small interface."""

from .interface import REPORTER_BY_NAME, OutputFormat, Reporter, get_reporter

__all__ = ["REPORTER_BY_NAME", "OutputFormat", "Reporter", "get_reporter"]
