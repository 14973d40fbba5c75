"""Compatibility questions in Chinese and English; everything else gives None."""

from __future__ import annotations

import pytest

from bot.licenses.questions import parse_license_question
from bot.types import LicenseQuery

CASES = [
    # --- Chinese
    ("Apache-2.0 的库能用在 GPL-2.0-only 项目里吗？", "Apache-2.0", "GPL-2.0-only", None),
    ("MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？", "MIT", "GPL-3.0-only", None),
    ("LGPL-2.1 的库能用在闭源商业软件里吗？", "LGPL-2.1-only", "proprietary", None),
    ("木兰宽松许可证第2版和 Apache-2.0 兼容吗？", "MulanPSL-2.0", "Apache-2.0", None),
    ("EPL-2.0 的代码可以放到 GPL-3.0-only 项目里吗？", "EPL-2.0", "GPL-3.0-only", None),
    ("我的项目是 GPL-3.0，能引入 MIT 的库吗？", "MIT", "GPL-3.0-only", None),
    ("GPL-3.0 项目可以使用 Apache-2.0 的代码吗", "Apache-2.0", "GPL-3.0-only", None),
    ("我想在 MIT 项目里用一个 GPL-3.0 的库，可以吗？", "GPL-3.0-only", "MIT", None),
    ("AGPL-3.0 的组件能用在我们的 SaaS 闭源服务里吗？", "AGPL-3.0-only", "proprietary", "saas"),
    ("GPLv3 的代码可以商用吗？", "GPLv3", "proprietary", None),  # a family: answered per version
    ("能把 MPL 2 的文件放进 Apache 2 项目吗", "MPL-2.0", "Apache-2.0", None),
    ("阿帕奇2.0 和 GNU通用公共许可证第3版 兼容吗", "Apache-2.0", "GPLv3", None),
    ("木兰公共许可证的代码能用在 GPL-3.0 项目中吗", "MulanPubL-2.0", "GPL-3.0-only", None),
    ("GPL-2.0-or-later 的代码能放进 GPL-3.0-only 项目吗？", "GPL-2.0-or-later", "GPL-3.0-only", None),
    (
        "GPL-2.0-only WITH Classpath-exception-2.0 的库能用在闭源软件里吗？",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "proprietary",
        None,
    ),
    ("BSD-3-Clause 许可的组件可以集成到 Apache-2.0 的产品中吗？", "BSD-3-Clause", "Apache-2.0", None),
    ("我们的闭源产品想动态链接一个 LGPL-3.0 的库，可以吗？", "LGPL-3.0-only", "proprietary", "dynamic"),
    ("静态链接 LGPL-2.1-only 的库到商业闭源软件里行吗", "LGPL-2.1-only", "proprietary", "static"),
    ("ISC 和 GPL-2.0-only 兼容吗", "ISC", "GPL-2.0-only", None),
    ("木兰宽松许可证 v2 的代码能并入 GPL-3.0-or-later 项目吗", "MulanPSL-2.0", "GPL-3.0-or-later", None),
    ("(MIT OR Apache-2.0) 的依赖可以用在 GPL-2.0-only 程序里吗？", "MIT OR Apache-2.0", "GPL-2.0-only", None),
    ("许可证 MIT GPL-3.0-only", "MIT", "GPL-3.0-only", None),
    ("许可证 Apache-2.0 闭源", "Apache-2.0", "proprietary", None),
    # --- English
    ("May GPL-2.0-only code be used in a project I license under MIT?", "GPL-2.0-only", "MIT", None),
    ("May Apache-2.0 code be included in a GPL-3.0-or-later project?", "Apache-2.0", "GPL-3.0-or-later", None),
    (
        "May a dependency licensed (Apache-2.0 OR MIT) go into a GPL-2.0-only program?",
        "Apache-2.0 OR MIT",
        "GPL-2.0-only",
        None,
    ),
    (
        "Can I ship a dependency under `MIT AND (GPL-2.0-only OR Apache-2.0)` in my Apache-2.0 project?",
        "MIT AND (GPL-2.0-only OR Apache-2.0)",
        "Apache-2.0",
        None,
    ),
    ("Is MPL-2.0 compatible with GPL-3.0?", "MPL-2.0", "GPL-3.0-only", None),
    ("Can GPL-3.0 projects use MIT code?", "MIT", "GPL-3.0-only", None),
    (
        "Can my Apache-2.0 project depend on an LGPL-2.1 library via dynamic linking?",
        "LGPL-2.1-only",
        "Apache-2.0",
        "dynamic",
    ),
    (
        "Can I statically link an LGPL-3.0 library into my proprietary app?",
        "LGPL-3.0-only",
        "proprietary",
        "static",
    ),
    ("Can I use BSD 3-clause code in a GPLv2 project?", "BSD-3-Clause", "GPLv2", None),
    (
        "Is the Apache License, Version 2.0 compatible with the GNU General Public License v2?",
        "Apache-2.0",
        "GPLv2",
        None,
    ),
    (
        "Can code licensed under MIT be included in a project licensed under GPL-2.0-only?",
        "MIT",
        "GPL-2.0-only",
        None,
    ),
    ("Could I incorporate ISC code into a BSD-2-Clause project?", "ISC", "BSD-2-Clause", None),
    ("Are GPL-2.0-only and GPL-3.0-only compatible?", "GPL-2.0-only", "GPL-3.0-only", None),
    ("Zlib licensed library in an MPL-2.0 codebase, allowed?", "Zlib", "MPL-2.0", None),
    ("Can a GPL-2.0-only program link to an Apache-2.0 library?", "Apache-2.0", "GPL-2.0-only", None),
    (
        "May I bundle an AGPL-3.0-only component with my closed-source SaaS?",
        "AGPL-3.0-only",
        "proprietary",
        "saas",
    ),
    ("Is it OK to put EPL-2.0 files into a GPL-3.0-only codebase?", "EPL-2.0", "GPL-3.0-only", None),
    ("Can LGPLv3+ code be used in commercial software?", "LGPL-3.0-or-later", "proprietary", None),
    (
        "We have a GPL-3.0-or-later project. Can we include code under the Mozilla Public License 2.0?",
        "MPL-2.0",
        "GPL-3.0-or-later",
        None,
    ),
    ("/license Apache-2.0 GPL-2.0-only", "Apache-2.0", "GPL-2.0-only", None),
    ('license "MIT OR Apache-2.0" GPL-2.0-only', "MIT OR Apache-2.0", "GPL-2.0-only", None),
    ("license Apache 2 GPL 3", "Apache-2.0", "GPLv3", None),
    ("/license LGPL-2.1-only proprietary --use dynamic", "LGPL-2.1-only", "proprietary", "dynamic"),
    ("Can Apache-2.0 licensed code be relicensed as MIT?", "Apache-2.0", "MIT", None),
    ("Apache License 2.0 能和 GPL v3 一起用吗", "Apache-2.0", "GPLv3", None),
    ("Is it possible to combine EUPL-1.2 and GPL-3.0-only code?", "EUPL-1.2", "GPL-3.0-only", None),
    (
        "Can I use an LGPL-2.1-only library in a SaaS product without releasing source?",
        "LGPL-2.1-only",
        "proprietary",
        "saas",
    ),
    ("Is BSD-2-Clause code OK in a GPL-3.0-only program?", "BSD-2-Clause", "GPL-3.0-only", None),
    ("Can I use AGPL-3.0-only code in my Apache-2.0 SaaS?", "AGPL-3.0-only", "Apache-2.0", "saas"),
    ("我的商业软件能用 MIT 协议的开源库吗？", "MIT", "proprietary", None),
    ("在 Apache-2.0 项目中引用 GPL-2.0 的代码可以吗", "GPL-2.0-only", "Apache-2.0", None),
    ("我在写一个 MIT 协议的项目，想依赖 LGPL-3.0 的库，可以吗？", "LGPL-3.0-only", "MIT", None),
    (
        "If my project is licensed under GPL-2.0-or-later, can I add Apache-2.0 code?",
        "Apache-2.0",
        "GPL-2.0-or-later",
        None,
    ),
    ("Can Apache-2.0 projects include GPL-3.0-only dependencies?", "GPL-3.0-only", "Apache-2.0", None),
    ("GPL-3.0 和 MIT 兼容吗", "GPL-3.0-only", "MIT", None),
    ("我们公司的闭源 SaaS 服务能用 GPL-3.0 的组件吗", "GPL-3.0-only", "proprietary", "saas"),
]


