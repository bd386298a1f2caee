"""The signature must match UCloud's published test vectors and the official SDK's signer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ucloud.core.auth import Credential
from ucloud.core.typesystem import encoder

from usms_tui.api.signing import flatten, sign, signature, string_to_sign, verify
from usms_tui.domain.credentials import Credentials

PUBLIC = "ucloudsomeone@example.com1296235120854146120"
PRIVATE = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
CREDS = Credentials(PUBLIC, PRIVATE)


def test_vector_describe_uhost():
    form = sign({"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": 10}, CREDS)
    assert form["Signature"] == "cba5cf5ec4d4233d206b1b54951e3787350a642f"


def test_vector_receipt_with_project():
    params = {"Action": "GetUSMSSendReceipt", "Region": "cn-bj2", "ProjectId": "org-test", "SessionNoSet": ["s1", "s2"]}
    form = sign(params, CREDS)
    assert form["Signature"] == "01d75b9ba970f5278cf9273e459b1ce070b90afa"
    assert string_to_sign(form) + PRIVATE == (
        "ActionGetUSMSSendReceiptProjectIdorg-testPublicKeyucloudsomeone@example.com1296235120854146120"
        "Regioncn-bj2SessionNoSet.0s1SessionNoSet.1s246f09bb9fab4f12dfc160dae12273d5332b5debe"
    )


def test_vector_twelve_sessions_sort_by_code_point():
    form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": [f"s{i}" for i in range(12)]}, CREDS)
    assert form["Signature"] == "54059ee0dc94aa13aa2df140ee3b23c53ef916e8"
    keys = sorted(k for k in form if k.startswith("SessionNoSet."))
    assert keys.index("SessionNoSet.10") < keys.index("SessionNoSet.2")


def test_flatten_nested_and_values():
    flat = flatten({"A": True, "B": False, "C": 42.0, "D": 1.5, "E": {"X": 1}, "F": [{"Y": "z"}], "G": None})
    assert flat == {"A": "true", "B": "false", "C": "42", "D": "1.5", "E.X": "1", "F.0.Y": "z"}


def test_verify_rejects_tampering_and_wrong_key():
    form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": ["a"]}, CREDS)
    assert verify(form, PRIVATE)
    assert not verify(form, "wrong")
    tampered = dict(form, **{"SessionNoSet.0": "b"})
    assert not verify(tampered, PRIVATE)


def test_private_key_never_in_repr_or_str():
    assert PRIVATE not in repr(CREDS)
    assert PRIVATE not in str(CREDS)


scalars = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.text(alphabet="&=+% ?#.", max_size=8),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(lambda f: round(f, 3)),
)
keys = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
values = st.one_of(scalars, st.lists(scalars, min_size=0, max_size=15), st.dictionaries(keys, scalars, max_size=4))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, values, max_size=8), st.text(min_size=1, max_size=40))
def test_agrees_with_official_sdk(params, private_key):
    params = {k: v for k, v in params.items() if k not in {"PublicKey", "Signature"}}
    sdk_form = encoder.encode(params)
    sdk_signature = Credential(PUBLIC, private_key).verify_ac(dict(sdk_form))
    ours = flatten(params)
    ours["PublicKey"] = PUBLIC
    assert ours == {**sdk_form, "PublicKey": PUBLIC}
    assert signature(ours, private_key) == sdk_signature


def test_text_utf8_cannot_hold_is_refused_without_the_key_in_the_error():
    from usms_tui.api.signing import signature

    secret = "SECRETprivatekey0123456789abcdef"
    with pytest.raises(ValueError) as caught:
        signature({"Region": "\udc80", "Action": "X"}, secret)
    assert "Region" in str(caught.value)
    assert secret not in repr(caught.value.args) and secret not in repr(caught.value.__context__)
