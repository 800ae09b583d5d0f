"""eventwatch: a sourced, de-duplicated, dated record of political events from news."""
__version__ = "0.1.0"
