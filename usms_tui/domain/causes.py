"""Why a message failed, in a dozen causes of this project's own. Pure: no I/O.

UCloud's table has about 1,100 distinct descriptions for 2,600 codes; an operator needs to
know which few things went wrong (and which they can do something about). Each published
row gets one cause: from rules on its Chinese description, tried in order (the first that
matches wins, so the more specific rules come first), with a reviewed list of exceptions
where the rules would read a row wrongly. Among the subscriber's states (number invalid,
switched off, handset) a description naming several (关机、停机或空号) gets the one it names
first.
"""

from __future__ import annotations

import enum
import re

from usms_tui.domain.carriers import Carrier


class Cause(enum.StrEnum):
    """A cause's id (stable, for scripts); ``label`` is what people read."""

    NUMBER_INVALID = "number_invalid"
    UNREACHABLE = "unreachable"
    BLACKLISTED = "blacklisted"
    CONTENT_BLOCKED = "content_blocked"
    SIGNATURE = "signature"
    FREQUENCY_LIMIT = "frequency_limit"
    HANDSET = "handset"
    ARREARS = "arrears"
    INTERCEPTED = "intercepted"
    GATEWAY = "gateway_error"
    EXPIRED = "expired"
    NO_REASON = "no_reason"
    NOT_A_FAILURE = "not_a_failure"
    NOT_IN_TABLE = "not_in_table"

    @property
    def label(self) -> str:
        """Short English label: ``switched off or unreachable`` ..."""
        return _LABELS[self]


_LABELS = {
    Cause.NUMBER_INVALID: "number invalid or out of service",
    Cause.UNREACHABLE: "switched off or unreachable",
    Cause.BLACKLISTED: "blacklisted / anti-harassment",
    Cause.CONTENT_BLOCKED: "content blocked",
    Cause.SIGNATURE: "signature or template problem",
    Cause.FREQUENCY_LIMIT: "frequency limit",
    Cause.HANDSET: "handset problem",
    Cause.ARREARS: "account in arrears",
    Cause.INTERCEPTED: "carrier interception without a reason",
    Cause.GATEWAY: "network or gateway error",
    Cause.EXPIRED: "expired",
    Cause.NO_REASON: "failed, no reason given",
    Cause.NOT_A_FAILURE: "not a failure",
    Cause.NOT_IN_TABLE: "not in the table",
}

#: (cause, pattern on the description), tried in order.
_RULES: tuple[tuple[Cause, str], ...] = (
    (
        Cause.INTERCEPTED,
        r"未告知|运营商调整异常拦截|意料外的数据被运营商拦截|运营商直接产生拒绝报告|^拦截$|运营商网关瞬时拦截|接入号被拦截"
        r"|地区屏蔽|屏蔽地区|屏蔽省份|地区.*屏蔽|移動屏蔽|分组限制拦截",
    ),
    (Cause.NOT_A_FAILURE, r"^(?!.*(失败|不成功|未成功)).*成功|^正确$|已正常下发"),
    (Cause.ARREARS, r"欠费|余额不足|金额不足|没有足够的余额|消费达到限额"),
    # Service, protocol and network components whose names read like a subscriber's state.
    (
        Cause.GATEWAY,
        r"业务暂停服务|ECSI暂停服务|SP暂停服务|反漫游欺诈|HLR无应答|GIW|网关错误|接口临时错误|DSMP系统忙|节点忙"
        r"|非法终端所属省代码|群发请求格式错误|审核模块返回码|SP帐号过有效期|协议状态报告|计费用户|计费号码|主叫用户"
        r"|SPMS",
    ),
    # Limits per number and per time, before the content and signature words they mention.
    (Cause.FREQUENCY_LIMIT, r"同号码|同一个号码|同1号码|同一号码|相同号码|超频|发送频率|\d+条|数量超出限制|一天超过"),
    (Cause.SIGNATURE, r"签名(?!.*(风控|敏感|违规|违禁))|模板|模版|报备|备案"),
    (
        Cause.CONTENT_BLOCKED,
        r"敏感词|屏蔽词|违禁|违规|驳回|诈骗|钓鱼|关键字|关键词|风控|审核|垃圾短信|非法内容|内容非法|内容不合规|高危内容"
        r"|内容拦截|内容.*拦截|内容.*退回|内容不发|内容为空|空内容|黑内容|内容.*超|超长|过长|最大信息长|最大长度"
        r"|内容中超过|涉及安全信息|金融",
    ),
    (
        Cause.BLACKLISTED,
        r"黑名单|黑白名单|防骚扰|已退订|拒收|拒绝接收|目标拒绝|投诉|防火墙|手机拦截|管制名单|^屏蔽$",
    ),
    (Cause.EXPIRED, r"过期|有效期|期已过|EXPIRE|超过期|超时没有递交|72小时"),
    (
        Cause.FREQUENCY_LIMIT,
        r"频|超速|流速|流量|流控|过快|超限|限流|限速|上限|次数|条数|发送量|群发|重复提交|重复发送|秒内|秒以内|秒限"
        r"|分钟|小时|一天|\d+天|禁发时段|禁止下发时段|时间段|夜间|超时间范围|日发送|月发送|最大发送数量|超月限|超周限"
        r"|间隔时间太短|最多可?发|超.*限制|限制\d|\d+秒",
    ),
    (
        Cause.NUMBER_INVALID,
        r"空号|停机|销户|号码不存在|用户不存在|找不到用户|号码.*错误|号码错|错误的号码|错误的目的号码|非法号码|号码异常"
        r"|手机号异常|号码问题|号码格式|手机号格式|号码不正确|号码.*失效|号码过期|尚未在移动|未激活|还未被注册|暂停服务"
        r"|暂停使用|手机功能暂停|挂起|无效的用户|用户非法|非法用户|用户状态|状态不正确|用户被清除|注销|未标识|号段"
        r"|未知运营商|携号转网|NP_OUT|不在使用中|非法目标地址|目的地址错误|目标号码不符合|非法接收用户号码",
    ),
    (
        Cause.UNREACHABLE,
        r"关机|不在服务区|服务区|无法接通|无信号|(?<!电)信号|盲区|漫游|无应答|无响应|未响应|响应超时无响应|手机响应超时|不可达"
        r"|用户忙|占线|挂断|挂机|拒接|无人接听|久叫不应|缺席|不能通信|寻呼|呼叫不成功|接收端暂时错误|未知更新期间"
        r"|手机端与网关连接失败|终端网络忙",
    ),
    (
        Cause.HANDSET,
        r"(?<!手机)终端(?!停机)|手机终端(?!是空号|停机|所在|网络忙)|内存满|存储|存贮|手机问题|手机设置|非法设备|设备不支持|MS错误|MS端错误|MS未装备|SIM|不支持短消息"
        r"|无短信功能",
    ),
    (
        Cause.NO_REASON,
        r"^(发送失败|下发失败|其他错误|其他失败|未知错误|未知原因错误|无|发送消息失败|接收异常|短消息被拒绝|拒绝"
        r"|移动错误|移动错误，不处理)$|状态未知|状态报告|状态未返回|未知错误|SMSC返回为UNKNOWN|类错误 同|暂无该错误码"
        r"|某种原因|类错误是指移动错误",
    ),
)
#: Causes told apart by which the description names first (关机、停机或空号: switched off).
_NAMED_FIRST = frozenset({Cause.NUMBER_INVALID, Cause.UNREACHABLE, Cause.HANDSET})


