"""The command line's help in Chinese: argparse's texts are written in English at their call sites and
shown in zh_CN through this table (a test fails when a help text has no entry)."""

from __future__ import annotations

import argparse
from typing import Any

from models.text import current_language

HELP_ZH: dict[str, str] = {
    "9-digit office code, e.g. 640104001": "9 位办公室代码，例如 640104001",
    "a month 2026-10, a quarter 2026-Q4 or a year 2026": "统计期：月份 2026-10、季度 2026-Q4 或年份 2026",
    "a person's file (audited)": "查看人员档案（记入审计日志）",
    "a record number, or a name (not for administrators)": "档案号，或姓名（管理员只能用档案号）",
    "accept a backup of another office than this one": "允许恢复其他办公室的备份",
    "add a user (admin)": "添加用户（管理员）",
    "also check the audit chain (needs --user and the password; REHABDESK_PASSWORD does too)": "同时校验审计链（需要 --user 和密码，也可用 REHABDESK_PASSWORD）",
    "an action code such as person.open, or its group: person": "操作代码，如 person.open，或其类别，如 person",
    "apply a bundle from the server": "导入服务器生成的同步数据包",
    "at most this many, newest first (0: all)": "最多显示的条数，最新的在前（0 表示全部）",
    "audit entries, newest first (supervisors and administrators)": "列出审计记录，最新的在前（审核人员和管理员）",
    "back up the store, with its key file, to one .rdbak file": "把数据库连同密钥文件备份为一个 .rdbak 文件",
    "change a password (REHABDESK_NEW_PASSWORD)": "修改密码（可用 REHABDESK_NEW_PASSWORD）",
    "check every row, write nothing": "逐行检查，不写入任何数据",
    "check keys, ciphers, the store and migrations": "自检：密钥派生、加密套件、数据库和迁移",
    "cipher suite (default aes)": "加密套件（默认 aes）",
    "data directory": "数据目录",
    "deactivate a user (admin)": "停用用户（管理员）",
    "default: from the file name": "默认：按文件扩展名",
    "enrol this computer with a sync server (admin)": "在同步服务器登记本机（管理员）",
    "export audit entries to CSV or XLSX (audited)": "把审计记录导出为 CSV 或 XLSX（本次导出记入审计日志）",
    "export to CSV or XLSX (plaintext, audited)": "导出为 CSV 或 XLSX（明文，记入审计日志）",
    "from this day (YYYY-MM-DD)": "起始日期（YYYY-MM-DD）",
    "full names, not surname + record (audited)": "显示完整姓名而非姓氏加档案号（记入审计日志）",
    "import a CSV or XLSX ledger": "导入 CSV 或 XLSX 台账",
    "import the good rows even if some are bad": "即使有问题行，也导入无问题的行",
    "indicators for a period and scope": "按统计期和范围计算指标",
    "list or search people": "列出或查找人员",
    "list users": "列出用户",
    "log unexpected errors without a dialog": "意外错误只记日志，不弹出对话框",
    "office (9 digits) or county (6) code; default: this office": "办公室（9 位）或区县（6 位）代码；默认本办公室",
    "only entries made by this user": "只看该用户的操作",
    "only this worker's caseload": "只看该专干负责的人员",
    "people": "人员",
    "print data as JSON": "以 JSON 格式输出",
    "push, pull, print a summary and exit": "上传、下载，打印摘要后退出",
    "record number, ID number or id": "档案号、身份证号码或内部编号",
    "render every page and form of a demo office to PNG": "把演示办公室的每个页面和表单截图为 PNG",
    "reset a password with the recovery key": "用恢复密钥重设密码",
    "restore a .rdbak backup (the current data is moved aside)": "恢复 .rdbak 备份（现有数据另存，不删除）",
    "seconds to wait for the server": "等待服务器的秒数",
    "set up a demo office with synthetic data": "建立使用合成数据的演示办公室",
    "set up a new office": "建立新办公室",
    "set up an office from a TOML or JSON file, with no questions": "按 TOML 或 JSON 文件自动建立办公室",
    "show program's version number and exit": "显示版本号并退出",
    "show this help message and exit": "显示本帮助并退出",
    "start the desktop app": "启动桌面程序",
    "sync with the server until Ctrl+C (or --once)": "与服务器同步，直到按 Ctrl+C（或加 --once 只同步一次）",
    "the .csv or .xlsx file to write": "要写入的 .csv 或 .xlsx 文件",
    "the .rdbak backup file": ".rdbak 备份文件",
    "the administrator's user name": "管理员用户名",
    "the audit chain": "审计链",
    "the backup file to write, e.g. E:\\office.rdbak": "要写入的备份文件，例如 E:\\office.rdbak",
    "the day to plan for (YYYY-MM-DD; default today)": "计划日期（YYYY-MM-DD，默认今天）",
    "the monthly report as XLSX or PDF (audited)": "生成 XLSX 或 PDF 月报（记入审计日志）",
    "the one-time enrolment code IT made on the server; default: the provisioned one": "信息技术人员在服务器上生成的一次性登记码；默认使用配置文件中的登记码",
    "the outbox as an encrypted USB bundle": "把待同步变更导出为加密的 U 盘数据包",
    "the provisioning file (see docs/deploy.md)": "部署配置文件（见 docs/deploy.md）",
    "the sync server's address (https://...); default: the provisioned one": "同步服务器地址（https://...）；默认使用配置文件中的地址",
    "the zip file to write": "要写入的 zip 文件",
    "up to and including this day (YYYY-MM-DD)": "截止日期，含当天（YYYY-MM-DD）",
    "user name (or REHABDESK_USER)": "用户名（或 REHABDESK_USER）",
    "users": "用户",
    "verify the audit hash chain": "校验审计哈希链",
    "what is due and overdue": "到期和逾期的工作",
    "what waits, what was refused, the last sync": "待同步、被拒收的变更和上次同步情况",
    "write a support bundle without personal data": "生成不含个人信息的技术支持包",
}


def localise(parser: argparse.ArgumentParser) -> None:
    """Show every help text of ``parser`` (and its subcommands) in the user's language."""
    if current_language() == "en":
        return
    for action in parser._actions:
        action.help = _zh(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                choice.help = _zh(choice.help)
            for sub in action.choices.values():
                localise(sub)


def _zh(text: Any) -> Any:
    return HELP_ZH.get(text, text) if isinstance(text, str) else text
