"""What ``add`` accepts: every input format, and a reason for everything refused."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from usms_tui.store.importer import parse_import


def nos(text):
    sessions, _ = parse_import(text)
    return [s.session_no for s in sessions]


def test_plain_lines_comments_blanks_and_bom():
    assert nos("\ufeff# header\n\n  a-1  \r\nb-2\n   # indented comment\n") == ["a-1", "b-2"]


def test_refusals_name_the_line_and_the_reason():
    _, refused = parse_import("ok\nhas space\n" + "x" * 200 + "\n{nope\n", "sent.txt")
    assert [(where.split(":")[0], why.split(" ")[0]) for where, why in refused] == [
        ("sent.txt line 2", "contains"),
        ("sent.txt line 3", "longer"),
        ("sent.txt line 4", "not"),
    ]


def test_send_response_with_flattened_request_phones():
    line = {"PhoneNumbers.1": "222", "PhoneNumbers.0": "111", "SessionNo": "s", "RetCode": 0}
    sessions, refused = parse_import(json.dumps(line))
    assert refused == [] and sessions[0].phones == ("111", "222")


def test_batch_request_targets_become_phones():
    item = {
        "request": {"TaskContent": [{"Target": [{"Phone": "1"}, {"Phone": "2"}]}, {"Target": [{"Phone": "1"}]}]},
        "response": {"RetCode": "0", "SessionNo": "b"},
    }
    sessions, _ = parse_import(json.dumps([item]))
    assert sessions[0].phones == ("1", "2")


def test_objects_that_cannot_be_watched_are_refused_with_reasons():
    items = [
        {"RetCode": 0, "SuccessCount": 0, "FailContent": []},
        {"RetCode": 171, "Message": "Signature VerifyAC Error"},
        {"foo": 1},
        42,
        {"SessionNo": 7},
    ]
    sessions, refused = parse_import(json.dumps(items), "x.json")
    assert sessions == []
    reasons = [why for _, why in refused]
    assert "no message was accepted" in reasons[0]
    assert "RetCode 171: Signature VerifyAC Error" in reasons[1]
    assert reasons[2] == "no SessionNo in this object"
    assert "not a SessionNo" in reasons[3] and "not a string" in reasons[4]
    assert [where for where, _ in refused][:2] == ["x.json[0]", "x.json[1]"]


def test_own_list_json_round_trips():
    doc = {
        "sessions": [
            {
                "session_no": "a",
                "label": "L",
                "added_at": 1.0,
                "sent_at": 2.0,
                "note": "n",
                "known_phones": ["9"],
                "phones": [{"phone": "9", "status": "pending"}],
            }
        ]
    }
    (session,), _ = parse_import(json.dumps(doc))
    assert (session.session_no, session.label, session.sent_at, session.phones, session.note) == (
        "a",
        "L",
        2.0,
        ("9",),
        "n",
    )


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Cs")), min_size=1, max_size=30
        ).filter(lambda t: t[0] not in "#[{"),
        max_size=20,
    )
)
def test_any_valid_session_nos_one_per_line_come_back_in_order(values):
    values = [v for v in values if not any(c.isspace() for c in v)]
    assert nos("\n".join(values)) == values
