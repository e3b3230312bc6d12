"""Every refusal the server can give: a stable code, an HTTP status, and one sentence in Chinese and English.

A refusal of a whole request is raised as ``Refusal`` and answered as a ``sync.protocol.Problem``; a
refusal of one change in a push becomes that change's ``ChangeResult(status="rejected")``.
Messages never quote a record's values (they may be personal data), only codes and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.protocol import ChangeResult, Problem


@dataclass(frozen=True)
class Reason:
    code: str
    status: int
    zh: str
    en: str


class Refusal(Exception):
    def __init__(self, reason: Reason, headers: dict[str, str] | None = None, **values: object) -> None:
        self.code = reason.code
        self.status = reason.status
        self.message_zh = reason.zh.format(**values)
        self.message_en = reason.en.format(**values)
        self.headers = headers or {}
        super().__init__(f"{self.code}: {self.message_en}")

    def problem(self) -> Problem:
        return Problem(self.code, self.message_zh, self.message_en)

    def result(self, seq: int) -> ChangeResult:
        return ChangeResult(seq, "rejected", self.code, self.message_zh, self.message_en)


class AdminError(ValueError):
    """An admin command that cannot be done as asked: one sentence in Chinese, one in English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


# ---- authentication ---------------------------------------------------------------------------------------
BAD_TOKEN = Reason(
    "bad_token",
    401,
    "同步服务器不认识此设备的凭据（缺失或无效）；请信息技术人员重新登记此设备。",
    "The server does not recognise this device's credentials (missing or not valid); ask IT to enrol the device again.",
)
REVOKED = Reason(
    "revoked",
    401,
    "此设备已被信息技术人员停用，不能再同步；本机上的数据和未发送的修改都还在，请联系信息技术人员重新登记。",
    "This device has been revoked by IT and can no longer sync; its data and unsent changes stay on the computer, so contact IT to enrol it again.",
)

# ---- enrolment --------------------------------------------------------------------------------------------
BAD_CODE = Reason(
    "bad_code",
    403,
    "登记码不正确，请核对后重新输入（字母不区分大小写，短横线可省略）。",
    "This enrolment code is not right; check it and type it again (letters in any case, dashes optional).",
)
CODE_USED = Reason(
    "code_used",
    403,
    "此登记码已经用过；每个登记码只能用一次，请向信息技术人员要一个新的。",
    "This enrolment code has already been used; each code works once, so ask IT for a new one.",
)
CODE_EXPIRED = Reason(
    "code_expired",
    403,
    "此登记码已过期，请向信息技术人员要一个新的。",
    "This enrolment code has expired; ask IT for a new one.",
)
RATE_LIMITED = Reason(
    "rate_limited",
    429,
    "从这台电脑输错登记码的次数太多，请 {minutes} 分钟后再试。",
    "Too many wrong enrolment codes came from this computer; try again in {minutes} minutes.",
)

# ---- the request as a whole -------------------------------------------------------------------------------
INVALID = Reason(
    "invalid",
    400,
    "请求格式不正确（{detail}），服务器无法处理。",
    "The request is malformed ({detail}), so the server cannot process it.",
)
NOT_JSON = Reason(
    "invalid",
    400,
    "请求内容不是有效的 JSON（{detail}）。",
    "The request body is not valid JSON ({detail}).",
)
UNSUPPORTED_ENCODING = Reason(
    "invalid",
    415,
    "服务器只接受 gzip 压缩或未压缩的请求。",
    "The server accepts gzip-compressed or uncompressed bodies only.",
)
TOO_LARGE = Reason(
    "too_large",
    413,
    "请求太大（解压后超过 {limit} 字节），请分小批同步。",
    "The request is too large (over {limit} bytes once inflated); sync in smaller batches.",
)
TOO_MANY_ITEMS = Reason(
    "too_large",
    413,
    "请求中的数据项太多（超过 {limit} 个），请分小批同步。",
    "The request holds too many items (over {limit}); sync in smaller batches.",
)
BATCH_TOO_LARGE = Reason(
    "too_large",
    413,
    "一次推送最多 {limit} 条修改，这次有 {count} 条；请分小批同步。",
    "A push may carry at most {limit} changes and this one has {count}; sync in smaller batches.",
)
PROTOCOL_OLD = Reason(
    "protocol",
    409,
    "本机程序的同步协议版本（{client}）比服务器（{server}）旧，请先升级本机程序。",
    "This program speaks sync protocol {client} and the server {server}; upgrade the program first.",
)
PROTOCOL_NEW = Reason(
    "protocol",
    409,
    "本机程序的同步协议版本（{client}）比服务器（{server}）新，请信息技术人员升级服务器。",
    "This program speaks sync protocol {client} and the server only {server}; ask IT to upgrade the server.",
)
CLOCK_SKEW = Reason(
    "clock_skew",
    409,
    "本机时钟与服务器相差约 {minutes} 分钟（允许 {allowed} 分钟）；请校准本机的日期和时间后再同步，修改都还保存在本机。",
    "This computer's clock is about {minutes} minutes off the server's ({allowed} allowed); set its date and time right, then sync again; the changes are kept here.",
)
DEVICE_MISMATCH = Reason(
    "invalid",
    400,
    "请求中的设备编号与此设备的凭据不符。",
    "The device id in the request does not match this device's credentials.",
)
NOT_FOUND = Reason("not_found", 404, "没有这个地址。", "There is nothing at this address.")
METHOD = Reason(
    "invalid", 405, "此地址不接受这种请求方法。", "This address does not accept this request method."
)
OUT_OF_ORDER = Reason(
    "out_of_order",
    409,
    "这批更改之前的一批还没有到达服务器；请在前一批得到答复后重新发送。",
    "The batch sent before this one has not reached the server; send this one again after that one's answer.",
)
BUSY = Reason(
    "busy",
    503,
    "服务器正忙，这次没有处理；请稍后再试。",
    "The server is busy and did not process this; try again shortly.",
)