@pytest.mark.parametrize("text,inbound,outbound,use", CASES)
def test_compatibility_questions(engine, text, inbound, outbound, use):
    q = parse_license_question(text, engine=engine)
    assert q == LicenseQuery(inbound, outbound, use)


def test_enough_paraphrases():
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if any("\u4e00" <= ch <= "\u9fff" for ch in c[0])) >= 15


NOT_COMPAT = [
    "GPL-3.0 第7条讲什么？",
    "What does the Apache-2.0 NOTICE file requirement mean?",
    "MIT 许可证要求什么？",
    "开源人才有什么政策？",
    "MIT 和 Apache-2.0 有什么区别？",
    "What is the difference between GPL-2.0 and GPL-3.0?",
    "Which license should I use, MIT or Apache-2.0?",
    "Apache-2.0 是什么？",
    "南京对开源项目有哪些扶持政策？",
    "How do I comply with the GPL-3.0?",
    "",
    "   ",
    "GPL-2.0 vs GPL-3.0",
    "什么是 copyleft？",
    "license",
    "MIT",
    "What licenses are compatible with GPL-3.0?",
    "Apache-2.0 和 MIT 哪个好？",
    "GPL 是什么意思？",
]


@pytest.mark.parametrize("text", NOT_COMPAT)
def test_not_compatibility_questions(engine, text):
    assert parse_license_question(text, engine=engine) is None


