"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_ready(run):  # type: ignore[no-untyped-def]
    """The command line on a data folder set up for Bộ phận Một cửa xã Quảng Phú (counter 1,
    administrator ``admin``) with the official ``hoa``."""
    code, out, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa xã Quảng Phú",
                         "--managing-agency", "UBND xã Quảng Phú", "--province", "Thanh Hóa", "--counter", "1",
                         "--admin", "admin")
    assert code == 0, err
    code, out, err = run("users", "add", "hoa", "--role", "official", "--full-name", "Nguyễn Thị Hoa")
    assert code == 0, err
    return run
