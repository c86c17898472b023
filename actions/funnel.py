"""The report funnel for the staff statistics: started, completed, cancelled (counts per week).

"started" is counted when the first question of the report form (acute danger?) is answered, not
when the form opens: a person who opens the form and leaves at once has not started a report.
"cancelled" is counted only for a started report, so that started >= completed + cancelled.
Nothing of the conversation goes with it, and a failure never reaches the person: it is logged
by exception type only.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from actions.store import report_store
from bot.reports.durable import call_within

logger = logging.getLogger(__name__)

# A frozen database must not hold up the conversation for a statistic.
FUNNEL_DEADLINE_SECONDS = 2.0


async def record_funnel(event: str) -> None:
    try:
        count = functools.partial(report_store().record_funnel, event)
        await asyncio.to_thread(call_within, FUNNEL_DEADLINE_SECONDS, count)
    except Exception as error:  # statistics must never break a conversation
        logger.warning("recording the funnel event %s failed: %s", event, type(error).__name__)
