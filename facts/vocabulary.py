"""The fact vocabulary: one row per fact, the single source for the facts
model, the rule type checker, the JSON Schema, the facts template and the
questions an operator is asked.

Each row gives a fact's name, type and meaning, and its short label and
question in Chinese (`zh=(label, question)`, and `values_zh` for the values
of an enum, in the order of `values`); add a fact by adding a row.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CHANNELS = ("video_platforms", "content_platforms", "own_platform", "peer_communities",
            "paid_ads", "old_customers", "relatives_friends", "general_traffic")
CHANNELS_ZH = {"video_platforms": "视频平台", "content_platforms": "内容平台", "own_platform": "自有平台",
               "peer_communities": "同类社群", "paid_ads": "付费广告", "old_customers": "老客户",
               "relatives_friends": "亲友", "general_traffic": "泛流量"}

# kind -> what values it takes; the type checker and the model both read this
KINDS = {
    "text": "text",
    "bool": "yes/no",
    "count": "whole number >= 0",
    "number": "number >= 0",
    "amount": "amount in yuan >= 0",
    "share": "fraction 0-1",
    "stage": "stage 1-5",
    "enum": "one of a fixed set",
    "enumlist": "list drawn from a fixed set",
}
KINDS_ZH = {
    "text": "文字",
    "bool": "是/否，填 yes 或 no",
    "count": "≥0 的整数",
    "number": "≥0 的数",
    "amount": "≥0 的金额，单位元",
    "share": "0–1 之间的比例",
    "stage": "1–5 的阶段",
    "enum": "取值之一",
    "enumlist": "可多选",
}
NUMERIC_KINDS = frozenset({"count", "number", "amount", "share", "stage"})


@dataclass(frozen=True)
class Fact:
    name: str                      # dotted public name, e.g. "size.members"
    kind: str                      # a key of KINDS
    meaning: str
    question: str                  # what an operator is asked to learn it
    values: tuple[str, ...] = ()   # for enum and enumlist
    doc: str = ""                  # the source document that motivates it
    required: bool = False
    derived_from: tuple[str, ...] = field(default=())  # derived facts only
    label_zh: str = ""             # short Chinese name shown in reports, e.g. "近7天发言人数"
    question_zh: str = ""          # the question in Chinese (empty for derived facts, never asked)
    values_zh: tuple[str, ...] = ()  # Chinese names of `values`, in the same order
    minimum: int = 0               # the least a count may be (a community has at least one group)

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def derived(self) -> bool:
        return bool(self.derived_from)

    @property
    def unit(self) -> str:
        if self.kind in ("enum", "enumlist"):
            return KINDS[self.kind] + ": " + ", ".join(self.values)
        if self.kind == "count" and self.minimum:
            return f"whole number >= {self.minimum}"
        return KINDS[self.kind]

    def label(self, lang: str = "en") -> str:
        """What a report calls the fact: the Chinese label, or in English its meaning."""
        return self.label_zh if lang == "zh" and self.label_zh else self.meaning

    def ask(self, lang: str = "en") -> str:
        """The question an operator is asked, in `lang` when there is one ("" for derived facts)."""
        return self.question_zh if lang == "zh" and self.question_zh else self.question

    def value_name(self, value: str, lang: str = "en") -> str:
        """One enum value as a person reads it in `lang`; the value itself in English or when unknown."""
        if lang == "zh" and value in self.values and len(self.values_zh) == len(self.values):
            return self.values_zh[self.values.index(value)]
        return value

    def unit_in(self, lang: str = "en") -> str:
        """`unit` in `lang`; Chinese names the written values too, since the facts file takes those."""
        if lang != "zh":
            return self.unit
        if self.kind in ("enum", "enumlist"):
            names = "、".join(f"{v}（{self.value_name(v, lang)}）" for v in self.values)
            return KINDS_ZH[self.kind] + "：" + names
        if self.kind == "count" and self.minimum:
            return f"≥{self.minimum} 的整数"
        return KINDS_ZH[self.kind]


def _f(name: str, kind: str, meaning: str, question: str, values: Iterable[str] = (), doc: str = "",
       required: bool = False, derived_from: Iterable[str] = (), *, zh: tuple[str, str] = ("", ""),
       values_zh: Iterable[str] = (), minimum: int = 0) -> Fact:
    return Fact(name, kind, meaning, question, tuple(values), doc, required, tuple(derived_from), zh[0], zh[1],
                tuple(values_zh), minimum)


FACTS: tuple[Fact, ...] = (
    # community
    _f("community.name", "text", "the group's or matrix's name", "What is the community called?", required=True,
       zh=("社群名称", "这个社群叫什么名字？")),
    _f("community.platform", "enum", "where it lives", "Which platform does the community live on?",
       ("wechat", "wecom", "qq", "telegram", "discord", "other"),
       zh=("所在平台", "社群建在哪个平台上？"), values_zh=("微信", "企业微信", "QQ", "Telegram", "Discord", "其他")),
    _f("community.type", "enum", "the kind of community", "Is it a product, interest, brand, knowledge, tool or cross-type community?",
       ("product", "interest", "brand", "knowledge", "tool", "cross"), "social-marketing-rules",
       zh=("社群类型", "这是产品型、兴趣型、品牌型、知识型、工具型还是跨界型社群？"), values_zh=("产品型", "兴趣型", "品牌型", "知识型", "工具型", "跨界型")),
    _f("community.goal", "enum", "why it exists", "Does the community exist to sell products, provide services, expand a network or gather an interest?",
       ("sell_products", "provide_services", "expand_network", "gather_interests"), "positioning-and-stages",
       zh=("建群目的", "建这个社群是为了卖产品、提供服务、拓展人脉，还是把兴趣相同的人聚到一起？"), values_zh=("卖产品", "提供服务", "拓展人脉", "聚集兴趣")),
    _f("community.age_months", "count", "months since the group started", "How many months ago did the group start?",
       zh=("建群月数", "这个群建了几个月了？")),
    _f("community.groups", "count", "groups in the community matrix", "How many groups make up the community?",
       zh=("群数量", "整个社群一共有几个群？"), minimum=1),
    _f("community.declared_stage", "stage", "the stage the operator believes it is in (1 building, 2 activity, 3 retention, 4 conversion, 5 extending the life cycle)",
       "Which stage do you believe the community is in (1 building, 2 activity, 3 retention, 4 conversion, 5 extending the life cycle)?", doc="positioning-and-stages",
       zh=("自述阶段", "你认为社群现在处于哪个阶段（1 建群、2 活跃、3 留存、4 转化、5 延长生命周期）？")),
    # size
    _f("size.members", "count", "members now (all groups)", "How many members are in the community now, all groups together?",
       zh=("成员总数", "现在所有群加起来一共有多少成员？")),
    _f("size.active_members_7d", "count", "members who posted in the last 7 days", "How many members posted in the last 7 days?",
       zh=("近7天发言人数", "最近7天有多少成员在群里发过言？")),
    _f("size.paying_members", "count", "members who have paid for something", "How many members have paid for something?",
       zh=("付费成员数", "有多少成员付过费、买过东西？")),
    # positioning
    _f("positioning.statement", "text", "the one-line positioning; blank means unclear", "What is the community's positioning, in one line?",
       doc="nine-minefields",
       zh=("社群定位", "用一句话说，这个社群的定位是什么？")),
    _f("positioning.portrait_basic", "enumlist", "basic user-portrait attributes defined for the target members",
       "Which basic attributes of the target member are defined (gender, age, region, occupation)?", ("gender", "age", "region", "occupation"), "positioning-and-stages",
       zh=("用户画像（基础属性）", "目标成员的哪些基础属性已经明确了（性别、年龄、地域、职业）？"), values_zh=("性别", "年龄", "地域", "职业")),
    _f("positioning.portrait_advanced", "enumlist", "advanced user-portrait attributes defined",
       "Which advanced attributes of the target member are defined (hobbies, interests, topics)?", ("hobbies", "interests", "topics"), "positioning-and-stages",
       zh=("用户画像（进阶属性）", "目标成员的哪些进阶属性已经明确了（爱好、兴趣、话题）？"), values_zh=("爱好", "兴趣", "话题")),
    _f("positioning.join_benefits_stated", "bool", "joiners are told what they gain by joining", "Are people told what they gain by joining, before they join?",
       doc="positioning-and-stages",
       zh=("进群前说明收获", "在别人进群之前，有没有告诉他们进群能得到什么？")),
    _f("positioning.shared_interest", "bool", "the members share a real, existing interest or subculture", "Do the members share a real interest or subculture that exists where they live?",
       doc="social-marketing-rules",
       zh=("成员有共同兴趣", "成员之间有没有一个在当地真实存在的共同兴趣或亚文化？")),
    _f("positioning.core_scenarios", "count", "concrete high-frequency, rigid-demand use scenarios the community is built around",
       "How many concrete, high-frequency use scenarios is the community built around?", doc="social-marketing-rules",
       zh=("核心使用场景数", "社群是围绕几个具体的高频使用场景建起来的？")),
    _f("positioning.common_goal", "bool", "the group pursues a shared, executable goal", "Does the group pursue a shared goal that members can act on together?",
       doc="positioning-and-stages",
       zh=("有共同目标", "群里有没有一个大家能一起去做的共同目标？")),
    _f("positioning.emotional_appeal", "bool", "the brand reaches members through emotion (a persona, stories, down-to-earth talk as a friend), not only through function, price and reviews",
       "Does the brand speak to members' emotions as a friend would, not only about function, price and reviews?", doc="three-cognitions",
       zh=("情感连接", "品牌有没有像朋友一样和成员做情感沟通，而不只是讲功能、价格和评价？")),
    # traffic
    *(_f(f"traffic.source_shares.{c}", "share", f"share of members who came from {c.replace('_', ' ')}",
         f"What share of members came from {c.replace('_', ' ')}?", doc="positioning-and-stages",
         zh=(f"来自{CHANNELS_ZH[c]}的成员占比", f"成员中有多大比例来自{CHANNELS_ZH[c]}？")) for c in CHANNELS),
    _f("traffic.intent_confirmed", "bool", "joiners are screened for intention before they enter", "Are joiners screened for intention before they enter?",
       doc="nine-minefields",
       zh=("进群前确认意向", "新人进群之前，有没有先筛选、确认他们的意向？")),
    _f("traffic.entry_threshold", "enum", "what it takes to join", "What does it take to join: nothing, a condition, or a fee?",
       ("none", "conditional", "paid"), "nine-minefields",
       zh=("入群门槛", "进群需要什么条件：无门槛、满足一定条件，还是付费？"), values_zh=("无门槛", "有条件", "付费")),
    _f("traffic.entry_fee_yuan", "amount", "fee to join, if paid", "How much does it cost to join, in yuan?",
       zh=("入群费用（元）", "进群要交多少钱（元）？")),
    _f("traffic.referral_share", "share", "share of new members brought in by existing members or old customers",
       "What share of new members were brought in by existing members or old customers?", doc="three-cognitions",
       zh=("老带新占比", "新成员中有多大比例是老成员或老客户带来的？")),
    _f("traffic.private_domain_customer_share", "share", "share of the business's customers it can reach in its own community rather than only through a marketplace",
       "What share of your customers can you reach in your own community rather than only through a marketplace?", doc="three-cognitions",
       zh=("私域可触达客户占比", "你的客户中有多大比例能在自己的社群里直接联系到，而不是只能通过电商平台？")),
    # governance
    _f("governance.group_rules", "bool", "written group rules exist", "Are there written group rules?",
       zh=("有成文群规", "有没有成文的群规？")),
    _f("governance.rules_ban_ads", "bool", "the rules forbid advertising", "Do the group rules forbid advertising?",
       zh=("群规禁止广告", "群规里有没有禁止发广告？")),
    _f("governance.mute_and_removal_rules", "bool", "the rules say when members are muted or removed", "Do the rules say when members are muted or removed?",
       zh=("禁言与移出规则", "群规里有没有写明什么情况下禁言或移出群？")),
    _f("governance.name_card_rule", "bool", "new members are asked to set their group name card", "Are new members asked to set their group name card?",
       zh=("群名片规则", "有没有要求新成员修改群名片？")),
    _f("governance.self_intro_template", "bool", "new members introduce themselves from a template", "Do new members introduce themselves from a template?",
       zh=("自我介绍模板", "新成员有没有按模板做自我介绍？")),
    _f("governance.enforcement", "enum", "how rules are enforced: strict means punish at once without guiding",
       "How are rules enforced: not at all, by guiding people, or strictly (punish at once)?", ("none", "guided", "strict"), "nine-minefields",
       zh=("群规执行方式", "群规是怎么执行的：不执行、以引导为主，还是严格执行（一违规就处罚）？"), values_zh=("不执行", "引导式", "严格")),
    _f("governance.admins", "count", "people managing the groups", "How many people manage the groups?",
       zh=("管理员人数", "有几个人在管理这些群？")),
    _f("governance.dedicated_manager", "bool", "someone's job is to manage the community", "Is managing the community someone's job?", doc="social-marketing-rules",
       zh=("有专人管理", "有没有人专门负责管理社群？")),
    _f("governance.sharing_section", "bool", "a standing slot where members share", "Is there a standing slot where members share?", doc="social-marketing-rules",
       zh=("固定分享环节", "有没有固定的成员分享环节？")),
    # leadership
    _f("leadership.owner_is_authority", "bool", "the owner (or brand) is a recognised authority, a \"super IP\"", "Is the owner (or brand) a recognised authority in the field?",
       zh=("群主是行业权威", "群主（或品牌）在这个领域是不是公认的权威？")),
    _f("leadership.opinion_leaders", "count", "active soul figures besides the owner", "How many active opinion leaders are there besides the owner?", doc="six-aspects",
       zh=("意见领袖人数", "除了群主，还有几位活跃的意见领袖？")),
    _f("leadership.kol_cultivation", "bool", "key members are deliberately cultivated into KOLs", "Are key members deliberately cultivated into KOLs?", doc="positioning-and-stages",
       zh=("培养KOL", "有没有有意识地把核心成员培养成KOL？")),
    _f("leadership.owner_shares_per_month", "count", "times the owner shares expertise or brings a guest", "How many times a month does the owner share expertise or bring a guest?",
       zh=("群主每月分享次数", "群主每个月分享几次专业内容或请几次嘉宾？")),
    _f("leadership.one_on_one_access", "bool", "members can get one-on-one professional communication", "Can members get one-on-one professional advice?",
       zh=("可一对一咨询", "成员能不能得到一对一的专业咨询？")),
    # content
    _f("content.topic_discussions_per_week", "number", "organised topic discussions", "How many organised topic discussions are there a week?",
       zh=("每周话题讨论次数", "每周组织几次话题讨论？")),
    _f("content.thematic_shares_per_year", "number", "thematic sharing sessions", "How many thematic sharing sessions are held a year?", doc="six-aspects",
       zh=("每年主题分享次数", "每年办几次主题分享会？")),
    _f("content.big_name_guests_per_year", "number", "sharing by big-name guests", "How many big-name guests share a year?", doc="six-aspects",
       zh=("每年大咖分享次数", "每年请几位大咖嘉宾来分享？")),
    _f("content.expert_interviews_per_year", "number", "experts visited and interviewed for members", "How many experts are visited and interviewed for members a year?", doc="six-aspects",
       zh=("每年专家访谈次数", "每年为成员拜访、采访几位专家？")),
    _f("content.original_share", "share", "share of operator content that is original", "What share of the operators' content is original?",
       zh=("原创内容占比", "运营方发的内容有多大比例是原创的？")),
    _f("content.scripted_share", "share", "share of operator posts that are copy-pasted scripts, stock pictures or videos",
       "What share of the operators' posts are copy-pasted scripts, stock pictures or videos?", doc="nine-minefields",
       zh=("照搬话术占比", "运营方发的消息有多大比例是复制粘贴的话术、现成的图片或视频？")),
    _f("content.repeated_share", "share", "share of operator content or activities that repeat earlier ones",
       "What share of the operators' content or activities repeat earlier ones?", doc="nine-minefields",
       zh=("重复内容占比", "运营方的内容或活动有多大比例是在重复以前的？")),
    _f("content.daily_useful_info", "bool", "useful information or answers are shared every day", "Is useful information or are answers shared every day?",
       doc="positioning-and-stages",
       zh=("每天分享干货", "每天有没有分享有用的信息或解答问题？")),
    _f("content.role_tailored", "bool", "content is planned per member role: dry goods for collectors, topics for commentators, lively scenes for bystanders, resources for creators",
       "Is content planned for each kind of member (collectors, commentators, bystanders, creators), not one stream for everyone?", doc="six-aspects",
       zh=("按成员类型规划内容", "内容有没有按成员类型（收藏者、评论者、围观者、创作者）分别规划，而不是所有人都一样？")),
    # ads
    _f("ads.operator_ads_per_week", "number", "advertisements posted by the operator", "How many advertisements do the operators post a week?",
       zh=("运营方每周广告数", "运营方每周在群里发几条广告？")),
    _f("ads.member_ads_per_week", "number", "advertisements posted by members", "How many advertisements do members post a week?",
       zh=("成员每周广告数", "成员每周在群里发几条广告？")),
    # engagement
    _f("engagement.messages_per_day", "number", "messages per day, all groups", "How many messages are posted a day, all groups together?",
       zh=("每天消息数", "所有群加起来，每天有多少条消息？")),
    _f("engagement.official_voice_share", "share", "share of messages from owner, admins and staff", "What share of messages come from the owner, admins and staff?",
       doc="nine-minefields",
       zh=("官方发言占比", "消息中有多大比例来自群主、管理员和工作人员？")),
    _f("engagement.member_to_member_share", "share", "share of member messages that answer or mention another member",
       "What share of member messages answer or mention another member?", doc="three-cognitions",
       zh=("成员互动占比", "成员的发言中有多大比例是在回复或@其他成员？")),
    _f("engagement.red_envelopes_per_week", "number", "red envelopes sent", "How many red envelopes are sent a week?",
       zh=("每周红包数", "每周发多少个红包？")),
    _f("engagement.red_envelope_burst_share", "share", "share of member messages that fall in bursts around red envelopes",
       "What share of member messages come in bursts around red envelopes?", doc="nine-minefields",
       zh=("红包带动的发言占比", "成员的发言中有多大比例集中在发红包前后？")),
    _f("engagement.median_response_minutes", "number", "median time until a member's question gets an answer",
       "How many minutes does a member's question typically wait for an answer?", doc="nine-minefields",
       zh=("提问等待时间（分钟）", "成员提问后，一般要等多少分钟才有人回答？")),
    _f("engagement.daily_greetings", "bool", "morning/evening greetings", "Do operators greet the group every morning and evening?", doc="positioning-and-stages",
       zh=("每日早晚问候", "运营方每天早晚有没有在群里打招呼？")),
    _f("engagement.blessings", "bool", "birthday and holiday blessings", "Are members sent birthday and holiday blessings?",
       zh=("生日节日祝福", "有没有给成员送生日和节日祝福？")),
    _f("engagement.rewards_for_active_members", "bool", "active members are rewarded (coupons, red envelopes, perks)", "Are active members rewarded?",
       zh=("奖励活跃成员", "有没有奖励活跃的成员（优惠券、红包、福利）？")),
    _f("engagement.social_games", "bool", "games such as idiom chains or riddles", "Are games such as idiom chains or riddles played?",
       zh=("群内小游戏", "群里有没有玩成语接龙、猜谜之类的小游戏？")),
    _f("engagement.emotional_communication", "bool", "operators talk by voice, video or one-on-one, not only pasted scripts",
       "Do operators talk with members by voice, video or one-on-one, not only by pasted scripts?", doc="nine-minefields",
       zh=("有温度的沟通", "运营方有没有用语音、视频或一对一的方式和成员交流，而不只是粘贴话术？")),
    _f("engagement.on_topic_share", "share", "share of member chat about topics the community is positioned on, rather than unrelated small talk",
       "What share of the members' chat is about the topics the community is positioned on?", doc="positioning-and-stages",
       zh=("围绕定位的聊天占比", "成员的聊天中有多大比例是在聊社群定位的话题？")),
    # activities
    _f("activities.online_per_month", "number", "online activities (sharing sessions, salons, lotteries)", "How many online activities are held a month?",
       zh=("每月线上活动数", "每个月办几次线上活动（分享会、沙龙、抽奖）？")),
    _f("activities.offline_per_year", "number", "offline meet-ups", "How many offline meet-ups are held a year?",
       zh=("每年线下聚会数", "每年办几次线下聚会？")),
    _f("activities.node_campaigns_per_year", "number", "campaigns at calendar nodes (holidays, shopping festivals)",
       "How many campaigns a year are run at calendar nodes such as holidays and shopping festivals?", doc="nine-minefields",
       zh=("每年节点活动数", "每年在节假日、购物节这些节点做几次活动？")),
    _f("activities.novel_format_share", "share", "share of activities in a format not used before", "What share of activities use a format not used before?",
       doc="nine-minefields",
       zh=("新形式活动占比", "活动中有多大比例用的是以前没用过的形式？")),
    _f("activities.days_since_last", "number", "days since the last activity", "How many days ago was the last activity?",
       zh=("距上次活动天数", "上一次活动是几天前？")),
    _f("activities.max_gap_days", "number", "longest stretch in the last 90 days with no operator action",
       "In the last 90 days, what was the longest stretch without any operator action, in days?", doc="nine-minefields",
       zh=("最长无运营天数", "最近90天里，运营方最长连续多少天什么都没做？")),
    # retention
    _f("retention.retention_30d", "share", "share of members who joined 30-60 days ago and are still active",
       "Of the members who joined 30-60 days ago, what share are still active?",
       zh=("30天留存率", "30到60天前进群的成员中，有多大比例现在还活跃？")),
    _f("retention.leaves_per_month", "count", "members who left in the last month", "How many members left in the last month?",
       zh=("上月退群人数", "上个月有多少成员退群？")),
    _f("retention.member_reviews_per_year", "count", "reviews of the member list to screen for accurate users", "How many times a year is the member list reviewed?",
       doc="positioning-and-stages",
       zh=("每年成员筛查次数", "每年筛查几次成员名单？")),
    _f("retention.layered_management", "bool", "members managed in tiers", "Are members managed in tiers?", doc="positioning-and-stages",
       zh=("分层管理", "成员有没有分层管理？")),
    _f("retention.operations_tools", "bool", "tools for sign-in, activity stats, chat highlights, task release",
       "Are tools used for sign-in, activity statistics, chat highlights or task release?",
       zh=("使用运营工具", "有没有用工具来做签到、活跃统计、聊天精华整理或任务发布？")),
    # conversion
    _f("conversion.has_product", "bool", "there is a product, project or service to monetize", "Is there a product, project or service to sell?",
       doc="social-marketing-rules",
       zh=("有可变现的产品", "有没有可以卖的产品、项目或服务？")),
    _f("conversion.rate_90d", "share", "share of members who bought in the last 90 days", "What share of members bought something in the last 90 days?",
       zh=("90天购买率", "最近90天有多大比例的成员买过东西？")),
    _f("conversion.methods", "enumlist", "conversion techniques in use", "Which conversion techniques are used (endorsement, social chain, pain-point discount, screen sweeping)?",
       ("endorsement", "social_chain", "pain_point_discount", "screen_sweeping"), "positioning-and-stages",
       zh=("转化方法", "用了哪些转化方法（借势背书、社交接龙、痛点优惠、刷屏）？"), values_zh=("借势背书", "社交接龙", "痛点优惠", "刷屏")),
    _f("conversion.customer_testimonials", "bool", "real customer cases are shown", "Are real customer cases shown?", doc="nine-minefields",
       zh=("展示客户案例", "有没有展示真实的客户案例？")),
    _f("conversion.old_customers_in_general_groups", "bool", "old customers are asked to vouch in general-traffic groups",
       "Are old customers asked to vouch in general-traffic groups?", doc="nine-minefields",
       zh=("老客户在泛流量群背书", "有没有请老客户在泛流量群里现身说法？")),
    _f("conversion.free_giveaway_without_threshold", "bool", "free products are given to anyone, no threshold",
       "Are free products given to anyone, without any threshold?", doc="nine-minefields",
       zh=("无门槛免费送", "有没有不设任何门槛、谁都能领的免费赠品？")),
    _f("conversion.referral_mechanism", "bool", "a distribution, commission or share-to-join mechanism",
       "Is there a distribution, commission or share-to-join mechanism?", doc="social-marketing-rules",
       zh=("分销裂变机制", "有没有分销、佣金或分享进群的机制？")),
    # offer
    _f("offer.price_yuan", "amount", "price of the main paid product", "What does the main paid product cost, in yuan?",
       zh=("主推产品价格（元）", "主推的付费产品卖多少钱（元）？")),
    _f("offer.lectures", "count", "lectures or units in it", "How many lectures or units does the main paid product have?",
       zh=("课程节数", "主推的付费产品有几节课或几个单元？")),
    _f("offer.sales_per_month", "count", "sales in the last month", "How many were sold in the last month?", doc="social-marketing-rules",
       zh=("上月销量", "上个月卖出了多少份？")),
    _f("offer.vip_tier", "bool", "a paid VIP group exists for valuable members", "Is there a paid VIP group for valuable members?", doc="social-marketing-rules",
       zh=("付费VIP群", "有没有给有价值的成员开设付费VIP群？")),
    # culture
    _f("culture.self_intro_ritual", "bool", "newcomers introduce themselves and are welcomed", "Do newcomers introduce themselves and get welcomed?", doc="six-aspects",
       zh=("新人自我介绍与欢迎", "新人进群后会做自我介绍、并得到大家欢迎吗？")),
    _f("culture.distinct_culture", "bool", "a recognisable group culture: rituals, slogans, in-jokes", "Does the group have a recognisable culture: rituals, slogans, in-jokes?",
       zh=("独特的群文化", "群里有没有让人一眼认出的文化：仪式、口号、梗？")),
    # derived
    _f("size.active_share_7d", "share", "active_members_7d / members", "", derived_from=("size.active_members_7d", "size.members"),
       zh=("近7天发言成员占比", "")),
    _f("size.paying_share", "share", "paying_members / members", "", derived_from=("size.paying_members", "size.members"),
       zh=("付费成员占比", "")),
    _f("governance.members_per_admin", "number", "members / admins", "", derived_from=("size.members", "governance.admins"),
       zh=("每位管理员对应的成员数", "")),
    _f("traffic.imprecise_share", "share", "relatives_friends + general_traffic source shares", "",
       derived_from=("traffic.source_shares.relatives_friends", "traffic.source_shares.general_traffic"),
       zh=("不精准流量占比", "")),
    _f("offer.price_per_lecture_yuan", "amount", "price_yuan / lectures", "", derived_from=("offer.price_yuan", "offer.lectures"),
       zh=("每节课价格（元）", "")),
)

BY_NAME: dict[str, Fact] = {f.name: f for f in FACTS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(f.section for f in FACTS))

# Inferred by the engine during evaluation, usable in rule conditions.
INFERRED: dict[str, Fact] = {
    "stage.current": _f("stage.current", "stage", "the stage the community has really reached, inferred from the stage gates", "",
                        zh=("当前阶段", "")),
    "stage.at_most": _f("stage.at_most", "stage", "the highest stage the community can be at: the first stage with a violated "
                        "essential (5 when none is); above stage.current while essentials are unknown", "",
                        zh=("最高可能阶段", "")),
}


def lookup(name: str) -> Fact | None:
    return BY_NAME.get(name) or INFERRED.get(name)
