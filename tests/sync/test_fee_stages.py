"""A fee collected after reception travels between counters (issue 15, rules §11.9): the fee one
counter collected when the supplement was brought and the one another counter collected with the
result reach both, each with its stage, as the counter that collected it recorded it; a step whose
fee is not whole đồng is set aside, naming the field, and the sync goes on. Real PostgreSQL, each
counter with its own database role under row-level security."""

from __future__ import annotations

from dataclasses import replace

from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import FeeStage
from tests.core.helpers import draft
from tests.sync.test_sync import official_of
from tests.sync.test_trust import pair, set_aside, tamper  # noqa: F401 (a fixture)


def test_fees_collected_at_supplement_and_at_return_reach_the_other_counter_and_a_bad_one_is_set_aside(
        pair, clock):  # noqa: F811
    a, b, (ca, cb), _ = pair
    at_a, at_b = official_of(a), official_of(b)
    d = a.reception.receive(at_a, draft())  # 20.000 đồng at reception
    clock.advance(hours=1)
    a.lifecycle.transition(at_a, d.code, Transition.SUPPLEMENT_REQUESTED, {"documents": ["Giấy chứng sinh"],
                                                                           "reason": "Thiếu giấy chứng sinh"})
    clock.advance(hours=1)
    a.lifecycle.transition(at_a, d.code, Transition.SUPPLEMENT_RECEIVED, {"fee": 30_000})
    clock.advance(hours=1)
    a.lifecycle.transition(at_a, d.code, Transition.RESULT_READY, {})
    ca.sync()
    assert cb.sync().set_aside == 0
    there = b.dossiers.get(at_b, d.code)
    assert [(f.amount, f.stage) for f in there.fee_collected] == [(20_000, FeeStage.RECEPTION),
                                                                  (30_000, FeeStage.SUPPLEMENT)]

    # the applicant collects the result at the other counter and pays there
    clock.advance(hours=1)
    returned = b.lifecycle.transition(at_b, d.code, Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường",
                                                                          "fee": 15_000})
    assert [f.stage.national_code for f in returned.fee_collected] == [1, 2, 4]
    cb.sync()
    assert ca.sync().set_aside == 0
    here = a.dossiers.get(at_a, d.code)
    assert here.fee_collected == returned.fee_collected
    assert replace(here, synced=False) == replace(b.dossiers.get(at_b, d.code), synced=False)

    # a step whose fee is not whole đồng (a PC whose files someone edited): set aside, the rest goes on
    other = a.reception.receive(at_a, draft())
    a.lifecycle.transition(at_a, other.code, Transition.SUPPLEMENT_REQUESTED, {"documents": ["Tờ khai"],
                                                                               "reason": "Thiếu tờ khai"})
    tamper(a, Transition.SUPPLEMENT_RECEIVED.kind, at_a.username, {"fee": -30_000}, dossier_id=other.id)
    after = a.reception.receive(at_a, draft())
    ca.sync()
    assert cb.sync().set_aside == 1
    (kept,) = set_aside(b)
    assert (kept.kind, kept.problem, kept.field) == (Transition.SUPPLEMENT_RECEIVED.kind, "payload", "fee")
    assert b.dossiers.get(at_b, other.code).fee_collected == other.fee_collected
    assert b.dossiers.get(at_b, after.code).code == after.code