# ---- pull and snapshot ------------------------------------------------------------------------------------
CURSOR_EXPIRED = Reason(
    "cursor_expired",
    410,
    "服务器已不再保留同步位置 {cursor} 之后的记录（最早可从 {floor} 开始）；请重新下载本范围的全部数据，本机未发送的修改不会丢失。",
    "The server no longer keeps the log after sync position {cursor} (it starts at {floor}); download a fresh snapshot of the scope; changes not yet sent are kept.",
)
CURSOR_AHEAD = Reason(
    "cursor_expired",
    410,
    "本机的同步位置 {cursor} 超出了服务器的记录（到 {head} 为止），服务器可能已从备份恢复；请重新下载本范围的全部数据。",
    "This device's sync position {cursor} is beyond the server's log (which ends at {head}); the server may have been restored from a backup, so download a fresh snapshot.",
)
BAD_SNAPSHOT_KEY = Reason(
    "invalid",
    400,
    "快照的分页位置无效；请从头重新下载快照。",
    "The snapshot page key is not valid; start the snapshot again from the beginning.",
)

# ---- conflicts --------------------------------------------------------------------------------------------
NOT_SUPERVISOR = Reason(
    "forbidden",
    403,
    "只有审核人员的设备可以处理冲突。",
    "Only a supervisor's device can resolve conflicts.",
)
CONFLICT_NOT_FOUND = Reason("not_found", 404, "找不到这条冲突记录。", "This conflict was not found.")
CONFLICT_FIELD = Reason(
    "invalid",
    400,
    "这条冲突涉及的字段是 {field}，而请求中的字段不同。",
    "This conflict is about the field {field}, not the one in the request.",
)
ALREADY_RESOLVED = Reason(
    "resolved",
    409,
    "这条冲突已经处理过了，处理结果与本次选择不同；请先同步，查看当前的值。",
    "This conflict has already been resolved with another value; sync to see the current one.",
)

# ---- one change in a push ---------------------------------------------------------------------------------
OUT_OF_SCOPE = Reason(
    "out_of_scope",
    403,
    "此记录属于单位 {office}，不在此设备的范围（{scope}）内。",
    "This record belongs to office {office}, outside this device's scope ({scope}).",
)
MOVED_AWAY = Reason(
    "out_of_scope",
    403,
    "此人的档案现属单位 {office}，不在此设备的范围内（可能已转出）；如需修改其资料，请联系该单位。",
    "This person's file now belongs to office {office}, outside this device's scope (they may have moved away); contact that office to change the profile.",
)
UNKNOWN_ENTITY = Reason(
    "invalid",
    400,
    "记录类型“{entity}”无法识别，请升级本机程序。",
    "The record type “{entity}” is not known; upgrade the program.",
)
NOT_UPDATABLE = Reason(
    "invalid",
    400,
    "{entity} 记录只能新增，不能修改（更正请新增一个版本）。",
    "{entity} records are only ever added, never updated (add a new version to correct one).",
)
BAD_ID = Reason(
    "invalid",
    400,
    "{what} 不是有效的 UUID。",
    "The {what} is not a valid UUID.",
)
BAD_OFFICE = Reason(
    "invalid",
    400,
    "单位代码必须是 9 位数字（6 位区县代码加 3 位乡镇代码）。",
    "An office code must be 9 digits (a 6-digit county code and a 3-digit township).",
)
BAD_HLC = Reason(
    "invalid",
    400,
    "修改的时间戳格式不正确（应为“毫秒:计数:设备”）。",
    "The change's clock is malformed (it should be “milliseconds:counter:device”).",
)
BAD_SEQ = Reason(
    "invalid",
    400,
    "修改的序号必须是 1 到 2^63-1 之间的整数。",
    "A change's sequence number must be an integer from 1 to 2^63-1.",
)
SEQ_REUSED = Reason(
    "invalid",
    400,
    "序号 {seq} 已用于另一条修改，此设备的同步记录可能已损坏；请联系信息技术人员。",
    "Sequence number {seq} was already used for another change; this device's sync records may be damaged, so contact IT.",
)
ID_TAKEN = Reason(
    "invalid",
    400,
    "此编号已被另一类记录使用。",
    "This id is already used by a record of another kind.",
)
IMMUTABLE = Reason(
    "immutable",
    409,
    "服务器上已有此记录且内容不同；记录只能新增版本，不能修改。",
    "The server already has this record with different content; records are never changed, add a new version instead.",
)
CHANGE_FROM_FUTURE = Reason(
    "clock_skew",
    409,
    "此修改的时间戳比服务器时间晚约 {minutes} 分钟，说明保存时本机时钟不准；请校准时钟后重新保存此记录。",
    "This change is stamped about {minutes} minutes ahead of the server, so the computer's clock was wrong when it was saved; set the clock and save the record again.",
)

# ---- an applied change that opened a conflict (status "applied", not a refusal) ---------------------------
CONFLICT_OPENED = Reason(
    "conflict",
    200,
    "其他单位同时修改了此人的“{field}”；两个值都已保留，请审核人员决定采用哪一个。",
    "Another office changed this person's “{field}” at the same time; both values are kept until a supervisor picks one.",
)
