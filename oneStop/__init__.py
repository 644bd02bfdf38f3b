"""oneStop: the core of the one-stop counter program (no Qt here)."""

__version__ = "0.1.0"
