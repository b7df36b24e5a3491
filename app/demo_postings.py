"""Demo job postings, sent through the real flow: screening, queue, a moderator's decision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity

# (organization index in demo.ORGS, form fields, what happens to it)
APPROVE, QUEUE, RETURN = "approve", "queue", "return"


@dataclass(frozen=True)
class DemoPosting:
    org: int
    outcome: str
    fields: dict[str, str]


def _job(
    title: str,
    category: str,
    city: str,
    district: str,
    low: int,
    high: int,
    count: int,
    description: str,
    requirements: str,
    benefits: str,
    education: str = "本科",
    experience: str = "1-3年",
    period: str = "month",
) -> dict[str, str]:
    return {
        "title": title,
        "category": category,
        "city": city,
        "district": district,
        "salary_min": str(low),
        "salary_max": str(high),
        "salary_period": period,
        "headcount": str(count),
        "education": education,
        "experience": experience,
        "description": description,
        "requirements": requirements,
        "benefits": benefits,
    }


POSTINGS = (
    DemoPosting(
        0,
        APPROVE,
        _job(
            "Python 后端开发工程师",
            "软件开发",
            "北京",
            "海淀区",
            18000,
            28000,
            3,
            "负责招聘会平台后端服务的设计与开发，参与数据库建模、接口设计和性能优化；与前端、测试同事协作交付功能。",
            "熟悉 Python 和至少一种关系型数据库；了解异步编程；有良好的沟通能力和文档习惯。男女不限，欢迎应届毕业生。",
            "五险一金，补充医疗保险，弹性工作时间，年度体检（公司承担费用）。",
        ),
    ),
    DemoPosting(
        0,
        APPROVE,
        _job(
            "客户成功专员",
            "客户服务",
            "北京",
            "朝阳区",
            8000,
            12000,
            2,
            "为政府和企业客户提供线上招聘会的培训与支持，收集客户反馈并跟进问题解决。",
            "大专及以上学历，有客户服务或培训经验者优先；普通话流利。",
            "五险一金，带薪年假，节日福利。",
            education="大专",
        ),
    ),
    DemoPosting(
        0,
        QUEUE,
        _job(
            "前端开发实习生",
            "软件开发",
            "北京",
            "海淀区",
            200,
            300,
            2,
            "参与招聘会页面的开发与无障碍改进，在导师指导下完成功能开发和测试。",
            "计算机相关专业在校生，每周可实习 4 天以上，熟悉 HTML、CSS 和 JavaScript。",
            "实习补贴，导师带教，表现优秀可转正。",
            education="本科在读",
            experience="无",
            period="day",
        ),
    ),
    DemoPosting(
        1,
        APPROVE,
        _job(
            "仓储物流主管",
            "物流",
            "上海",
            "浦东新区",
            9000,
            13000,
            1,
            "负责张江仓库的日常运营管理，包括出入库、库存盘点、人员排班和安全管理。",
            "3年以上仓储管理经验，熟悉 WMS 系统，持有叉车证者优先。",
            "五险一金，餐补，交通补贴，年终奖。",
            education="大专",
            experience="3-5年",
        ),
    ),
    DemoPosting(
        1,
        APPROVE,
        _job(
            "货车司机",
            "运输",
            "上海",
            "浦东新区",
            8000,
            11000,
            5,
            "负责上海市内及长三角地区的货物配送，按时完成运输任务，确保货物安全。",
            "持有 B2 及以上驾驶证，3年以上驾龄，无重大交通事故记录。食品冷链线路需持有健康证。",
            "五险一金，出车补贴，公司承担岗前培训费用，本公司不收取任何费用。",
            education="不限",
            experience="3年以上",
        ),
    ),
    DemoPosting(
        1,
        RETURN,
        _job(
            "仓库理货员",
            "普工",
            "上海",
            "嘉定区",
            5000,
            6500,
            4,
            "负责货物分拣、上架和理货工作。",
            "限男性，35岁以下，能适应倒班。",
            "包住宿，五险一金。",
            education="初中",
            experience="不限",
        ),
    ),
    DemoPosting(
        0,
        APPROVE,
        _job(
            "Customer Support Specialist (English)",
            "Customer Service",
            "北京",
            "海淀区",
            10000,
            15000,
            2,
            "Support international clients of our online job-fair platform by e-mail and live chat, and write help-centre articles.",
            "Fluent written English and Chinese; two years of customer support experience; calm and clear communication.",
            "Social insurance and housing fund, 15 days of paid leave, training budget.",
        ),
    ),
)


async def load_demo_postings(
    session: AsyncSession, *, employers: list[Identity], moderator: Identity
) -> tuple[int, int, int]:
    """Create the demo postings; returns how many went live, wait in the queue, came back."""
    from app.db import utcnow
    from app.fair import postings
    from app.moderation import service as moderation

    counts = {APPROVE: 0, QUEUE: 0, RETURN: 0}
    # Approvals first, while each submission is the only item in the queue.
    order = {APPROVE: 0, RETURN: 1, QUEUE: 2}
    for spec in sorted(POSTINGS, key=lambda p: order[p.outcome]):
        employer = employers[spec.org]
        fields = postings.clean_fields(spec.fields, today=utcnow().date())
        version = await postings.save_draft(
            session, identity=employer, posting_id=None, fields=fields
        )
        await postings.submit(session, identity=employer, posting_id=version.posting_id)
        await session.flush()
        if spec.outcome == APPROVE:
            item = await moderation.claim_next(session, identity=moderator)
            assert item is not None
            assert item.id is not None
            await moderation.decide(
                session, identity=moderator, item_id=item.id, decision="approve"
            )
        counts[spec.outcome] += 1
    return counts[APPROVE], counts[QUEUE], counts[RETURN]
