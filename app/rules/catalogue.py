"""The catalogue of rules: each rule's stable id and its name in both languages.

Every task and warning carries the id of the rule that made it (stable: stored with dismissals, shown in
exports) and names the rule in the user's language, so a worker can see why the app asks for something.
"""

from __future__ import annotations

from functools import cache

from models.text import Message, Text

TEST_WINDOW = "test.window"
HAIR_WINDOW = "hair.window"
TEST_INTERVAL = "test.interval"
VISIT_WINDOW = "visit.window"
REPORT_DEADLINE = "report.deadline"
AGREEMENT_SIGN = "agreement.sign"
AGREEMENT_RENEW = "agreement.renew"
LEAVE_RETURN = "leave.return"
LEAVE_OVERSTAYED = "leave.overstayed"
LEAVE_LIMIT = "leave.limit"
TRANSFER_ARRIVAL = "transfer.arrival"
MEASURE_COMPLETION = "measure.completion"
CONTACT_LOST = "contact.lost"
ESCALATE_RELAPSE = "escalation.relapse"
ESCALATE_REFUSAL = "escalation.refusal"
ESCALATE_SERIOUS = "escalation.serious_violation"
SERIOUS_VIOLATION = "violation.serious"
RISK_TOP = "risk.top"
CLEAN_THREE_YEARS = "clean.three_years"
STATUS_MISMATCH = "status.mismatch"

RULE_NAMES: dict[str, Text] = {
    TEST_WINDOW: Text(
        "按周期检测（每年等分检测周期，每周期至少一次）", "scheduled test windows (one test per window)"
    ),
    HAIR_WINDOW: Text("毛发检测周期", "hair test windows"),
    TEST_INTERVAL: Text("按风险等级加密检测", "extra tests for the risk colour"),
    VISIT_WINDOW: Text("按风险等级走访谈话", "visits by risk colour"),
    REPORT_DEADLINE: Text("责令后限期报到", "reporting deadline after the order"),
    AGREEMENT_SIGN: Text("报到或迁入后签订协议", "agreement at reporting or after a transfer"),
    AGREEMENT_RENEW: Text("协议到期续签", "agreement renewal"),
    LEAVE_RETURN: Text("请假到期销假", "return from leave"),
    LEAVE_OVERSTAYED: Text("请假逾期未归", "leave overstayed"),
    LEAVE_LIMIT: Text("请假天数上限", "leave limits"),
    TRANSFER_ARRIVAL: Text("迁居后限期向迁入地报到", "reporting to the new township after a move"),
    MEASURE_COMPLETION: Text(
        "期满解除并发放解除通知书", "completion at the end of the term and release notice"
    ),
    CONTACT_LOST: Text("失去联系（脱管）预警", "lost contact (lost from supervision)"),
    ESCALATE_RELAPSE: Text("复吸须报告公安机关", "report a relapse to the police"),
    ESCALATE_REFUSAL: Text("拒绝检测或报到须报告公安机关", "report a refusal to the police"),
    ESCALATE_SERIOUS: Text("严重违反协议须报告公安机关", "report a serious violation to the police"),
    SERIOUS_VIOLATION: Text("严重违反协议", "serious violation of the agreement"),
    RISK_TOP: Text("特定情形直接升为最高风险等级", "raised to the top risk colour at once"),
    CLEAN_THREE_YEARS: Text("戒断三年未复吸", "three years clean"),
    STATUS_MISMATCH: Text("人员状态与措施记录不符", "status does not match the measures"),
}


@cache  # one message per rule, shared by every task and warning it makes (messages are never changed)
def rule_name(rule: str) -> Message:
    """The rule's name as a message, ready to be a parameter of another message."""
    return RULE_NAMES[rule]()