def test_the_engine_method_is_the_one_home(engine):
    q = engine.parse_question("MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？")
    assert q == parse_license_question("MIT 许可的代码可以放进 GPL-3.0-only 的项目吗？", engine=engine)
    assert q is not None and q.outbound == "GPL-3.0-only"


def test_long_input_is_rejected_quickly(engine):
    assert parse_license_question("MIT " * 5000, engine=engine) is None


@pytest.mark.parametrize(
    "text,inbound,outbound",
    [("GPL 的代码能用在 MIT 项目里吗？", "GPL", "MIT"), ("Can I use BSD code in a GPL-3.0-only project?", "BSD", "GPL-3.0-only")],
)
def test_versionless_family_is_a_query_not_an_error(engine, text, inbound, outbound):
    q = parse_license_question(text, engine=engine)
    assert q == LicenseQuery(inbound, outbound, None)
    check = engine.check(q.inbound, q.outbound)
    assert check.family == inbound and len(check.versions) >= 3


# "must my own code be opened?" presumes it is meant to stay closed: read as <licence> -> proprietary
MUST_OPEN_MINE = [
    ("动态链接 LGPL-2.1 的库，我的代码要开源吗", "LGPL-2.1-only", "dynamic"),
    ("MPL-2.0 静态链接要开源吗？", "MPL-2.0", "static"),
    ("引入了 EPL-2.0 的组件，是不是必须开源我们的代码", "EPL-2.0", None),
    ("Am I forced to open source my code when I ship a GPL-2.0-only library?", "GPL-2.0-only", None),
    ("Do we need to release our source code if we use a BSD-3-Clause package?", "BSD-3-Clause", None),
]


@pytest.mark.parametrize("text,inbound,use", MUST_OPEN_MINE)
def test_must_i_open_my_code_is_a_question_about_closed_source(engine, text, inbound, use):
    q = parse_license_question(text, engine=engine)
    assert q == LicenseQuery(inbound=inbound, outbound="proprietary", use=use)


@pytest.mark.parametrize("text", [
    "我的项目要开源吗",                           # no licence named
    "开源项目选 MIT 还是 Apache-2.0，要开源吗",     # two licences: they are the pair, no closed-source guess
    "GPL-3.0 是什么，要求开源吗",                  # no "my code"
])
def test_must_open_needs_exactly_one_licence_and_ones_own_code(engine, text):
    q = parse_license_question(text, engine=engine)
    assert q is None or q.outbound != "proprietary"
