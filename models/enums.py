"""Enumerations of the domain. Each member carries its zh_CN and en label.

Values are stable English codes: they are stored, synced and written to exports, so they never change;
labels may be reworded freely.
"""

from __future__ import annotations

import enum

from models.text import Text


class LabelledEnum(enum.StrEnum):
    """A str enum whose members are declared as ``CODE = ("code", "中文", "English")``."""

    label: Text

    def __new__(cls, value: str, zh: str, en: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = Text(zh, en)
        return member

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum | None:
        """Find a member by its code or either label (as ledgers write them); None if nothing matches."""
        wanted = text.strip().lower()
        for member in cls:
            if wanted in (member.value, member.label.zh.lower(), member.label.en.lower()):
                return member
        return None


class Gender(LabelledEnum):
    MALE = ("male", "男", "male")
    FEMALE = ("female", "女", "female")


class Role(LabelledEnum):
    WORKER = ("worker", "禁毒专干", "worker")
    SUPERVISOR = ("supervisor", "审核人员", "supervisor")
    ADMIN = ("admin", "管理员", "administrator")


class MeasureKind(LabelledEnum):
    COMMUNITY_TREATMENT = ("community_treatment", "社区戒毒", "community drug treatment")
    COMMUNITY_REHAB = ("community_rehab", "社区康复", "community rehabilitation")
    COMPULSORY = ("compulsory", "强制隔离戒毒", "compulsory isolated treatment")


class PersonStatus(LabelledEnum):
    NOT_REPORTED = ("not_reported", "未报到", "not yet reported")
    IN_TREATMENT = ("in_treatment", "社区戒毒中", "in community treatment")
    IN_REHAB = ("in_rehab", "社区康复中", "in community rehabilitation")
    ON_LEAVE = ("on_leave", "请假中", "on leave")
    COMPLETED = ("completed", "已解除", "completed")
    SUSPENDED = ("suspended", "中止", "suspended")
    TERMINATED = ("terminated", "终止", "terminated")
    IN_COMPULSORY = ("in_compulsory", "强戒中", "in compulsory treatment")
    LOST = ("lost", "脱管", "lost from supervision")
    CLEAN_THREE_YEARS = ("clean_three_years", "戒断三年未复吸", "three years clean")
    TRANSFERRED_OUT = ("transferred_out", "迁出", "transferred out")
    DECEASED = ("deceased", "死亡", "deceased")


UNDER_MEASURE = frozenset({PersonStatus.IN_TREATMENT, PersonStatus.IN_REHAB, PersonStatus.ON_LEAVE})


class RiskColour(LabelledEnum):
    RED = ("red", "红色（严查严控）", "red (strict control)")
    YELLOW = ("yellow", "黄色（严密防范）", "yellow (close watch)")
    BLUE = ("blue", "蓝色（规范管理）", "blue (standard care)")
    GREEN = ("green", "绿色（无感服务）", "green (light touch)")


class VisitKind(LabelledEnum):
    HOME = ("home", "入户走访", "home visit")
    OFFICE = ("office", "到站谈话", "office talk")
    PHONE = ("phone", "电话联系", "phone call")
    VIDEO = ("video", "视频联系", "video call")


class SampleType(LabelledEnum):
    URINE = ("urine", "尿液", "urine")
    HAIR = ("hair", "毛发", "hair")
    SALIVA = ("saliva", "唾液", "saliva")
    BLOOD = ("blood", "血液", "blood")


class TestMethod(LabelledEnum):
    __test__ = False  # not a pytest class, despite the name
    ON_SITE = ("on_site", "现场检测", "on-site test")
    LAB = ("lab", "实验室检测", "lab test")
    RETEST = ("retest", "复检", "re-test")


class TestResult(LabelledEnum):
    __test__ = False
    NEGATIVE = ("negative", "阴性", "negative")
    POSITIVE = ("positive", "阳性", "positive")
    REFUSED = ("refused", "拒绝检测", "refused")
    INVALID = ("invalid", "无效", "invalid")


class Drug(LabelledEnum):
    HEROIN = ("heroin", "海洛因", "heroin")
    METH = ("methamphetamine", "甲基苯丙胺（冰毒）", "methamphetamine")
    KETAMINE = ("ketamine", "氯胺酮", "ketamine")
    OPIUM = ("opium", "鸦片", "opium")
    MORPHINE = ("morphine", "吗啡", "morphine")
    CANNABIS = ("cannabis", "大麻", "cannabis")
    COCAINE = ("cocaine", "可卡因", "cocaine")
    MDMA = ("mdma", "摇头丸（MDMA）", "MDMA")
    NITROUS_OXIDE = ("nitrous_oxide", "笑气", "nitrous oxide")
    NPS = ("nps", "新精神活性物质", "new psychoactive substances")


class AssistanceKind(LabelledEnum):
    TRAINING = ("training", "职业技能培训", "vocational training")
    JOB_PLACEMENT = ("job_placement", "就业援助/安置", "job guidance and placement")
    PUBLIC_POST = ("public_post", "公益性岗位", "public-benefit post")
    MINIMUM_ALLOWANCE = ("minimum_allowance", "低保", "minimum living allowance")
    EXTREME_POVERTY = ("extreme_poverty", "特困供养", "extreme-poverty support")
    TEMPORARY_RELIEF = ("temporary_relief", "临时救助", "temporary assistance")
    MEDICAL = ("medical", "医疗救助/医保", "medical aid and insurance")
    COUNSELLING = ("counselling", "心理疏导", "psychological counselling")
    LEGAL_AID = ("legal_aid", "法律援助", "legal aid")
    SCHOOLING = ("schooling", "子女就学帮扶", "schooling help for children")


class AssistanceOutcome(LabelledEnum):
    PENDING = ("pending", "进行中", "in progress")
    COMPLETED = ("completed", "已完成", "completed")
    EMPLOYED = ("employed", "已就业", "employed")
    EMPLOYED_SIX_MONTHS = ("employed_6m", "稳定就业满6个月", "still employed after 6 months")
    DECLINED = ("declined", "本人拒绝", "declined")


class ViolationKind(LabelledEnum):
    TEST_REFUSED = ("test_refused", "拒绝或逃避检测", "refused or evaded a test")
    ABSENT_WITHOUT_LEAVE = ("absent_without_leave", "未经批准离开辖区", "left the county without permission")
    LEAVE_OVERSTAYED = ("leave_overstayed", "请假逾期未归", "overstayed leave")
    MISSED_REPORT = ("missed_report", "未按时报到", "failed to report on time")
    OTHER = ("other", "其他违反协议行为", "other breach of the agreement")


class WorkGroupRole(LabelledEnum):
    WORKER = ("worker", "禁毒专干", "anti-drug worker")
    POLICE = ("police", "社区民警", "community police officer")
    MEDIC = ("medic", "社区医务人员", "community medic")
    FAMILY = ("family", "家庭成员", "family member")
    VOLUNTEER = ("volunteer", "志愿者", "volunteer")


class FactKind(LabelledEnum):
    """The append-only facts; also the names of their tables."""

    VISIT = ("visit", "走访谈话", "visit")
    DRUG_TEST = ("drug_test", "检测", "drug test")
    ASSISTANCE = ("assistance", "帮扶救助", "assistance")
    LEAVE = ("leave", "请假", "leave")
    VIOLATION = ("violation", "违反协议", "violation")
    AGREEMENT = ("agreement", "协议", "agreement")
    POLICE_REPORT = ("police_report", "报告公安机关", "report to the police")
    RISK_FLAG = ("risk_flag", "风险情形", "risk observation")
    RISK_ASSESSMENT = ("risk_assessment", "风险评估", "risk assessment")
    RISK_OVERRIDE = ("risk_override", "调整风险等级", "risk colour set by the worker")


class ReviewState(LabelledEnum):
    PENDING = ("pending", "待审核", "awaiting review")
    SIGNED_OFF = ("signed_off", "已审核", "signed off")
    RETURNED = ("returned", "已退回", "returned")


class VersionKind(LabelledEnum):
    ORIGINAL = ("original", "原始记录", "original")
    CORRECTION = ("correction", "更正", "correction")
    VOID = ("void", "作废", "void")


class EscalationKind(LabelledEnum):
    """What the worker must report to the police. Stored on police-report facts, so the codes never change."""

    RELAPSE = ("relapse", "复吸", "relapse")
    REFUSAL = ("refusal", "拒绝检测或报到", "refusal")
    SERIOUS_VIOLATION = ("serious_violation", "严重违反协议", "serious violation of the agreement")


class RiskFlagKind(LabelledEnum):
    """Observations that push a person to the top risk colour at once (DOMAIN.md, risk grading)."""

    SELF_HARM = ("self_harm", "自伤自残", "self-harm")
    MENTAL_INSTABILITY = ("mental_instability", "精神状态不稳定", "mental instability")
