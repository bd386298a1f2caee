"""What the simulated carriers do: when each receipt arrives and what it says.

Everything is drawn from a ``random.Random`` handed in by the caller, so a seed fixes the
whole story. The default mix follows what UCloud users see: most receipts within ~10 s,
some hours later, a few never; mostly ``Success``, some ``Fail`` with real carrier codes,
a few ``Unknow`` (sic).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

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
FAILURES: tuple[Outcome, ...] = (
    Outcome("Fail", "UNDELIV", "UNDELIV 用户无法接收"),
    Outcome("Fail", "EXPIRED", "Message expired before delivery"),
    Outcome("Fail", "MK:0001", "MK:0001 空号"),
    Outcome("发送失败", "DB:0141", "DB:0141 黑名单"),
    Outcome("Fail", "MSBLACK", "MSBLACK 黑名单用户"),
    Outcome("Fail", "MI:0013", "MI:0013 用户停机"),
)
UNKNOWNS: tuple[Outcome, ...] = (
    Outcome("Unknow", "UNKNOWN", "状态未知"),
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

    def draw_outcome(self, rng: random.Random) -> Outcome:
        """What the carrier reports."""
        roll = rng.random()
        if roll < self.success_share:
            pool = SUCCESSES
        elif roll < self.success_share + self.fail_share:
            pool = FAILURES
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


def draw_phone(rng: random.Random) -> str:
    """A mainland mobile number (11 digits, 13x-19x)."""
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
