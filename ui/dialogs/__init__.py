"""Modal and modeless dialogs. Each modal one is opened through a ``classmethod ask()`` that
tests replace."""
