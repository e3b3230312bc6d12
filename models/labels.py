"""The names of fields as a person reads them, in both languages (forms, errors, exports)."""

from __future__ import annotations

from models.text import Text

FIELD_LABELS: dict[str, Text] = {
    "name": Text("姓名", "name"),
    "aliases": Text("别名/绰号", "aliases"),
    "gender": Text("性别", "sex"),
    "birth_date": Text("出生日期", "date of birth"),
    "id_number": Text("身份证号码", "ID number"),
    "phone": Text("联系电话", "phone"),
    "household_address": Text("户籍地", "registered household address"),
    "residence_address": Text("居住地", "residence address"),
    "drug_types": Text("滥用毒品种类", "drugs used"),
    "first_found_on": Text("初次发现日期", "date first found"),
    "risk_colour": Text("风险等级", "risk colour"),
    "assigned_worker_id": Text("责任专干", "assigned worker"),
    "notes": Text("备注", "notes"),
    "office_name": Text("办公室名称", "office name"),
    "reason": Text("原因", "reason"),
    "visited_on": Text("走访日期", "visit date"),
    "tested_on": Text("检测日期", "test date"),
    "given_on": Text("帮扶日期", "date given"),
    "starts_on": Text("请假开始日期", "leave start"),
    "ends_on": Text("结束日期", "end date"),
    "returned_on": Text("销假日期", "return date"),
    "occurred_on": Text("发生日期", "date"),
    "signed_on": Text("签订日期", "date signed"),
    "ordered_on": Text("决定日期", "order date"),
    "reported_on": Text("报到日期", "report date"),
    "on": Text("变更日期", "date of change"),
    "next_contact_on": Text("下次联系日期", "next contact"),
    "amount": Text("金额（元）", "amount (yuan)"),
    "provider": Text("帮扶单位", "provider"),
    "summary": Text("情况摘要", "summary"),
    "valid_until": Text("有效期至", "valid until"),
    "reported_to_police_on": Text("报告公安机关日期", "reported to the police on"),
}


def field_label(field: str) -> Text:
    return FIELD_LABELS.get(field, Text(field, field))