def _tiers() -> list[list[tuple[Cause, re.Pattern[str]]]]:
    tiers: list[list[tuple[Cause, re.Pattern[str]]]] = []
    for cause, pattern in _RULES:
        rule = (cause, re.compile(pattern))
        if cause in _NAMED_FIRST and tiers and tiers[-1][0][0] in _NAMED_FIRST:
            tiers[-1].append(rule)
        else:
            tiers.append([rule])
    return tiers


_TIERS = _tiers()

#: Anything left is an error of a gateway, the network or the platform's protocol (鉴权,
#: 路由, 超时, 参数, 资费, 业务代码, ...): nothing the operator or the recipient can change.
DEFAULT = Cause.GATEWAY

_M, _U, _T, _A = Carrier.CHINA_MOBILE, Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM, Carrier.ALL_NETWORKS

#: Rows the rules read wrongly, by (carrier, code as published), reviewed one by one.
EXCEPTIONS: dict[tuple[Carrier, str], Cause] = {
    (_M, "MK:0012"): Cause.UNREACHABLE,  # off, suspended, out of coverage; rarely a regional block
    (_M, "CB:0047"): Cause.NUMBER_INVALID,  # an expired subscriber, not an expired message
    (_M, "CL32RESP:11011"): Cause.UNREACHABLE,  # a dead zone first, a blacklist second
    (_M, "CMPP20ERR:19"): Cause.CONTENT_BLOCKED,  # keywords first; its advice is about wording
    (_M, "MB:1041"): Cause.INTERCEPTED,  # "mostly numbers in Guangdong": a regional block
    (_U, "SGIP:10"): Cause.HANDSET,  # "handset problem (off, suspended, blacklisted)"
    (_U, "SGIP:89"): Cause.FREQUENCY_LIMIT,  # flow control first, blacklist second
    (_T, "SMGPERR:54"): Cause.ARREARS,  # a prepaid account that is frozen
    (_A, "8"): Cause.NUMBER_INVALID,  # 号码过期: the number, not the message, expired
    (_A, "-100"): Cause.HANDSET,  # handset first, blocked words second
    (_A, "CL26:-36"): Cause.FREQUENCY_LIMIT,  # anti-bombing: the sender's site has no captcha
    (_A, "JL:0012"): Cause.GATEWAY,  # the extension code is too long, not the text
}


def cause_by_rules(description: str, advice: str = "") -> Cause:
    """The cause the rules give a description (the advice breaks ties nowhere yet)."""
    for tier in _TIERS:
        found = [(match.start(), n, cause) for n, (cause, p) in enumerate(tier) if (match := p.search(description))]
        if found:
            return min(found)[2]
    return DEFAULT


def cause_of(carrier: Carrier, code: str, description: str, advice: str = "") -> Cause:
    """The cause of one published row: a reviewed exception, else the rules."""
    exception = EXCEPTIONS.get((carrier, code))
    if exception is not None:
        return exception
    return cause_by_rules(description, advice)
