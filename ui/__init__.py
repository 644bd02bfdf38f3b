"""The PySide6 desktop shell of oneStop: views, dialogs, item models and the task runner.

It calls the services of ``oneStop`` and never touches the database directly (an
import-linter contract); all blocking work goes through :mod:`ui.tasks`.
"""
