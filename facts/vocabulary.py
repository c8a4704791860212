"""The fact vocabulary: one row per fact, the single source for the facts
model, the rule type checker, the JSON Schema, the facts template and the
questions an operator is asked.

Each row gives a fact's name, type and meaning; add a fact by adding a row.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CHANNELS = ("video_platforms", "content_platforms", "own_platform", "peer_communities",
            "paid_ads", "old_customers", "relatives_friends", "general_traffic")

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
        return KINDS[self.kind]


def _f(name: str, kind: str, meaning: str, question: str, values: Iterable[str] = (), doc: str = "",
       required: bool = False, derived_from: Iterable[str] = ()) -> Fact:
    return Fact(name, kind, meaning, question, tuple(values), doc, required, tuple(derived_from))


FACTS: tuple[Fact, ...] = (
    # community
    _f("community.name", "text", "the group's or matrix's name", "What is the community called?", required=True),
    _f("community.platform", "enum", "where it lives", "Which platform does the community live on?",
       ("wechat", "wecom", "qq", "telegram", "discord", "other")),
    _f("community.type", "enum", "the kind of community", "Is it a product, interest, brand, knowledge, tool or cross-type community?",
       ("product", "interest", "brand", "knowledge", "tool", "cross"), "social-marketing-rules"),
    _f("community.goal", "enum", "why it exists", "Does the community exist to sell products, provide services, expand a network or gather an interest?",
       ("sell_products", "provide_services", "expand_network", "gather_interests"), "positioning-and-stages"),
    _f("community.age_months", "count", "months since the group started", "How many months ago did the group start?"),
    _f("community.groups", "count", "groups in the community matrix", "How many groups make up the community?"),
    _f("community.declared_stage", "stage", "the stage the operator believes it is in (1 building, 2 activity, 3 retention, 4 conversion, 5 extending the life cycle)",
       "Which stage do you believe the community is in (1 building, 2 activity, 3 retention, 4 conversion, 5 extending the life cycle)?", doc="positioning-and-stages"),
    # size
    _f("size.members", "count", "members now (all groups)", "How many members are in the community now, all groups together?"),
    _f("size.active_members_7d", "count", "members who posted in the last 7 days", "How many members posted in the last 7 days?"),
    _f("size.paying_members", "count", "members who have paid for something", "How many members have paid for something?"),
    # positioning
    _f("positioning.statement", "text", "the one-line positioning; blank means unclear", "What is the community's positioning, in one line?",
       doc="nine-minefields"),
    _f("positioning.portrait_basic", "enumlist", "basic user-portrait attributes defined for the target members",
       "Which basic attributes of the target member are defined (gender, age, region, occupation)?", ("gender", "age", "region", "occupation"), "positioning-and-stages"),
    _f("positioning.portrait_advanced", "enumlist", "advanced user-portrait attributes defined",
       "Which advanced attributes of the target member are defined (hobbies, interests, topics)?", ("hobbies", "interests", "topics"), "positioning-and-stages"),
    _f("positioning.join_benefits_stated", "bool", "joiners are told what they gain by joining", "Are people told what they gain by joining, before they join?",
       doc="positioning-and-stages"),
    _f("positioning.shared_interest", "bool", "the members share a real, existing interest or subculture", "Do the members share a real interest or subculture that exists where they live?",
       doc="social-marketing-rules"),
    _f("positioning.core_scenarios", "count", "concrete high-frequency, rigid-demand use scenarios the community is built around",
       "How many concrete, high-frequency use scenarios is the community built around?", doc="social-marketing-rules"),
    _f("positioning.common_goal", "bool", "the group pursues a shared, executable goal", "Does the group pursue a shared goal that members can act on together?",
       doc="positioning-and-stages"),
    _f("positioning.emotional_appeal", "bool", "the brand reaches members through emotion (a persona, stories, down-to-earth talk as a friend), not only through function, price and reviews",
       "Does the brand speak to members' emotions as a friend would, not only about function, price and reviews?", doc="three-cognitions"),
    # traffic
    *(_f(f"traffic.source_shares.{c}", "share", f"share of members who came from {c.replace('_', ' ')}",
         f"What share of members came from {c.replace('_', ' ')}?", doc="positioning-and-stages") for c in CHANNELS),
    _f("traffic.intent_confirmed", "bool", "joiners are screened for intention before they enter", "Are joiners screened for intention before they enter?",
       doc="nine-minefields"),
    _f("traffic.entry_threshold", "enum", "what it takes to join", "What does it take to join: nothing, a condition, or a fee?",
       ("none", "conditional", "paid"), "nine-minefields"),
    _f("traffic.entry_fee_yuan", "amount", "fee to join, if paid", "How much does it cost to join, in yuan?"),
    _f("traffic.referral_share", "share", "share of new members brought in by existing members or old customers",
       "What share of new members were brought in by existing members or old customers?", doc="three-cognitions"),
    _f("traffic.private_domain_customer_share", "share", "share of the business's customers it can reach in its own community rather than only through a marketplace",
       "What share of your customers can you reach in your own community rather than only through a marketplace?", doc="three-cognitions"),
    # governance
    _f("governance.group_rules", "bool", "written group rules exist", "Are there written group rules?"),
    _f("governance.rules_ban_ads", "bool", "the rules forbid advertising", "Do the group rules forbid advertising?"),
    _f("governance.mute_and_removal_rules", "bool", "the rules say when members are muted or removed", "Do the rules say when members are muted or removed?"),
    _f("governance.name_card_rule", "bool", "new members are asked to set their group name card", "Are new members asked to set their group name card?"),
    _f("governance.self_intro_template", "bool", "new members introduce themselves from a template", "Do new members introduce themselves from a template?"),
    _f("governance.enforcement", "enum", "how rules are enforced: strict means punish at once without guiding",
       "How are rules enforced: not at all, by guiding people, or strictly (punish at once)?", ("none", "guided", "strict"), "nine-minefields"),
    _f("governance.admins", "count", "people managing the groups", "How many people manage the groups?"),
    _f("governance.dedicated_manager", "bool", "someone's job is to manage the community", "Is managing the community someone's job?", doc="social-marketing-rules"),
    _f("governance.sharing_section", "bool", "a standing slot where members share", "Is there a standing slot where members share?", doc="social-marketing-rules"),
    # leadership
    _f("leadership.owner_is_authority", "bool", "the owner (or brand) is a recognised authority, a \"super IP\"", "Is the owner (or brand) a recognised authority in the field?"),
    _f("leadership.opinion_leaders", "count", "active soul figures besides the owner", "How many active opinion leaders are there besides the owner?", doc="six-aspects"),
    _f("leadership.kol_cultivation", "bool", "key members are deliberately cultivated into KOLs", "Are key members deliberately cultivated into KOLs?", doc="positioning-and-stages"),
    _f("leadership.owner_shares_per_month", "count", "times the owner shares expertise or brings a guest", "How many times a month does the owner share expertise or bring a guest?"),
    _f("leadership.one_on_one_access", "bool", "members can get one-on-one professional communication", "Can members get one-on-one professional advice?"),
    # content
    _f("content.topic_discussions_per_week", "number", "organised topic discussions", "How many organised topic discussions are there a week?"),
    _f("content.thematic_shares_per_year", "number", "thematic sharing sessions", "How many thematic sharing sessions are held a year?", doc="six-aspects"),
    _f("content.big_name_guests_per_year", "number", "sharing by big-name guests", "How many big-name guests share a year?", doc="six-aspects"),
    _f("content.expert_interviews_per_year", "number", "experts visited and interviewed for members", "How many experts are visited and interviewed for members a year?", doc="six-aspects"),
    _f("content.original_share", "share", "share of operator content that is original", "What share of the operators' content is original?"),
    _f("content.scripted_share", "share", "share of operator posts that are copy-pasted scripts, stock pictures or videos",
       "What share of the operators' posts are copy-pasted scripts, stock pictures or videos?", doc="nine-minefields"),
    _f("content.repeated_share", "share", "share of operator content or activities that repeat earlier ones",
       "What share of the operators' content or activities repeat earlier ones?", doc="nine-minefields"),
    _f("content.daily_useful_info", "bool", "useful information or answers are shared every day", "Is useful information or are answers shared every day?",
       doc="positioning-and-stages"),
    _f("content.role_tailored", "bool", "content is planned per member role: dry goods for collectors, topics for commentators, lively scenes for bystanders, resources for creators",
       "Is content planned for each kind of member (collectors, commentators, bystanders, creators), not one stream for everyone?", doc="six-aspects"),
    # ads
    _f("ads.operator_ads_per_week", "number", "advertisements posted by the operator", "How many advertisements do the operators post a week?"),
    _f("ads.member_ads_per_week", "number", "advertisements posted by members", "How many advertisements do members post a week?"),
    # engagement
    _f("engagement.messages_per_day", "number", "messages per day, all groups", "How many messages are posted a day, all groups together?"),
    _f("engagement.official_voice_share", "share", "share of messages from owner, admins and staff", "What share of messages come from the owner, admins and staff?",
       doc="nine-minefields"),
    _f("engagement.member_to_member_share", "share", "share of member messages that answer or mention another member",
       "What share of member messages answer or mention another member?", doc="three-cognitions"),
    _f("engagement.red_envelopes_per_week", "number", "red envelopes sent", "How many red envelopes are sent a week?"),
    _f("engagement.red_envelope_burst_share", "share", "share of member messages that fall in bursts around red envelopes",
       "What share of member messages come in bursts around red envelopes?", doc="nine-minefields"),
    _f("engagement.median_response_minutes", "number", "median time until a member's question gets an answer",
       "How many minutes does a member's question typically wait for an answer?", doc="nine-minefields"),
    _f("engagement.daily_greetings", "bool", "morning/evening greetings", "Do operators greet the group every morning and evening?", doc="positioning-and-stages"),
    _f("engagement.blessings", "bool", "birthday and holiday blessings", "Are members sent birthday and holiday blessings?"),
    _f("engagement.rewards_for_active_members", "bool", "active members are rewarded (coupons, red envelopes, perks)", "Are active members rewarded?"),
    _f("engagement.social_games", "bool", "games such as idiom chains or riddles", "Are games such as idiom chains or riddles played?"),
    _f("engagement.emotional_communication", "bool", "operators talk by voice, video or one-on-one, not only pasted scripts",
       "Do operators talk with members by voice, video or one-on-one, not only by pasted scripts?", doc="nine-minefields"),
    _f("engagement.on_topic_share", "share", "share of member chat about topics the community is positioned on, rather than unrelated small talk",
       "What share of the members' chat is about the topics the community is positioned on?", doc="positioning-and-stages"),
    # activities
    _f("activities.online_per_month", "number", "online activities (sharing sessions, salons, lotteries)", "How many online activities are held a month?"),
    _f("activities.offline_per_year", "number", "offline meet-ups", "How many offline meet-ups are held a year?"),
    _f("activities.node_campaigns_per_year", "number", "campaigns at calendar nodes (holidays, shopping festivals)",
       "How many campaigns a year are run at calendar nodes such as holidays and shopping festivals?", doc="nine-minefields"),
    _f("activities.novel_format_share", "share", "share of activities in a format not used before", "What share of activities use a format not used before?",
       doc="nine-minefields"),
    _f("activities.days_since_last", "number", "days since the last activity", "How many days ago was the last activity?"),
    _f("activities.max_gap_days", "number", "longest stretch in the last 90 days with no operator action",
       "In the last 90 days, what was the longest stretch without any operator action, in days?", doc="nine-minefields"),
    # retention
    _f("retention.retention_30d", "share", "share of members who joined 30-60 days ago and are still active",
       "Of the members who joined 30-60 days ago, what share are still active?"),
    _f("retention.leaves_per_month", "count", "members who left in the last month", "How many members left in the last month?"),
    _f("retention.member_reviews_per_year", "count", "reviews of the member list to screen for accurate users", "How many times a year is the member list reviewed?",
       doc="positioning-and-stages"),
    _f("retention.layered_management", "bool", "members managed in tiers", "Are members managed in tiers?", doc="positioning-and-stages"),
    _f("retention.operations_tools", "bool", "tools for sign-in, activity stats, chat highlights, task release",
       "Are tools used for sign-in, activity statistics, chat highlights or task release?"),
    # conversion
    _f("conversion.has_product", "bool", "there is a product, project or service to monetize", "Is there a product, project or service to sell?",
       doc="social-marketing-rules"),
    _f("conversion.rate_90d", "share", "share of members who bought in the last 90 days", "What share of members bought something in the last 90 days?"),
    _f("conversion.methods", "enumlist", "conversion techniques in use", "Which conversion techniques are used (endorsement, social chain, pain-point discount, screen sweeping)?",
       ("endorsement", "social_chain", "pain_point_discount", "screen_sweeping"), "positioning-and-stages"),
    _f("conversion.customer_testimonials", "bool", "real customer cases are shown", "Are real customer cases shown?", doc="nine-minefields"),
    _f("conversion.old_customers_in_general_groups", "bool", "old customers are asked to vouch in general-traffic groups",
       "Are old customers asked to vouch in general-traffic groups?", doc="nine-minefields"),
    _f("conversion.free_giveaway_without_threshold", "bool", "free products are given to anyone, no threshold",
       "Are free products given to anyone, without any threshold?", doc="nine-minefields"),
    _f("conversion.referral_mechanism", "bool", "a distribution, commission or share-to-join mechanism",
       "Is there a distribution, commission or share-to-join mechanism?", doc="social-marketing-rules"),
    # offer
    _f("offer.price_yuan", "amount", "price of the main paid product", "What does the main paid product cost, in yuan?"),
    _f("offer.lectures", "count", "lectures or units in it", "How many lectures or units does the main paid product have?"),
    _f("offer.sales_per_month", "count", "sales in the last month", "How many were sold in the last month?", doc="social-marketing-rules"),
    _f("offer.vip_tier", "bool", "a paid VIP group exists for valuable members", "Is there a paid VIP group for valuable members?", doc="social-marketing-rules"),
    # culture
    _f("culture.self_intro_ritual", "bool", "newcomers introduce themselves and are welcomed", "Do newcomers introduce themselves and get welcomed?", doc="six-aspects"),
    _f("culture.distinct_culture", "bool", "a recognisable group culture: rituals, slogans, in-jokes", "Does the group have a recognisable culture: rituals, slogans, in-jokes?"),
    # derived
    _f("size.active_share_7d", "share", "active_members_7d / members", "", derived_from=("size.active_members_7d", "size.members")),
    _f("size.paying_share", "share", "paying_members / members", "", derived_from=("size.paying_members", "size.members")),
    _f("governance.members_per_admin", "number", "members / admins", "", derived_from=("size.members", "governance.admins")),
    _f("traffic.imprecise_share", "share", "relatives_friends + general_traffic source shares", "",
       derived_from=("traffic.source_shares.relatives_friends", "traffic.source_shares.general_traffic")),
    _f("offer.price_per_lecture_yuan", "amount", "price_yuan / lectures", "", derived_from=("offer.price_yuan", "offer.lectures")),
)

BY_NAME: dict[str, Fact] = {f.name: f for f in FACTS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(f.section for f in FACTS))

# Inferred by the engine during evaluation, usable in rule conditions.
INFERRED: dict[str, Fact] = {
    "stage.current": _f("stage.current", "stage", "the stage the community has really reached, inferred from the stage gates", ""),
    "stage.at_most": _f("stage.at_most", "stage", "the highest stage the community can be at: the first stage with a violated "
                        "essential (5 when none is); above stage.current while essentials are unknown", ""),
}


def lookup(name: str) -> Fact | None:
    return BY_NAME.get(name) or INFERRED.get(name)
