"""The carrier a number's prefix was allocated to, in every spelling ``phone_key`` accepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.carriers import (
    LONG_PREFIXES,
    PREFIXES,
    Carrier,
    carrier_from_published,
    carrier_of,
    guess_order,
)
from usms_tui.domain.receipts import phone_key

M, U, T, B = Carrier.CHINA_MOBILE, Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM, Carrier.CHINA_BROADNET

#: The country-code spellings UCloud accepts at send time (and phone_key folds together).
SPELLINGS = ("{}", "+86{}", "+86 {}", "0086{}", "(86){}", "(+86) {}", "86{}", "+86-{}")


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("13800000000", M),
        ("13400000000", M),
        ("14700000000", M),
        ("15000000000", M),
        ("17200000000", M),
        ("17800000000", M),
        ("18200000000", M),
        ("19500000000", M),
        ("19800000000", M),
        ("13000000000", U),
        ("14500000000", U),
        ("15600000000", U),
        ("16600000000", U),
        ("17100000000", U),
        ("18600000000", U),
        ("19600000000", U),
        ("13300000000", T),
        ("14900000000", T),
        ("15300000000", T),
        ("17300000000", T),
        ("17700000000", T),
        ("18900000000", T),
        ("19100000000", T),
        ("19300000000", T),
        ("19900000000", T),
        ("19200000000", B),
        # Four-digit blocks: satellite 1349 inside mobile's 134; the virtual operators' 170.
        ("13490000000", T),
        ("17000000000", T),
        ("17030000000", M),
        ("17040000000", U),
        ("17090000000", U),
    ],
)
def test_prefix_gives_the_carrier_in_every_spelling(number, carrier):
    for spelling in SPELLINGS:
        phone = spelling.format(number)
        assert carrier_of(phone) is carrier, phone
        assert phone_key(phone) == number  # the same phone the model matches receipts by


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "  ",
        "10086",  # a service number
        "1380000000",  # ten digits
        "138000000001",  # twelve
        "14000000000",  # 140: allocated to no one
        "16000000000",
        "19400000000",
        "+1 312 555 0100",  # a US number whose digits look like a mainland 131 number
        "+44 7911 123456",
        "0013800000000",  # 00 + something other than 86
        "+8523800000000",  # Hong Kong's code, not 86
        "２３８００００００００",  # full-width digits
        "138abc00000",
        "\x1b[31m13800000000",
    ],
)
def test_other_numbers_have_no_carrier(phone):
    assert carrier_of(phone) is None


@given(st.text(max_size=40))
def test_any_text_is_a_carrier_or_none_never_an_error(phone):
    assert carrier_of(phone) in (None, M, U, T, B)


def test_every_prefix_block_is_three_or_four_digits_starting_with_1():
    assert all(len(p) == 3 and p[0] == "1" for p in PREFIXES)
    assert all(len(p) == 4 and (p[:3] in PREFIXES or p[:3] == "170") for p in LONG_PREFIXES)
    assert Carrier.ALL_NETWORKS not in set(PREFIXES.values()) | set(LONG_PREFIXES.values())


def test_published_names_and_labels():
    assert carrier_from_published(" 中国移动 ") is M and carrier_from_published("三网") is Carrier.ALL_NETWORKS
    with pytest.raises(ValueError, match="unknown carrier"):
        carrier_from_published("中国铁通")
    assert [c.label for c in (M, U, T)] == ["China Mobile", "China Unicom", "China Telecom"]


def test_guess_order_never_names_the_carrier_itself_and_broadnet_leans_on_mobile():
    for carrier in (M, U, T, B, None):
        assert carrier not in guess_order(carrier)
        assert Carrier.ALL_NETWORKS not in guess_order(carrier)
    assert guess_order(B)[0] is M
