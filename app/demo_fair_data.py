"""Demo data for a live virtual job fair in Shanghai: exhibitors, their postings, seekers.

Pure data, no I/O: the demo loader sends every posting through the real submit and
moderator-approve flow, so each text here is written to pass screening cleanly (no age,
sex, marital, origin, appearance or school conditions, no fees, no personal contacts,
no pay hype). All organizations, people, codes, addresses and numbers are fictitious;
the USCCs carry a correct GB 32100-2015 check character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EmploymentType = Literal["full_time", "part_time", "internship", "temporary"]
SalaryPeriod = Literal["month", "day", "hour"]

# The categories postings and seekers' wishes use, so search and filters line up.
CATEGORIES: tuple[str, ...] = (
    "销售",
    "技术研发",
    "生产制造",
    "物流运输",
    "医疗护理",
    "餐饮服务",
    "行政文职",
    "财务会计",
    "教育培训",
    "客户服务",
    "酒店旅游",
    "物业管理",
)


@dataclass(frozen=True, slots=True)
class DemoPosting:
    """One job posting, with the fields of the employer's posting form."""

    title: str
    category: str
    district: str
    salary_min: int
    salary_max: int
    headcount: int
    education: str
    experience: str
    description: str
    requirements: str
    benefits: str
    employment_type: EmploymentType = "full_time"
    salary_period: SalaryPeriod = "month"
    city: str = "上海"

    def form(self) -> dict[str, str]:
        """The posting as submitted form text, ready for `postings.clean_fields`."""
        return {
            "title": self.title,
            "category": self.category,
            "city": self.city,
            "district": self.district,
            "salary_min": str(self.salary_min),
            "salary_max": str(self.salary_max),
            "salary_period": self.salary_period,
            "headcount": str(self.headcount),
            "education": self.education,
            "experience": self.experience,
            "employment_type": self.employment_type,
            "description": self.description,
            "requirements": self.requirements,
            "benefits": self.benefits,
        }


@dataclass(frozen=True, slots=True)
class DemoExhibitor:
    """An employer with a booth at the fair; `small_firm` ones take part free of charge."""

    name: str
    uscc: str
    address: str
    description: str
    licence_details: str
    website: str
    phone: str
    booth_intro: str
    small_firm: bool
    hr_name: str
    hr_email: str
    postings: tuple[DemoPosting, ...]


@dataclass(frozen=True, slots=True)
class DemoSeeker:
    email: str
    display_name: str
    full_name: str
    phone: str
    origin_province: str
    origin_city: str
    current_city: str
    education: str
    experience_years: int
    desired_categories: str  # comma-separated values of CATEGORIES
    desired_salary: int  # yuan per month
    summary: str


@dataclass(frozen=True, slots=True)
class DemoFair:
    title: str
    organizer: str
    description: str
    district: str
    industry: str
    audience: str


FAIR = DemoFair(
    title="2026年上海市秋季线上招聘会 · 浦东专场",
    organizer="上海市浦东新区就业促进中心",
    description=(
        "本场线上招聘会由上海市浦东新区就业促进中心主办，汇集制造、物流、零售、医疗、软件、金融、"
        "酒店、教育、物业、电商、新能源汽车、餐饮、外资企业和社会服务机构等十余家用人单位，"
        "提供技术、服务、管理和实习等各类岗位。招聘会面向所有在沪求职者，包括高校毕业生、"
        "转岗再就业人员、来沪务工人员和有就业意愿的残疾人朋友。求职者可以在线参观各单位展位、"
        "浏览岗位详情并投递简历，与招聘人员文字交流，排队等候一对一沟通，并在约定时间参加视频面试。"
        "所有参会单位均已通过资质审核，招聘过程不向求职者收取任何费用。"
    ),
    district="浦东新区",
    industry="综合",
    audience="general",
)


