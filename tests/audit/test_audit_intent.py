"""`looks_like_audit_request`: whole-project dependency checks, not single licence questions."""

from __future__ import annotations

import pytest

from bot.answering.audit_pointer import looks_like_audit_request

AUDIT_REQUESTS = [
    "帮我检查依赖的许可证",
    "帮我检查一下项目所有依赖的许可证",
    "怎么审计我们项目第三方组件的许可证？",
    "我有一个 SBOM，能看看有没有许可证冲突吗",
    "能扫描一下三方库的开源协议吗",
    "请帮我梳理依赖的许可证清单",
    "生成第三方声明 NOTICE 文件",
    "软件物料清单里的许可证合规吗",
    "Can you audit the licenses of our dependencies?",
    "check all my dependencies' licenses before release",
    "I need a dependency license audit for 900 packages",
    "How do I generate a third-party notices file?",
    "Here is our CycloneDX file, anything incompatible?",
    "can I upload the output of pip-licenses?",
    "scan the project's packages for licence problems",
]
PLAIN_LICENCE_QUESTIONS = [
    "MIT 和 GPL 兼容吗",
    "Apache-2.0 的库能用在 GPL-2.0-only 项目里吗？",
    "我的项目依赖一个 GPL 库，能闭源发布吗？",
    "LGPL 的依赖可以静态链接吗",
    "May GPL-2.0-only code be used in a project I license under MIT?",
    "What does the Apache license require?",
    "Is MPL-2.0 compatible with GPL-3.0?",
    "开源人才能享受哪些住房方面的支持？",
    "What is the SPDX id of the BSD 3-clause licence?",
    "木兰宽松许可证第2版有哪些义务？",
    "",
]


@pytest.mark.parametrize("text", AUDIT_REQUESTS)
def test_audit_requests(text: str) -> None:
    assert looks_like_audit_request(text)


@pytest.mark.parametrize("text", PLAIN_LICENCE_QUESTIONS)
def test_not_audit_requests(text: str) -> None:
    assert not looks_like_audit_request(text)
