"""The look-up website and hotline an administrator sets on one counter reach the agency's other
counters and are printed there (issue 15). Real PostgreSQL between the counters."""

from __future__ import annotations

import unicodedata

from oneStop.domain.events import Kind
from tests.conftest import PASSWORD
from tests.core.helpers import draft
from tests.core.pdf_tools import page_texts
from tests.sync.test_sync import official_of
from tests.ui.helpers import events
from tests.sync.test_trust import pair  # noqa: F401  (pair is a fixture)


def test_the_lookup_website_and_hotline_set_on_one_counter_are_printed_on_the_others(pair):
    a, b, (ca, cb), _ = pair
    b.setup.set_contact(b.auth.login("admin", PASSWORD), lookup_url="https://dichvucong.thanhhoa.gov.vn",
                        hotline="1900 8198")
    cb.sync()
    ca.sync()
    agency = a.setup.agency()
    assert (agency.lookup_url, agency.hotline) == ("https://dichvucong.thanhhoa.gov.vn", "1900 8198")
    oa = official_of(a)
    d = a.reception.receive(oa, draft())
    text = " ".join(unicodedata.normalize("NFC", page_texts(a.printing.receipt(oa, d.code).pdf)[0]).split())
    assert "Tra cứu hồ sơ tại: https://dichvucong.thanhhoa.gov.vn" in text
    assert "Đường dây nóng: 1900 8198" in text
    # applied as reference data: counter 1 holds counter 2's event, and wrote none of its own
    assert [e.counter_id for e in events(a, Kind.AGENCY_CONTACT_SET)] == [
        e.counter_id for e in events(b, Kind.AGENCY_CONTACT_SET)]
