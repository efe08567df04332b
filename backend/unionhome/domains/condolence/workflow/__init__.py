"""The condolence workflow after nomination: review chain, balancing and freeze, public notice and
objections, visits, disbursement, summaries. Registers the evidence subjects it owns: the posted notice
(`condolence_notice`, proof photo) and the visit record (`condolence_visit`, photo and signed receipt)."""

from __future__ import annotations

from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ, CONDOLENCE_REVIEW
from ...evidence.subjects import SubjectType, register
from . import notices, visits

register(SubjectType("condolence_notice", "慰问对象公示", CONDOLENCE_READ, CONDOLENCE_MANAGE, notices.get_notice,
                     notices.scoped_ids, describe=lambda n: n.title))
register(SubjectType("condolence_visit", "走访慰问记录", CONDOLENCE_READ, CONDOLENCE_REVIEW, visits.get_visit,
                     visits.visited_scope_ids, describe=lambda v: f"走访记录 {v.visited_on}"))
