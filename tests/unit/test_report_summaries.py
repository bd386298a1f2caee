"""``check --json`` hands the writer the summaries it judged the thresholds by: the document
is the same text as when the writer makes its own, in the watchlist's order."""

from __future__ import annotations

import io

from tests.unit.test_streaming import NOW, loaded_poller, world
from usms_tui.cli._report_json import StreamedReport


async def test_the_document_from_given_summaries_is_the_one_the_writer_makes(tmp_path):
    clock, sim, watchlist = world(tmp_path, 250)
    async with loaded_poller(sim, watchlist, clock) as poller:
        report = await poller.refresh(force=True)
    names = [s.session_no for s in watchlist.sessions()]
    later = NOW + 4000.5  # ages and overdue flags of another moment than the refresh's
    texts = []
    for given in (None, [poller.summary(no, later) for no in names]):
        out = io.StringIO()
        streamed = StreamedReport(poller)
        streamed.add(names[:120])  # some encoded ahead, the others at the end
        streamed.write(out.write, names, report.errors, later, given, alerts=[])
        texts.append(out.getvalue())
    assert texts[0] == texts[1]
    assert texts[0].count('"session_no"') == 250 and '"checked_at": 1750004000.5' in texts[0]
