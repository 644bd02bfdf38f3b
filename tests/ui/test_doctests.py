"""The examples in the ui package's docstrings hold (pytest collects doctests in oneStop only)."""

from __future__ import annotations

import doctest

import pytest

import ui.dialogs.transition
import ui.errors
import ui.widgets.documents
import ui.widgets.procedure_picker


@pytest.mark.parametrize("module", [ui.errors, ui.widgets.procedure_picker, ui.widgets.documents, ui.dialogs.transition],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):  # type: ignore[no-untyped-def]
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