EXHIBITORS: tuple[DemoExhibitor, ...] = (
    DemoExhibitor(
        name="上海浦江精密制造有限公司",
        uscc="91310112MA1HL7Q2X4",
        address="上海市闵行区莘庄工业区春东路508号",
        description=(
            "浦江精密成立于2009年，专业生产汽车转向系统和新能源电驱动系统的精密零部件。"
            "公司拥有数控加工、热处理和检测三大车间，员工约650人，通过IATF 16949质量体系认证。"
            "主要客户为国内外整车厂和一级供应商。"
        ),
        licence_details=(
            "有限责任公司（自然人投资或控股），成立日期2009年4月16日，注册资本5000万元人民币；"
            "经营范围：汽车零部件及配件制造，机械零件加工，货物进出口。"
        ),
        website="https://example-pjprecision.cn",
        phone="021-54120876",
        booth_intro=(
            "欢迎来到浦江精密的展位！今天我们重点招聘数控操作、质量检验和设备维修岗位，"
            "也在寻找熟悉汽车零部件行业的销售工程师。有疑问可以直接在展位聊天，或排队与车间主管视频沟通。"
        ),
        small_firm=False,
        hr_name="周蕾",
        hr_email="hr@pjprecision.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="数控车床操作工",
                category="生产制造",
                district="闵行区",
                salary_min=7000,
                salary_max=9500,
                headcount=6,
                education="中专",
                experience="1年以上",
                description=(
                    "负责数控车床的上下料、程序调用和首件自检，按图纸和工艺文件加工转向器零部件。"
                    "做好设备日常点检、刀具更换和5S现场管理。"
                    "如实填写生产记录，配合班组长完成当班生产计划。"
                ),
                requirements=(
                    "能看懂机械图纸，会使用游标卡尺、千分尺等常用量具；"
                    "有FANUC或三菱系统操作经验者优先；能适应两班倒。"
                ),
                benefits="五险一金，夜班津贴，免费工作餐，班车接送，带薪年假，年度体检。",
            ),
            DemoPosting(
                title="质量检验员",
                category="生产制造",
                district="闵行区",
                salary_min=6500,
                salary_max=8500,
                headcount=3,
                education="中专",
                experience="不限",
                description=(
                    "按检验规范对来料、制程和成品进行尺寸与外观检验，记录检验数据。"
                    "发现不合格品及时标识、隔离并上报，参与不合格原因分析。"
                    "协助质量工程师整理检验报告和客户审核资料。"
                ),
                requirements=(
                    "会使用常用量具，能看懂基本的机械图纸；做事细致，愿意学习三坐标测量等检测技能。"
                    "无相关经验者公司提供岗前培训。"
                ),
                benefits="五险一金，免费工作餐，班车接送，技能等级补贴，节日福利。",
            ),
            DemoPosting(
                title="销售工程师（汽车零部件）",
                category="销售",
                district="闵行区",
                salary_min=10000,
                salary_max=18000,
                headcount=2,
                education="本科",
                experience="3-5年",
                description=(
                    "负责转向系统零部件在华东地区整车厂和一级供应商的销售与客户开发。"
                    "跟进询价、报价、样件和项目定点全过程，协调技术和质量部门解答客户问题。"
                    "维护现有客户关系，按月分析销售数据和市场动态，完成年度销售目标。"
                ),
                requirements=(
                    "机械、车辆工程或相关专业；有汽车零部件销售或项目管理经验；"
                    "熟悉APQP、PPAP等流程，能适应国内出差；持有C1驾驶证。"
                ),
                benefits="五险一金，销售奖金，交通和通讯补贴，带薪年假，补充商业医疗保险。",
            ),
            DemoPosting(
                title="设备维修电工",
                category="生产制造",
                district="闵行区",
                salary_min=8000,
                salary_max=11000,
                headcount=2,
                education="中专",
                experience="3年以上",
                description=(
                    "负责车间数控机床、空压机和输送线的电气维修与预防性保养。"
                    "快速处理设备故障，记录维修履历，分析重复故障并提出改进建议。"
                    "参与新设备的安装调试和验收。"
                ),
                requirements=(
                    "持有有效的低压电工作业特种作业操作证；熟悉PLC和常见数控系统的电气原理；"
                    "能配合生产安排轮班值守。"
                ),
                benefits="五险一金，技术津贴，免费工作餐，班车接送，年度体检，带薪年假。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海申程供应链管理有限公司",
        uscc="91310114MA1GT3W85J",
        address="上海市嘉定区马陆镇宝安公路2899号申程物流园",
        description=(
            "申程供应链为快消品和家电品牌提供仓储、分拨和干线运输服务，在嘉定和松江运营两座"
            "共8万平方米的仓库。公司员工约420人，日均处理订单超过5万单。"
        ),
        licence_details=(
            "有限责任公司，成立日期2015年8月3日，注册资本3000万元人民币；"
            "经营范围：供应链管理服务，普通货物仓储服务，道路货物运输（不含危险货物）。"
        ),
        website="https://example-shencheng-scm.cn",
        phone="021-59531288",
        booth_intro=(
            "申程供应链展位正在招聘叉车司机、旺季分拣员和大客户销售代表。"
            "仓库岗位可以在展位排队预约视频面试，面试通过后还可以预约到嘉定物流园实地参观。"
        ),
        small_firm=False,
        hr_name="顾海峰",
        hr_email="hr@shencheng.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="叉车司机",
                category="物流运输",
                district="嘉定区",
                salary_min=7000,
                salary_max=9000,
                headcount=4,
                education="不限",
                experience="1年以上",
                description=(
                    "在仓库内使用电动叉车完成货物装卸、上架、移库和出库备货。"
                    "按系统指令准确作业，做好叉车班前检查和充电管理。"
                    "遵守仓库安全规范，配合班组完成每日出入库任务。"
                ),
                requirements=(
                    "持有有效的场（厂）内专用机动车辆作业证（叉车）；有仓库叉车作业经验；"
                    "会使用手持终端者优先。"
                ),
                benefits="五险一金，餐补，住宿补贴，全勤奖，带薪年假，定期安全培训。",
            ),
            DemoPosting(
                title="仓库分拣员（旺季临时岗）",
                category="物流运输",
                district="嘉定区",
                salary_min=24,
                salary_max=30,
                headcount=20,
                education="不限",
                experience="不限",
                employment_type="temporary",
                salary_period="hour",
                description=(
                    "双十一和年末旺季期间，在仓库内按拣货单完成商品拣选、复核和打包。"
                    "使用手持终端扫描货品条码，保持作业区域整洁。"
                    "用工期约两个月，可选择白班或夜班，工资按实际工时每周结算。"
                ),
                requirements="年满18周岁；能在仓库内站立和走动作业；认识常用汉字和数字，会使用智能手机。",
                benefits="依法签订劳动合同并缴纳工伤保险，免费工作餐，夜班补贴，表现良好者可转为长期员工。",
            ),
            DemoPosting(
                title="物流大客户销售代表",
                category="销售",
                district="嘉定区",
                salary_min=8000,
                salary_max=15000,
                headcount=2,
                education="大专",
                experience="1年以上",
                description=(
                    "负责为品牌客户销售仓储和城市配送服务，开发长三角地区的新客户。"
                    "了解客户的库存和配送需求，配合运营部门制定方案并报价。"
                    "跟进合同签订和项目上线，定期回访客户，维护长期合作关系。"
                ),
                requirements=(
                    "有物流、快递或B2B服务销售经验；熟悉仓储或运输业务流程者优先；"
                    "会使用Excel整理客户和销售数据。"
                ),
                benefits="五险一金，销售提成，交通和通讯补贴，带薪年假，年度旅游。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海惠邻生活超市连锁有限公司",
        uscc="91310115MA1K8RPD68",
        address="上海市浦东新区川沙路5528号",
        description=(
            "惠邻生活是扎根社区的连锁超市，在浦东、闵行和奉贤开设62家门店，经营生鲜、食品和日用百货。"
            "公司重视员工成长，门店管理人员大多从一线岗位培养提拔。"
        ),
        licence_details=(
            "有限责任公司，成立日期2012年11月20日，注册资本8000万元人民币；"
            "经营范围：食品销售，日用百货销售，农副产品销售，食用农产品零售。"
        ),
        website="https://example-huilin-market.cn",
        phone="021-58937700",
        booth_intro=(
            "惠邻生活今天为浦东的门店招聘销售顾问、储备店长、生鲜加工员和兼职收银员。"
            "我们可以优先安排离您住处较近的门店，欢迎在展位留言说明方便的上班区域。"
        ),
        small_firm=False,
        hr_name="沈佳怡",
        hr_email="hr@huilin.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="门店销售顾问",
                category="销售",
                district="浦东新区",
                salary_min=6000,
                salary_max=8500,
                headcount=8,
                education="高中",
                experience="不限",
                description=(
                    "在社区门店为顾客介绍商品和促销活动，完成所负责品类的销售任务。"
                    "负责商品陈列、补货、价签核对和保质期检查。"
                    "解答顾客咨询，处理简单的退换货，维护会员关系。"
                ),
                requirements="愿意与顾客沟通，有零售或服务行业经验者优先；能适应早晚轮班和周末排班。",
                benefits="五险一金，销售奖金，员工购物折扣，餐补，带薪年假。",
            ),
            DemoPosting(
                title="储备店长",
                category="销售",
                district="浦东新区",
                salary_min=9000,
                salary_max=12000,
                headcount=3,
                education="大专",
                experience="3年以上",
                description=(
                    "经过约六个月的带教，逐步负责一家社区门店的日常运营。"
                    "管理门店销售、库存、损耗和排班，带领团队完成经营目标。"
                    "执行食品安全和消防安全制度，处理顾客投诉。"
                ),
                requirements=(
                    "有连锁零售或餐饮门店管理经验；会分析销售报表；"
                    "能适应在浦东新区范围内的门店之间调配。"
                ),
                benefits="五险一金，管理津贴，季度绩效奖金，带薪年假，系统化管理培训。",
            ),
            DemoPosting(
                title="收银员（兼职）",
                category="客户服务",
                district="浦东新区",
                salary_min=24,
                salary_max=28,
                headcount=6,
                education="不限",
                experience="不限",
                employment_type="part_time",
                salary_period="hour",
                description=(
                    "在门店收银台为顾客结账，使用收银系统完成扫码、收款和开具小票。"
                    "高峰时段协助打包和维持排队秩序。"
                    "每班次结束时核对款项并完成交接。"
                ),
                requirements="会使用智能手机和基本电脑操作；每周可排班不少于三天；上岗前参加公司组织的收银培训。",
                benefits="按小时计薪，工资按月发放，员工购物折扣，工作时段提供工作餐。",
            ),
            DemoPosting(
                title="生鲜加工员",
                category="餐饮服务",
                district="浦东新区",
                salary_min=6000,
                salary_max=7500,
                headcount=4,
                education="不限",
                experience="不限",
                description=(
                    "负责门店肉类、水产和果蔬的分割、清洗、分装和称重贴标。"
                    "按食品安全要求做好工具和台面的清洁消毒，记录温度。"
                    "根据销售情况及时补货，保持生鲜区陈列整齐。"
                ),
                requirements=(
                    "持有有效的食品从业人员健康证明，或入职前按规定办理（费用由公司承担）；"
                    "会使用刀具者优先，新人提供师傅带教。"
                ),
                benefits="五险一金，餐补，高温补贴，员工购物折扣，带薪年假。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海东明康复医院有限公司",
        uscc="91310115MA1J2N4B01",
        address="上海市浦东新区东明路1650号",
        description=(
            "东明康复医院是一家二级康复专科医院，开设神经康复、骨科康复、老年康复和门诊等科室，"
            "开放床位260张。医院是区内多家社区卫生服务中心的康复技术协作单位。"
        ),
        licence_details=(
            "有限责任公司，成立日期2016年6月8日，注册资本6000万元人民币；持有医疗机构执业许可证；"
            "经营范围：医疗服务，康复辅具适配服务。"
        ),
        website="https://example-dongming-rehab.cn",
        phone="021-50836618",
        booth_intro=(
            "东明康复医院今天招聘注册护士、康复治疗师、门诊导医和收费员。"
            "护理部和康复科的负责人全天在线，欢迎在展位提问或排队视频面试，也可以预约来院参观病区。"
        ),
        small_firm=False,
        hr_name="黄静怡",
        hr_email="hr@dongming.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="注册护士",
                category="医疗护理",
                district="浦东新区",
                salary_min=8000,
                salary_max=12000,
                headcount=10,
                education="大专",
                experience="不限",
                description=(
                    "在康复病区为住院患者提供基础护理和专科护理，执行医嘱并观察病情变化。"
                    "协助康复治疗师开展床旁训练，指导患者和家属进行日常生活能力训练。"
                    "规范书写护理记录，参与护理查房和质控工作。"
                ),
                requirements=(
                    "护理专业；持有护士执业证书，或已通过护士执业资格考试；"
                    "能适应病区轮班；有康复或老年护理经验者优先。"
                ),
                benefits="五险一金，夜班费，年度体检，带薪年假，院内规范化培训和继续教育学分支持。",
            ),
            DemoPosting(
                title="康复治疗师（物理治疗方向）",
                category="医疗护理",
                district="浦东新区",
                salary_min=9000,
                salary_max=13000,
                headcount=3,
                education="本科",
                experience="1年以上",
                description=(
                    "为脑卒中、脊髓损伤和骨科术后患者进行康复评定，制定并实施物理治疗计划。"
                    "开展运动疗法、平衡训练和步态训练，记录治疗效果。"
                    "参与多学科康复病例讨论，向患者家属讲解居家训练要点。"
                ),
                requirements="康复治疗学或相关专业；持有康复医学治疗技术初级（士）及以上资格证书；有医院康复科工作经历。",
                benefits="五险一金，绩效奖金，年度体检，带薪年假，外出进修和学术会议支持。",
            ),
            DemoPosting(
                title="门诊导医",
                category="客户服务",
                district="浦东新区",
                salary_min=5500,
                salary_max=7000,
                headcount=2,
                education="大专",
                experience="不限",
                description=(
                    "在门诊大厅为患者和家属提供分诊引导、挂号和自助机使用指导。"
                    "解答就诊流程、检查预约和医保结算方面的常见问题。"
                    "协助行动不便的患者就诊，收集患者意见并反馈给相关科室。"
                ),
                requirements="医学、护理或服务类相关专业优先；表达清楚，耐心细致；会使用电脑和常用办公软件。",
                benefits="五险一金，餐补，年度体检，带薪年假，节日福利。",
            ),
            DemoPosting(
                title="门诊收费员",
                category="财务会计",
                district="浦东新区",
                salary_min=6000,
                salary_max=7500,
                headcount=2,
                education="大专",
                experience="不限",
                description=(
                    "负责门诊和住院患者的收费、退费和医保结算，开具电子票据。"
                    "每日核对收费日报，与财务部完成现金和电子支付对账。"
                    "解答患者关于费用明细的咨询。"
                ),
                requirements="财会、医院管理或相关专业；熟练使用电脑；了解上海医保结算流程者优先。",
                benefits="五险一金，餐补，年度体检，带薪年假，岗位技能培训。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海澜帆信息科技有限公司",
        uscc="91310115MA1FX6E7K6",
        address="上海市浦东新区张江高科技园区碧波路690号3号楼",
        description=(
            "澜帆科技为制造和零售企业提供供应链协同软件和数据分析服务，产品覆盖订单、仓储和门店补货。"
            "公司研发团队约180人，是上海市认定的高新技术企业。"
            "团队中有来自多个国家的同事，日常工作使用中文和英文。"
        ),
        licence_details=(
            "有限责任公司，成立日期2014年3月27日，注册资本2000万元人民币；"
            "经营范围：软件开发，信息技术咨询服务，数据处理服务，技术进出口。"
        ),
        website="https://example-lanfan-tech.cn",
        phone="021-50275163",
        booth_intro=(
            "澜帆科技展位今天招聘后端开发、测试、解决方案销售和前端工程师（英文团队）。"
            "技术面试官全天在线，排到您时可以直接进行视频技术交流。We also welcome English-speaking candidates."
        ),
        small_firm=False,
        hr_name="林一凡",
        hr_email="hr@lanfan.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="Java 后端开发工程师",
                category="技术研发",
                district="浦东新区",
                salary_min=18000,
                salary_max=28000,
                headcount=3,
                education="本科",
                experience="3-5年",
                description=(
                    "负责供应链协同平台订单和库存模块的后端设计与开发。"
                    "参与接口设计、数据库建模和性能优化，编写单元测试和技术文档。"
                    "与产品、前端和测试同事协作，按迭代交付功能，参与线上问题排查。"
                ),
                requirements=(
                    "熟悉Java和Spring Boot，了解MySQL、Redis和消息队列；"
                    "有分布式系统或企业级软件开发经验；有供应链或零售行业经验者优先。"
                ),
                benefits="五险一金，补充医疗保险，弹性工作时间，年度体检，带薪年假，技术培训和图书补贴。",
            ),
            DemoPosting(
                title="软件测试工程师",
                category="技术研发",
                district="浦东新区",
                salary_min=12000,
                salary_max=18000,
                headcount=2,
                education="本科",
                experience="1年以上",
                description=(
                    "根据需求编写测试用例，执行功能、接口和回归测试。"
                    "维护自动化测试脚本，跟踪缺陷直至关闭，输出测试报告。"
                    "参与需求评审，从测试角度提出改进建议。"
                ),
                requirements="计算机相关专业；熟悉测试流程和缺陷管理工具；会使用Python或其他接口测试工具编写自动化用例者优先。",
                benefits="五险一金，补充医疗保险，弹性工作时间，年度体检，带薪年假。",
            ),
            DemoPosting(
                title="解决方案销售经理",
                category="销售",
                district="浦东新区",
                salary_min=15000,
                salary_max=25000,
                headcount=2,
                education="本科",
                experience="3-5年",
                description=(
                    "负责供应链软件在华东地区制造和零售企业的销售工作。"
                    "挖掘客户需求，联合售前顾问完成方案演示、投标和商务谈判。"
                    "管理销售机会和回款进度，维护重点客户关系。"
                ),
                requirements="有企业软件或信息化项目销售经验；了解ERP、WMS等系统者优先；能适应短期出差。",
                benefits="五险一金，销售奖金，补充医疗保险，交通和通讯补贴，带薪年假。",
            ),
            DemoPosting(
                title="Frontend Engineer (English-speaking team)",
                category="技术研发",
                district="浦东新区",
                salary_min=16000,
                salary_max=25000,
                headcount=2,
                education="本科",
                experience="3-5年",
                description=(
                    "Build the web front end of our supply-chain planning product with TypeScript and React. "
                    "Turn designs into accessible, responsive pages and reusable components. "
                    "Work with back-end engineers on API contracts, review code and write tests. "
                    "Our team works in English, with colleagues in Shanghai and Singapore."
                ),
                requirements=(
                    "Three or more years of front-end development with TypeScript and React; "
                    "experience with automated testing and web accessibility; "
                    "good written English for design documents and code reviews. Chinese is a plus, not required."
                ),
                benefits="Social insurance and housing fund, supplementary medical insurance, flexible hours, annual health check, 15 days of paid leave.",
            ),
        ),
    ),
    DemoExhibitor(
        name="浦汇银行股份有限公司上海张江支行",
        uscc="91310115MA1GE9TD20",
        address="上海市浦东新区祖冲之路1077号1层",
        description=(
            "浦汇银行张江支行成立于2017年，为园区科技企业和周边居民提供存款、贷款、支付结算和财富管理服务。"
            "支行现有员工36人，设个人金融部、公司金融部和运营部。"
        ),
        licence_details=(
            "股份有限公司分公司，成立日期2017年9月12日；持有金融许可证；"
            "经营范围：经上级行授权及银行业监督管理机构批准的业务。"
        ),
        website="https://example-puhui-bank.cn",
        phone="021-50801355",
        booth_intro=(
            "浦汇银行张江支行今天招聘个人客户经理、大堂服务专员和综合柜员。"
            "欢迎有金融、服务或销售经历的朋友来展位交流，支行长下午会在线参加视频面试。"
        ),
        small_firm=False,
        hr_name="吴思远",
        hr_email="hr@puhui.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="个人客户经理",
                category="销售",
                district="浦东新区",
                salary_min=10000,
                salary_max=16000,
                headcount=3,
                education="本科",
                experience="1年以上",
                description=(
                    "负责个人客户的开发与维护，根据客户风险承受能力提供存款、基金和保险等产品的销售与咨询服务。"
                    "按监管要求做好适当性管理和双录工作。"
                    "组织社区金融知识讲座，完成支行下达的销售和客户服务指标。"
                ),
                requirements="金融、经济或相关专业；持有基金从业资格证书，或入职后半年内取得；有银行、证券或保险销售经验者优先。",
                benefits="五险一金，企业年金，补充医疗保险，绩效奖金，带薪年假，系统内培训。",
            ),
            DemoPosting(
                title="大堂服务专员",
                category="客户服务",
                district="浦东新区",
                salary_min=6500,
                salary_max=8500,
                headcount=2,
                education="大专",
                experience="不限",
                description=(
                    "在营业厅为客户提供业务咨询、分流引导和智能柜台操作指导。"
                    "协助老年客户和行动不便的客户办理业务，维护营业厅秩序。"
                    "收集客户意见，协助做好反诈宣传和消费者权益保护工作。"
                ),
                requirements="表达清晰，服务意识强；熟悉常用办公软件；有银行或其他窗口服务经验者优先。",
                benefits="五险一金，补充医疗保险，餐补，带薪年假，节日福利。",
            ),
            DemoPosting(
                title="综合柜员",
                category="财务会计",
                district="浦东新区",
                salary_min=7000,
                salary_max=9000,
                headcount=3,
                education="本科",
                experience="不限",
                description=(
                    "在柜台为个人和企业客户办理开户、存取款、转账汇款和对公结算等业务。"
                    "严格执行操作规程和内控合规要求，做好日终轧账和凭证整理。"
                    "向客户介绍业务办理流程，提示风险。"
                ),
                requirements="经济、金融、会计或相关专业；做事细致，遵守制度；熟悉点钞和传票录入者优先，新员工提供岗前培训。",
                benefits="五险一金，企业年金，补充医疗保险，餐补，带薪年假。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海浦滨国际酒店有限公司",
        uscc="91310115MA1HB5C4NK",
        address="上海市浦东新区滨江大道2588号",
        description=(
            "浦滨国际酒店是位于陆家嘴滨江的五星级酒店，拥有客房412间、六个餐厅和大型宴会厅。"
            "酒店员工约520人，每年接待大量国内外商务和会议宾客。"
        ),
        licence_details=(
            "有限责任公司，成立日期2011年5月18日，注册资本1.2亿元人民币；"
            "经营范围：住宿服务，餐饮服务，会议及展览服务，停车场服务。"
        ),
        website="https://example-pubin-hotel.cn",
        phone="021-58869900",
        booth_intro=(
            "浦滨国际酒店今天为前厅、客房、宴会销售和宾客关系岗位招聘新同事。"
            "酒店提供员工宿舍和系统的服务培训，欢迎没有酒店经验但愿意学习的朋友来聊一聊。"
        ),
        small_firm=False,
        hr_name="许文婷",
        hr_email="hr@pubin.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="前台接待",
                category="酒店旅游",
                district="浦东新区",
                salary_min=6000,
                salary_max=7500,
                headcount=4,
                education="大专",
                experience="不限",
                description=(
                    "为宾客办理入住、退房和换房手续，解答酒店服务和周边交通问题。"
                    "处理预订变更和账务，协调客房、礼宾等部门满足宾客需求。"
                    "按流程交接班，记录和跟进宾客意见。"
                ),
                requirements="酒店管理、旅游或相关专业优先；能用英语进行日常服务交流；能适应三班轮班。",
                benefits="五险一金，员工宿舍，免费员工餐，制服及洗涤，带薪年假，集团内酒店员工优惠房价。",
            ),
            DemoPosting(
                title="宴会销售经理",
                category="销售",
                district="浦东新区",
                salary_min=12000,
                salary_max=18000,
                headcount=1,
                education="大专",
                experience="3-5年",
                description=(
                    "负责婚宴、企业年会和会议活动的销售，开发和维护企业及活动策划公司客户。"
                    "接待客户看场，制定宴会方案和报价，签订合同并跟进执行。"
                    "分析宴会销售数据，配合市场部策划节假日推广。"
                ),
                requirements="有高星级酒店宴会或会议销售经验；熟悉宴会运营流程；会使用Opera或同类酒店管理系统者优先。",
                benefits="五险一金，销售奖金，免费员工餐，带薪年假，集团内酒店员工优惠房价。",
            ),
            DemoPosting(
                title="客房服务员",
                category="酒店旅游",
                district="浦东新区",
                salary_min=5500,
                salary_max=6500,
                headcount=6,
                education="不限",
                experience="不限",
                description=(
                    "按酒店标准清洁和整理客房，补充客用品，检查房内设施是否完好。"
                    "及时报告设备故障和宾客遗留物品。"
                    "响应宾客的加床、送物等服务需求。"
                ),
                requirements="做事认真负责，愿意学习酒店服务标准；新员工提供带教培训。",
                benefits="五险一金，员工宿舍，免费员工餐，制服及洗涤，全勤奖，带薪年假。",
            ),
            DemoPosting(
                title="Guest Relations Officer",
                category="酒店旅游",
                district="浦东新区",
                salary_min=7000,
                salary_max=9000,
                headcount=1,
                education="大专",
                experience="1年以上",
                description=(
                    "Welcome VIP and international guests, escort them on arrival and look after their stay. "
                    "Answer questions about the hotel and the city, arrange special requests and follow up on feedback. "
                    "Keep guest preference records up to date and work closely with the front office and concierge teams."
                ),
                requirements=(
                    "At least one year of guest-facing experience in a hotel or similar service setting; "
                    "good spoken English and Chinese; other languages are a plus; able to work shifts, including weekends."
                ),
                benefits="Social insurance and housing fund, staff dormitory, free staff meals, uniform and laundry, paid annual leave.",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海市浦东新区启橙幼儿园",
        uscc="52310115MJ4A6G21X8",
        address="上海市浦东新区三林路1350弄20号",
        description=(
            "启橙幼儿园是经区教育局审批设立的民办幼儿园，开设小、中、大班共9个班，在园幼儿约260名。"
            "幼儿园以游戏化学习和自然探索为特色，重视家园共育。"
        ),
        licence_details=(
            "民办非企业单位（民办学校），成立日期2018年7月2日，开办资金300万元人民币；"
            "持有办学许可证；业务范围：学前教育。"
        ),
        website="https://example-qicheng-kids.cn",
        phone="021-68753302",
        booth_intro=(
            "启橙幼儿园今天招聘带班教师、保育员和幼儿园厨师。"
            "园长和保教主任全天在线，欢迎在展位聊聊您对学前教育的想法，也可以预约来园参观。"
        ),
        small_firm=True,
        hr_name="钱晓岚",
        hr_email="hr@qicheng.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="幼儿园带班教师",
                category="教育培训",
                district="浦东新区",
                salary_min=7000,
                salary_max=9500,
                headcount=3,
                education="大专",
                experience="不限",
                description=(
                    "与搭班老师和保育员共同负责一个班级的一日活动组织和保教工作。"
                    "设计并开展游戏化教学活动，观察记录幼儿发展情况。"
                    "通过家长会和日常沟通与家长保持联系，参与园本教研。"
                ),
                requirements="学前教育相关专业；持有幼儿园教师资格证，或在一年内取得；善于沟通，有耐心；会弹琴或绘画者优先。",
                benefits="五险一金，寒暑假带薪休假，工作餐，年度体检，教研和进修培训。",
            ),
            DemoPosting(
                title="保育员",
                category="教育培训",
                district="浦东新区",
                salary_min=5500,
                salary_max=6500,
                headcount=2,
                education="高中",
                experience="不限",
                description=(
                    "负责班级卫生清洁和消毒，照顾幼儿进餐、午睡和盥洗。"
                    "配合教师组织一日活动，关注幼儿安全和情绪。"
                    "做好保育工作记录。"
                ),
                requirements=(
                    "持有保育员证书者优先，无证书可参加幼儿园组织的培训后取证；"
                    "按《托儿所幼儿园卫生保健管理办法》规定，上岗前须取得托幼机构工作人员健康合格证明，体检费用由幼儿园承担。"
                ),
                benefits="五险一金，工作餐，带薪年假，节日福利，培训取证费用由幼儿园承担。",
            ),
            DemoPosting(
                title="幼儿园厨师",
                category="餐饮服务",
                district="浦东新区",
                salary_min=6000,
                salary_max=7500,
                headcount=1,
                education="不限",
                experience="1年以上",
                description=(
                    "按营养食谱为幼儿和教职工制作午餐和点心，控制用油用盐。"
                    "负责食材验收、留样和厨房清洁消毒。"
                    "配合保健老师调整特殊饮食需求幼儿的餐食。"
                ),
                requirements="持有有效的食品从业人员健康证明；持有中式烹调师证书者优先；熟悉食品安全操作规范。",
                benefits="五险一金，工作餐，带薪年假，节日福利。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海景安物业管理有限公司",
        uscc="91310106MA1JR8L3YC",
        address="上海市静安区共和新路3088号7楼",
        description=(
            "景安物业为住宅小区、写字楼和产业园区提供物业管理服务，在管项目46个，服务面积约520万平方米。"
            "公司是上海市物业管理行业协会会员单位。"
        ),
        licence_details=(
            "有限责任公司，成立日期2006年10月9日，注册资本1000万元人民币；"
            "经营范围：物业管理，停车场服务，建筑物清洁服务，专业保洁、清洗、消毒服务。"
        ),
        website="https://example-jingan-pm.cn",
        phone="021-56653120",
        booth_intro=(
            "景安物业今天为浦东和静安的在管项目招聘物业管家、工程维修工、秩序维护员和兼职保洁员。"
            "项目经理在线为您介绍各个小区和园区的具体位置和排班方式。"
        ),
        small_firm=False,
        hr_name="邱建明",
        hr_email="hr@jingan-pm.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="物业管家",
                category="物业管理",
                district="浦东新区",
                salary_min=6000,
                salary_max=8000,
                headcount=4,
                education="大专",
                experience="1年以上",
                description=(
                    "负责所辖楼栋的业主服务，受理报修、投诉和咨询并跟进处理结果。"
                    "组织巡楼，发现公共设施问题及时派单。"
                    "协助开展物业费收缴、社区活动和装修管理。"
                ),
                requirements="有物业、酒店或客服工作经验；会使用办公软件和物业管理系统；持有物业管理相关证书者优先。",
                benefits="五险一金，餐补，通讯补贴，带薪年假，节日福利。",
            ),
            DemoPosting(
                title="工程维修工",
                category="物业管理",
                district="静安区",
                salary_min=6500,
                salary_max=8500,
                headcount=3,
                education="中专",
                experience="1年以上",
                description=(
                    "负责小区和写字楼水电、门禁和公共照明设施的日常维修保养。"
                    "处理业主的入户报修，记录维修工单。"
                    "参与配电房、水泵房的巡检和值班。"
                ),
                requirements="持有有效的低压电工作业特种作业操作证；熟悉给排水和电气维修；能参加夜间轮流值班。",
                benefits="五险一金，值班补贴，餐补，工作服，带薪年假。",
            ),
            DemoPosting(
                title="秩序维护员",
                category="物业管理",
                district="浦东新区",
                salary_min=5500,
                salary_max=6800,
                headcount=8,
                education="不限",
                experience="不限",
                description=(
                    "负责小区出入口管理、访客登记和车辆引导。"
                    "按路线巡逻，检查消防设施，发现安全隐患及时报告。"
                    "协助处理突发事件，维护公共秩序。"
                ),
                requirements="年满18周岁；持有保安员证者优先，无证者由公司安排培训考证；能适应轮班。",
                benefits="五险一金，包住宿，餐补，工作服，全勤奖，带薪年假。",
            ),
            DemoPosting(
                title="保洁员（兼职）",
                category="物业管理",
                district="静安区",
                salary_min=23,
                salary_max=26,
                headcount=5,
                education="不限",
                experience="不限",
                employment_type="part_time",
                salary_period="hour",
                description=(
                    "在写字楼负责公共区域、卫生间和电梯厅的清洁工作，每天上午工作约四小时。"
                    "按清洁标准使用清洁设备和用品，做好垃圾分类。"
                ),
                requirements="做事认真，能按时到岗；公司提供清洁工具使用和垃圾分类培训。",
                benefits="按小时计薪，工资按月发放，工作服，按规定缴纳工伤保险。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海云禾电子商务有限公司",
        uscc="91310118MA1JW2K9UU",
        address="上海市青浦区华新镇华志路1688号2号楼",
        description=(
            "云禾电商运营自有家居收纳品牌，在主流电商平台开设旗舰店，并通过跨境电商平台销往东南亚和欧洲。"
            "公司员工约45人，设运营、客服、直播和海外业务小组。"
        ),
        licence_details=(
            "有限责任公司，成立日期2019年12月5日，注册资本200万元人民币；"
            "经营范围：互联网销售（除销售需要许可的商品），家居用品销售，货物进出口。"
        ),
        website="https://example-yunhe-home.cn",
        phone="021-59768341",
        booth_intro=(
            "云禾电商是一家小团队，今天招聘店铺运营、在线客服、直播销售助理和跨境电商专员。"
            "老板和各组组长都在展位，欢迎直接聊聊您对电商工作的想法。"
        ),
        small_firm=True,
        hr_name="陆晨曦",
        hr_email="hr@yunhe.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="电商运营专员",
                category="销售",
                district="青浦区",
                salary_min=8000,
                salary_max=12000,
                headcount=2,
                education="大专",
                experience="1年以上",
                description=(
                    "负责旗舰店的商品上架、页面优化和促销活动策划。"
                    "每日跟踪店铺流量、转化率和销售数据，提出改进措施。"
                    "协调设计、客服和仓库同事，保障大促期间的备货和发货。"
                ),
                requirements="有电商平台店铺运营经验；熟练使用Excel做数据分析；了解平台规则和推广工具。",
                benefits="五险一金，绩效奖金，餐补，弹性工作时间，带薪年假，团队活动。",
            ),
            DemoPosting(
                title="在线客服",
                category="客户服务",
                district="青浦区",
                salary_min=5500,
                salary_max=7000,
                headcount=4,
                education="中专",
                experience="不限",
                description=(
                    "通过电商平台的客服系统解答顾客关于商品、物流和售后的咨询。"
                    "处理退换货申请，登记并跟进顾客反馈的问题。"
                    "整理常见问题，协助完善客服话术。"
                ),
                requirements="打字速度较快，会使用电脑；表达清楚，有耐心；能接受早晚班轮换，新人提供上岗培训。",
                benefits="五险一金，餐补，全勤奖，带薪年假，节日福利。",
            ),
            DemoPosting(
                title="直播销售助理",
                category="销售",
                district="青浦区",
                salary_min=6500,
                salary_max=9000,
                headcount=2,
                education="大专",
                experience="不限",
                description=(
                    "协助主播准备直播脚本、样品和场景，直播中负责上下架商品和回复评论区问题。"
                    "直播结束后整理销售数据，复盘商品讲解效果。"
                    "维护直播间粉丝群的日常通知。"
                ),
                requirements="熟悉主流直播电商平台的基本操作；做事细致，愿意学习商品知识；有直播或新媒体工作经历者优先。",
                benefits="五险一金，绩效奖金，餐补，带薪年假，团队活动。",
            ),
            DemoPosting(
                title="Cross-border E-commerce Specialist",
                category="销售",
                district="青浦区",
                salary_min=9000,
                salary_max=13000,
                headcount=1,
                education="本科",
                experience="1年以上",
                description=(
                    "Run our storage-products stores on cross-border marketplaces for Southeast Asia and Europe. "
                    "Write English product listings, plan promotions and track sales and advertising data. "
                    "Coordinate with the warehouse and overseas logistics partners on stock and deliveries, "
                    "and answer buyer messages within the marketplace."
                ),
                requirements=(
                    "At least one year of experience on a cross-border marketplace; "
                    "good written English; comfortable with spreadsheets and data reports; "
                    "Chinese is needed to work with the warehouse team."
                ),
                benefits="Social insurance and housing fund, performance bonus, meal allowance, flexible hours, paid annual leave.",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海擎源新能源汽车有限公司",
        uscc="91310114MA1HQ4M7AK",
        address="上海市嘉定区安亭镇墨玉南路1055号",
        description=(
            "擎源新能源汽车专注于纯电动SUV和轻型商用车的研发、生产和销售，嘉定工厂具备年产15万辆整车的能力。"
            "公司在上海设有研发中心，员工约3200人。"
        ),
        licence_details=(
            "有限责任公司，成立日期2017年2月14日，注册资本20亿元人民币；"
            "经营范围：新能源汽车整车制造，汽车零部件研发，汽车销售，机动车修理和维护。"
        ),
        website="https://example-qingyuan-ev.cn",
        phone="021-59502266",
        booth_intro=(
            "擎源新能源汽车今天招聘电池包装配工、三电测试工程师、用户中心销售顾问和售后服务技师。"
            "生产岗位提供带薪培训，欢迎排队与工厂招聘专员视频沟通。"
        ),
        small_firm=False,
        hr_name="马骁",
        hr_email="hr@qingyuan-ev.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="电池包装配工",
                category="生产制造",
                district="嘉定区",
                salary_min=7500,
                salary_max=10000,
                headcount=15,
                education="中专",
                experience="不限",
                description=(
                    "在动力电池包产线按作业指导书完成模组装配、线束连接和螺栓拧紧。"
                    "使用扫码和拧紧设备记录过程数据，做好自检和互检。"
                    "遵守静电防护和高压安全规定，参与班组改善活动。"
                ),
                requirements="能看懂作业指导书；动手能力强，遵守安全规范；有汽车或电子产品装配经验者优先，无经验者提供带薪培训。",
                benefits="五险一金，夜班津贴，免费工作餐，班车接送，员工购车优惠，带薪年假。",
            ),
            DemoPosting(
                title="三电系统测试工程师",
                category="技术研发",
                district="嘉定区",
                salary_min=15000,
                salary_max=25000,
                headcount=2,
                education="本科",
                experience="3-5年",
                description=(
                    "负责电池、电机和电控系统的台架测试与整车测试，编写测试计划和测试报告。"
                    "搭建测试环境，采集和分析CAN总线数据，定位问题并推动解决。"
                    "参与测试规范和自动化测试工具的建设。"
                ),
                requirements="电气工程、车辆工程或相关专业；熟悉CANoe、INCA等工具；了解高压安全规范；持有电工证者优先。",
                benefits="五险一金，补充医疗保险，项目奖金，班车接送，员工购车优惠，带薪年假。",
            ),
            DemoPosting(
                title="用户中心销售顾问",
                category="销售",
                district="浦东新区",
                salary_min=8000,
                salary_max=15000,
                headcount=4,
                education="大专",
                experience="不限",
                description=(
                    "在浦东用户中心接待到店客户，讲解车型功能并安排试驾。"
                    "根据客户需求完成车辆销售、金融方案说明和交付跟进。"
                    "维护客户关系，组织车主活动，收集产品反馈。"
                ),
                requirements="持有C1及以上驾驶证；表达清楚，喜欢与人打交道；有汽车或其他耐用消费品销售经验者优先。",
                benefits="五险一金，销售提成，餐补，员工购车优惠，带薪年假，产品和服务培训。",
            ),
            DemoPosting(
                title="售后服务技师",
                category="技术研发",
                district="嘉定区",
                salary_min=8000,
                salary_max=12000,
                headcount=3,
                education="中专",
                experience="1年以上",
                description=(
                    "负责新能源汽车的保养、故障诊断和维修，使用诊断设备读取和分析故障码。"
                    "按高压作业规范完成电池和电驱系统相关维修。"
                    "填写维修记录，向客户解释维修项目。"
                ),
                requirements="汽车维修相关专业；持有低压电工作业特种作业操作证；有新能源汽车维修经验者优先。",
                benefits="五险一金，技术津贴，工作服，员工购车优惠，带薪年假，厂家技术认证培训。",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海味湘里餐饮管理有限公司",
        uscc="91310104MA1FP3G5H7",
        address="上海市徐汇区漕溪北路398号5楼",
        description=(
            "味湘里是一家湘菜连锁品牌，在上海经营5家门店，并为周边写字楼提供团体用餐服务。"
            "公司员工约90人，重视后厨标准化和食品安全。"
        ),
        licence_details=(
            "有限责任公司，成立日期2018年4月23日，注册资本300万元人民币；持有食品经营许可证；"
            "经营范围：餐饮服务，餐饮管理，食品销售。"
        ),
        website="https://example-weixiangli.cn",
        phone="021-64286517",
        booth_intro=(
            "味湘里今天为徐汇和浦东门店招聘炒锅厨师、餐厅服务员、周末兼职服务员和团餐销售专员。"
            "店长在线，欢迎来展位了解门店位置、排班方式和员工餐。"
        ),
        small_firm=True,
        hr_name="谭小军",
        hr_email="hr@weixiangli.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="湘菜炒锅厨师",
                category="餐饮服务",
                district="徐汇区",
                salary_min=8000,
                salary_max=11000,
                headcount=2,
                education="不限",
                experience="3年以上",
                description=(
                    "按菜品标准完成湘菜热菜的烹制，保证出品口味和出菜速度。"
                    "负责炉灶区域的清洁和食材的合理使用。"
                    "配合厨师长研发新菜品，带教学徒。"
                ),
                requirements="有湘菜或川菜炒锅工作经验；持有有效的食品从业人员健康证明；持有中式烹调师证书者优先。",
                benefits="五险一金，包住宿，包工作餐，带薪年假，年终奖。",
            ),
            DemoPosting(
                title="餐厅服务员",
                category="餐饮服务",
                district="浦东新区",
                salary_min=5500,
                salary_max=7000,
                headcount=6,
                education="不限",
                experience="不限",
                description=(
                    "为顾客安排座位、介绍菜品、点单和上菜。"
                    "及时回应顾客需求，处理结账和餐后清台。"
                    "保持餐厅环境整洁，协助店长做好开店和收市工作。"
                ),
                requirements="愿意从事服务工作，沟通有礼貌；入职前须取得食品从业人员健康证明，办理费用由公司承担；新员工提供带教。",
                benefits="五险一金，包住宿，包工作餐，全勤奖，带薪年假。",
            ),
            DemoPosting(
                title="周末兼职服务员",
                category="餐饮服务",
                district="徐汇区",
                salary_min=25,
                salary_max=30,
                headcount=4,
                education="不限",
                experience="不限",
                employment_type="part_time",
                salary_period="hour",
                description=(
                    "周六、周日午市和晚市时段在门店负责点单、传菜和清台。"
                    "配合全职同事完成高峰时段的接待工作。"
                ),
                requirements="年满18周岁；周末可排班；持有有效的食品从业人员健康证明，或上岗前办理，费用由公司承担。",
                benefits="按小时计薪，工资按月发放，当班提供工作餐。",
            ),
            DemoPosting(
                title="团餐销售专员",
                category="销售",
                district="徐汇区",
                salary_min=7000,
                salary_max=12000,
                headcount=2,
                education="大专",
                experience="1年以上",
                description=(
                    "负责向周边企业和写字楼销售团体用餐和会议餐服务。"
                    "拜访企业行政部门，了解用餐需求，制定菜单和报价。"
                    "跟进订单执行和客户满意度，维护长期合作客户。"
                ),
                requirements="有餐饮、食品或企业服务销售经验；会使用办公软件；能在徐汇和浦东一带拜访客户。",
                benefits="五险一金，销售提成，交通和通讯补贴，包工作餐，带薪年假。",
            ),
        ),
    ),
    DemoExhibitor(
        name="Nordwell Instruments (Shanghai) Co., Ltd.",
        uscc="91310000MA1FL9C8EF",
        address="上海市浦东新区张衡路1288号 (No. 1288 Zhangheng Road, Pudong New Area, Shanghai)",
        description=(
            "Nordwell Instruments (Shanghai) is the China subsidiary of a European maker of laboratory "
            "analysis instruments. We sell, install and service spectrometers and chromatography systems "
            "for universities, hospitals and food-safety laboratories. About 120 people work in our "
            "Shanghai office, application lab and service centre."
        ),
        licence_details=(
            "Limited liability company (wholly foreign-owned), established 21 March 2013, registered capital "
            "USD 5 million; business scope: wholesale, import and export of laboratory instruments, "
            "technical services and after-sales maintenance."
        ),
        website="https://example-nordwell.cn",
        phone="021-50791830",
        booth_intro=(
            "Welcome to the Nordwell booth! Today we are hiring a sales engineer, field service engineers, "
            "a customer service coordinator and a finance intern. Our hiring managers are online all day: "
            "chat with us in English or Chinese, or join the queue for a short video interview."
        ),
        small_firm=False,
        hr_name="Sophie Wang",
        hr_email="hr@nordwell.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="Sales Engineer, Laboratory Instruments",
                category="销售",
                district="浦东新区",
                salary_min=15000,
                salary_max=25000,
                headcount=2,
                education="本科",
                experience="3-5年",
                description=(
                    "Develop and manage customer accounts for our spectrometers in East China, "
                    "mainly universities, hospitals and testing laboratories. "
                    "Understand each lab's analytical needs, prepare quotations and take part in public tenders. "
                    "Work with application specialists on product demonstrations and keep the CRM up to date."
                ),
                requirements=(
                    "Degree in chemistry, biology, instrumentation or a related field; "
                    "three or more years of selling laboratory or medical equipment; "
                    "good spoken and written English and Chinese; willing to travel within East China."
                ),
                benefits="Social insurance and housing fund, sales bonus, supplementary medical insurance, car allowance, 15 days of paid leave.",
            ),
            DemoPosting(
                title="Field Service Engineer",
                category="技术研发",
                district="浦东新区",
                salary_min=12000,
                salary_max=18000,
                headcount=3,
                education="大专",
                experience="1年以上",
                description=(
                    "Install, calibrate and repair our instruments at customer sites across Shanghai and nearby provinces. "
                    "Carry out preventive maintenance, diagnose faults and order spare parts. "
                    "Train laboratory users on safe operation and write clear service reports."
                ),
                requirements=(
                    "Diploma or degree in electronics, mechanical engineering or analytical chemistry; "
                    "at least one year of experience servicing laboratory, medical or industrial equipment; "
                    "able to read English manuals; driving licence preferred."
                ),
                benefits="Social insurance and housing fund, travel allowance, company laptop and phone, paid overseas factory training, paid annual leave.",
            ),
            DemoPosting(
                title="Customer Service Coordinator",
                category="客户服务",
                district="浦东新区",
                salary_min=8000,
                salary_max=11000,
                headcount=1,
                education="本科",
                experience="1年以上",
                description=(
                    "Be the first contact for customers calling or writing about orders, deliveries and service visits. "
                    "Create service tickets, schedule engineers and follow each case until it is closed. "
                    "Prepare monthly service reports and work with the logistics team on spare-part shipments."
                ),
                requirements=(
                    "At least one year in customer service or order administration; "
                    "good English and Chinese in writing; confident with ERP or CRM systems and spreadsheets."
                ),
                benefits="Social insurance and housing fund, supplementary medical insurance, meal allowance, 15 days of paid leave.",
            ),
            DemoPosting(
                title="Finance Intern",
                category="财务会计",
                district="浦东新区",
                salary_min=150,
                salary_max=200,
                headcount=2,
                education="本科",
                experience="不限",
                employment_type="internship",
                salary_period="day",
                description=(
                    "Support the finance team with invoice checking, expense claims and month-end closing. "
                    "Help reconcile accounts and prepare simple reports in Excel. "
                    "You will learn how a foreign-invested company handles tax filing and group reporting."
                ),
                requirements=(
                    "Student in accounting, finance or a related field; available at least four days a week "
                    "for three months or more; good Excel skills and working English."
                ),
                benefits="Daily internship allowance, a mentor in the finance team, lunch allowance, internship certificate.",
            ),
        ),
    ),
    DemoExhibitor(
        name="上海市浦东新区益邻社会工作服务社",
        uscc="52310115MJ4B3D72PQ",
        address="上海市浦东新区潍坊路226号2楼",
        description=(
            "益邻社工服务社是在区民政局登记的社会服务机构，承接街道和镇的为老服务、青少年服务和社区治理项目。"
            "机构现有专职社工22人，服务覆盖浦东新区8个街镇。"
        ),
        licence_details=(
            "民办非企业单位（社会服务机构），成立日期2014年5月30日，开办资金10万元人民币；"
            "业务主管单位：上海市浦东新区民政局；业务范围：社会工作服务，社区服务，公益项目管理。"
        ),
        website="https://example-yilin-sw.cn",
        phone="021-58301746",
        booth_intro=(
            "益邻社工今天招聘社区社会工作者、项目助理和兼职财务助理。"
            "如果您愿意为社区里的老人和青少年做些实事，欢迎来展位和我们的督导聊一聊。"
        ),
        small_firm=True,
        hr_name="方敏",
        hr_email="hr@yilin.demo.jobfair.cn",
        postings=(
            DemoPosting(
                title="社区社会工作者",
                category="客户服务",
                district="浦东新区",
                salary_min=6500,
                salary_max=8500,
                headcount=3,
                education="本科",
                experience="不限",
                description=(
                    "在街道为老服务项目中开展个案探访、需求评估和资源链接。"
                    "策划并组织社区小组活动和志愿者培训。"
                    "按项目要求撰写服务记录和阶段总结，配合项目评估。"
                ),
                requirements="社会工作或相关专业；持有社会工作者职业水平证书者优先；认同助人自助理念，能做好服务对象隐私保护。",
                benefits="五险一金，带薪年假，专业督导，继续教育和考证补贴。",
            ),
            DemoPosting(
                title="项目助理",
                category="行政文职",
                district="浦东新区",
                salary_min=5500,
                salary_max=7000,
                headcount=1,
                education="大专",
                experience="不限",
                description=(
                    "协助项目主管做好活动物资采购、场地预约和报名统计。"
                    "整理项目档案和照片资料，撰写活动新闻稿。"
                    "维护机构公众号的日常推送。"
                ),
                requirements="熟练使用办公软件；文字表达清楚；做事有条理；有公益机构或社区工作经历者优先。",
                benefits="五险一金，带薪年假，节日福利，培训机会。",
            ),
            DemoPosting(
                title="财务助理（兼职）",
                category="财务会计",
                district="浦东新区",
                salary_min=60,
                salary_max=80,
                headcount=1,
                education="大专",
                experience="1年以上",
                employment_type="part_time",
                salary_period="hour",
                description=(
                    "每周到机构工作两天，负责费用报销审核、记账凭证录入和项目经费台账。"
                    "按资助方要求整理项目财务报表，配合年度审计。"
                ),
                requirements="会计相关专业；持有初级会计专业技术资格证书；会使用财务软件；有非营利组织财务经验者优先。",
                benefits="按小时计薪，工资按月发放，工作时间可协商。",
            ),
        ),
    ),
)


