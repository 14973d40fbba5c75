"""What a WeChat message asks for (question, help, "继续", …) and the fixed texts we answer with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HELP_TEXT = (
    "您好，我是源问，解答南京市开源政策与开源许可证问题。直接输入问题即可，例如：\n"
    "• 南京对开源项目有哪些扶持政策？\n"
    "• 申报开源专项资金需要什么条件？\n"
    "• 许可证 MIT GPL-3.0（查询两个许可证能否组合使用）\n"
    "回答较长时，回复“继续”查看剩余内容；回复“帮助”再次查看本说明。"
)
WELCOME_TEXT = "欢迎关注！\n" + HELP_TEXT
NON_TEXT_TEXT = "暂时只能回答文字或语音提问，请直接输入您的问题。回复“帮助”查看示例。"
VOICE_UNCLEAR_TEXT = "抱歉，没有听清这条语音，请再说一遍或直接输入文字。回复“帮助”查看示例。"
PENDING_TEXT = "正在查询，请稍后发送任意文字获取答案"
NO_MORE_TEXT = "没有待续的内容了，请直接输入新的问题。"
ERROR_TEXT = "抱歉，系统暂时无法回答，请稍后再试。"

HELP_WORDS = {"帮助", "help", "?", "？", "菜单", "使用说明"}
MORE_WORDS = {"继续", "更多", "more"}
NON_TEXT_TYPES = {"image", "location", "link", "video", "shortvideo", "file", "music", "news"}


@dataclass
class Intent:
    """ask: send `text` to the assistant; reply: answer `text` as is; more: serve the remainder;
    forget: unsubscribe; ignore: no reply ("success")."""

    kind: Literal["ask", "reply", "more", "forget", "ignore"]
    text: str = ""


def classify(message: dict[str, str]) -> Intent:
    msg_type = message.get("MsgType", "").lower()
    if msg_type == "text":
        return _from_text(message.get("Content", ""))
    if msg_type == "voice":
        recognition = message.get("Recognition", "").strip()
        return _from_text(recognition) if recognition else Intent("reply", VOICE_UNCLEAR_TEXT)
    if msg_type == "event":
        event = message.get("Event", "").lower()
        if event == "subscribe":
            return Intent("reply", WELCOME_TEXT)
        if event == "unsubscribe":
            return Intent("forget")
        if event == "click" and message.get("EventKey", "").strip().lower() in {w.lower() for w in HELP_WORDS}:
            return Intent("reply", HELP_TEXT)
        return Intent("ignore")
    if msg_type in NON_TEXT_TYPES:
        return Intent("reply", NON_TEXT_TEXT)
    return Intent("reply", NON_TEXT_TEXT)


def _from_text(content: str) -> Intent:
    text = content.strip()
    if not text or text.lower() in HELP_WORDS:
        return Intent("reply", HELP_TEXT)
    if text.lower() in MORE_WORDS:
        return Intent("more")
    return Intent("ask", text)  # "许可证 A B" included: the core routes it to the licence engine
