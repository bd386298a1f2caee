"""What the simulated carriers do: when each receipt arrives and what it says.

Everything is drawn from a ``random.Random`` handed in by the caller, so a seed fixes the
whole story. The default mix follows what UCloud users see: most receipts within ~10 s,
some hours later, a few never; mostly ``Success``, some ``Fail`` with real carrier codes,
a few ``Unknow`` (sic).

Failures carry codes from UCloud's published table for the phone's carrier, with that
row's description as the ``ReceiptDesc``, so the demo shows what each failure means (and
the same ``UNDELIV`` meaning different things on different carriers).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from usms_tui.domain.carriers import PREFIXES, Carrier, carrier_of

#: Fixed key pair the simulator accepts by default. Public on purpose: these are demo values,
#: documented in the README, and never valid against the real UCloud API.
DEMO_PUBLIC_KEY = "usms-tui-demo-public-key"
DEMO_PRIVATE_KEY = "usms-tui-demo-private-key-not-a-secret"
#: The simulated account's default project: what a request without ``ProjectId`` means.
DEMO_PROJECT_ID = "org-usms-tui-demo"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A receipt's content: ``ReceiptResult``, ``ReceiptCode`` and ``ReceiptDesc``."""

    result: str
    code: str
    desc: str


SUCCESSES: tuple[Outcome, ...] = (
    Outcome("Success", "DELIVRD", "用户接收成功"),
    Outcome("Success", "DELIVRD", "Delivered"),
    Outcome("发送成功", "0", "发送成功"),
)
#: Failures per carrier, each a row of UCloud's receipt-code table (code and description as
#: published; a test holds them to the shipped table). The first is the common one; numbers
#: with no carrier (and Broadnet, which has no table) get the all-networks rows.
FAILURES_BY_CARRIER: dict[Carrier | None, tuple[Outcome, ...]] = {
    Carrier.CHINA_MOBILE: (
        Outcome("Fail", "UNDELIV", "用户欠费停机"),
        Outcome("Fail", "EXPIRED", "短消息超过期"),
        Outcome("Fail", "MK:0001", "空号"),
        Outcome("发送失败", "DB:0141", "曾多次投诉运营商或号码在工信部防骚扰黑名单"),
        Outcome("Fail", "MB:1042", "超流量"),
        Outcome("Fail", "MI:0013", "停机"),
    ),
    Carrier.CHINA_UNICOM: (
        Outcome("Fail", "UNDELIV", "发送失败"),
        Outcome("Fail", "LT:0011", "关机"),
        Outcome("Fail", "LT:0001", "空号"),
        Outcome("发送失败", "LT:0005", "黑名单"),
        Outcome("Fail", "LT:0061", "内容违规"),
        Outcome("Fail", "2", "运营商未告知的原因拦截"),
    ),
    Carrier.CHINA_TELECOM: (
        Outcome("Fail", "UNDELIV", "用户欠费停机"),
        Outcome("Fail", "EXPIRED", "超时"),
        Outcome("Fail", "MK:0001", "空号"),
        Outcome("发送失败", "BLACKMB", "黑名单"),
        Outcome("Fail", "REJECTD", "短信内容被运营商网关驳回"),
        Outcome("Fail", "MK:0005", "关机"),
    ),
    None: (
        Outcome("Fail", "REJECTD", "短信内容或签名触发运营商通道风控拦截"),
        Outcome("Fail", "5", "用户关机"),
        Outcome("Fail", "TD:0001", "号码在运营商网关黑名单"),
        Outcome("发送失败", "ID:0046", "超出每日最大发送量"),
        Outcome("Fail", "DB:0505", "运营商未告知的原因拦截"),
    ),
}
#: China Mobile's, the pool of callers that name no phone.
FAILURES: tuple[Outcome, ...] = FAILURES_BY_CARRIER[Carrier.CHINA_MOBILE]
UNKNOWNS: tuple[Outcome, ...] = (
    Outcome("Unknow", "", "状态未知"),
    Outcome("状态未知", "", "The carrier did not report a status"),
)
#: A ReceiptResult nobody documents (a sister product has it): clients must show it raw.
UNLISTED = Outcome("SubmitFail", "SUBMIT:0012", "提交运营商失败 (submit failed)")


_WEIGHTS = {n: [3.0] + [1.0] * (n - 1) for n in range(1, 10)}


@dataclass(frozen=True)
class Scenario:
    """Delay and outcome mix of simulated receipts. All shares are fractions 0..1.

    A phone's receipt never arrives with probability ``never_share``; otherwise it arrives
    after ``fast_delay`` seconds (uniform) with probability ``fast_share``, else after
    ``slow_delay``. Its result is a success with ``success_share``, a failure with
    ``fail_share``, else ``Unknow``.
    """

    fast_share: float = 0.85
    never_share: float = 0.03
    fast_delay: tuple[float, float] = (1.0, 10.0)
    slow_delay: tuple[float, float] = (60.0, 4 * 3600.0)
    success_share: float = 0.86
    fail_share: float = 0.10
    #: Share of pre-created messages long enough to cost 2 or 3 segments.
    long_share: float = 0.12

    def draw_delay(self, rng: random.Random) -> float | None:
        """Seconds from sending to the receipt, or ``None`` for a receipt that never comes."""
        roll = rng.random()
        if roll < self.never_share:
            return None
        if roll < self.never_share + (1.0 - self.never_share) * self.fast_share:
            return rng.uniform(*self.fast_delay)
        return rng.uniform(*self.slow_delay)

    def draw_outcome(self, rng: random.Random, phone: str | None = None) -> Outcome:
        """What the carrier of ``phone`` reports (China Mobile's codes without a phone)."""
        roll = rng.random()
        if roll < self.success_share:
            pool = SUCCESSES
        elif roll < self.success_share + self.fail_share:
            pool = FAILURES if phone is None else failures_for(phone)
        else:
            pool = UNKNOWNS
        # The first entry of each pool is the common wording; the others show up now and then.
        return rng.choices(pool, weights=_WEIGHTS[len(pool)])[0]

    def draw_cost(self, rng: random.Random) -> int:
        """Billed segments of a pre-created message: 1, sometimes 2 or 3."""
        if rng.random() < self.long_share:
            return rng.choice((2, 3))
        return 1


def cost_of(template_id: str, sig_content: str, params: tuple[str, ...]) -> int:
    """Segments a sent message costs: 70 characters fit one SMS, longer ones go in parts of 67.

    The simulator has no template bodies, so it assumes 40 characters of fixed text
    (a little more for longer template ids) plus the signature and parameters.
    """
    length = 40 + len(template_id) // 4 + len(sig_content) + 2 + sum(len(p) for p in params)
    return 1 if length <= 70 else math.ceil(length / 67)


def failures_for(phone: str) -> tuple[Outcome, ...]:
    """The failures a phone's carrier (by its prefix) reports."""
    carrier = carrier_of(phone)
    return FAILURES_BY_CARRIER.get(carrier, FAILURES_BY_CARRIER[None])


#: The networks' three-digit prefixes (the virtual operators' 170 blocks are rare), sorted so
#: a seed draws the same numbers.
_PHONE_PREFIXES: tuple[str, ...] = tuple(sorted(PREFIXES))


def draw_phone(rng: random.Random) -> str:
    """A mainland mobile number (11 digits) on an allocated prefix, so it has a carrier.

    It takes exactly the draws an earlier "1" + [3-9] + nine digits took (the first two
    choose the prefix), so a seed's delays and outcomes stay what they were."""
    digits = rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    return _PHONE_PREFIXES[int(digits[:2]) % len(_PHONE_PREFIXES)] + digits[2:]