SEEKERS: tuple[DemoSeeker, ...] = (
    DemoSeeker(
        email="seeker1@demo.jobfair.cn",
        display_name="李明杰",
        full_name="李明杰",
        phone="13900000101",
        origin_province="安徽",
        origin_city="阜阳",
        current_city="上海",
        education="中专",
        experience_years=4,
        desired_categories="生产制造",
        desired_salary=8500,
        summary="数控车工四年，熟悉FANUC系统，持有车工中级证书，希望在浦东或闵行找一份稳定的制造业工作。",
    ),
    DemoSeeker(
        email="seeker2@demo.jobfair.cn",
        display_name="王丽娜",
        full_name="王丽娜",
        phone="13900000102",
        origin_province="河南",
        origin_city="周口",
        current_city="上海",
        education="大专",
        experience_years=3,
        desired_categories="销售,客户服务",
        desired_salary=8000,
        summary="在连锁超市做过三年门店销售和收银，熟悉会员服务，想往门店管理方向发展。",
    ),
    DemoSeeker(
        email="seeker3@demo.jobfair.cn",
        display_name="陈浩宇",
        full_name="陈浩宇",
        phone="13900000103",
        origin_province="四川",
        origin_city="绵阳",
        current_city="上海",
        education="本科",
        experience_years=5,
        desired_categories="技术研发",
        desired_salary=25000,
        summary="Java后端开发五年，做过仓储和订单系统，熟悉Spring Boot和MySQL。",
    ),
    DemoSeeker(
        email="seeker4@demo.jobfair.cn",
        display_name="张雨桐",
        full_name="张雨桐",
        phone="13900000104",
        origin_province="江苏",
        origin_city="南通",
        current_city="上海",
        education="大专",
        experience_years=0,
        desired_categories="医疗护理",
        desired_salary=8000,
        summary="护理专业应届毕业生，已通过护士执业资格考试，在三甲医院完成了十个月实习。",
    ),
    DemoSeeker(
        email="seeker5@demo.jobfair.cn",
        display_name="刘志强",
        full_name="刘志强",
        phone="13900000105",
        origin_province="湖南",
        origin_city="邵阳",
        current_city="上海",
        education="初中",
        experience_years=8,
        desired_categories="餐饮服务",
        desired_salary=10000,
        summary="做湘菜炒锅八年，持有中式烹调师证书和健康证，希望找一家注重出品的餐饮企业。",
    ),
    DemoSeeker(
        email="seeker6@demo.jobfair.cn",
        display_name="周敏",
        full_name="周敏",
        phone="13900000106",
        origin_province="上海",
        origin_city="上海",
        current_city="上海",
        education="本科",
        experience_years=2,
        desired_categories="财务会计,行政文职",
        desired_salary=7500,
        summary="会计专业，持有初级会计证，做过两年出纳和费用报销，希望在浦东找财务或行政岗位。",
    ),
    DemoSeeker(
        email="seeker7@demo.jobfair.cn",
        display_name="赵建国",
        full_name="赵建国",
        phone="13900000107",
        origin_province="山东",
        origin_city="临沂",
        current_city="上海",
        education="高中",
        experience_years=12,
        desired_categories="物流运输,物业管理",
        desired_salary=8000,
        summary="做过十二年仓库管理和叉车作业，持有叉车证和低压电工证，踏实肯干。",
    ),
    DemoSeeker(
        email="seeker8@demo.jobfair.cn",
        display_name="吴晓燕",
        full_name="吴晓燕",
        phone="13900000108",
        origin_province="江西",
        origin_city="赣州",
        current_city="上海",
        education="大专",
        experience_years=1,
        desired_categories="教育培训",
        desired_salary=7000,
        summary="学前教育专业，持有幼儿园教师资格证，在民办幼儿园带过一年小班。",
    ),
    DemoSeeker(
        email="seeker9@demo.jobfair.cn",
        display_name="马文博",
        full_name="马文博",
        phone="13900000109",
        origin_province="甘肃",
        origin_city="天水",
        current_city="上海",
        education="硕士",
        experience_years=0,
        desired_categories="销售,技术研发",
        desired_salary=12000,
        summary="分析化学硕士在读，英语流利，熟悉色谱和光谱仪器操作，想做仪器销售或技术支持。",
    ),
    DemoSeeker(
        email="seeker10@demo.jobfair.cn",
        display_name="杨思琪",
        full_name="杨思琪",
        phone="13900000110",
        origin_province="云南",
        origin_city="大理",
        current_city="上海",
        education="本科",
        experience_years=2,
        desired_categories="酒店旅游,客户服务",
        desired_salary=7500,
        summary="酒店管理专业，在精品酒店做过两年前台，能用英语接待外宾，希望到高星级酒店发展。",
    ),
)
