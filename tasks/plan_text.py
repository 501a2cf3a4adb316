"""Parse the plain text of a Chinese policy document into its task-division table (任务分工表).

This module is pure: no database, no ORM, no Django.  It turns the text of a plan such as
「2021年防城港市扩大利用外资规模工作方案」 or a 武威 「实施方案」 into

* the document title, document number (文号) and issuing units (发文单位),
* the quantitative goals of its 工作目标 section (:class:`ParsedGoal`),
* one :class:`ParsedTask` per numbered item – sections (一、), groups (（一）), tasks (1.) and
  sub-items (一是) alike – each with its lead / support / shared units and the quantitative
  requirements written into it,
* warnings (:class:`ParseWarning`, messages in Chinese) for everything it had to guess or could
  not understand.

Decisions where the source documents leave room (also pinned by ``tests/tasks/test_plan_text.py``):

* **Tree.**  Every numbered item is a task; ``path`` holds the labels from the top, e.g.
  ``("二", "（三）", "一是")``.  The nesting follows the order in which numbering styles first
  appear (一、 > （一） > 1. > （1） …), not markdown ``#`` levels, which are unreliable.  Labels
  are written canonically: ``二``, ``（三）``, ``1.``, ``1、``, ``（1）``, ``①``, ``一是``.  A
  —— bullet has no number and none is invented: its label is ``——`` as written, so bullets under
  one parent share a path (「二、主要目标」's two bullets are both ``("二", "——")``) and only
  ``order`` (1-based document order) tells them apart.
* **Prose sections are not tasks.**  A top-level item before the first top-level item with
  items under it or units, that holds text but no units, no quota and no items (「一、总体要求」
  followed by a paragraph, 指导思想, 基本原则, a notice's 「一、高度重视，认真研究政策。…」 before
  its table), is left out; ``order`` counts what is left.  A goals section stays (it heads the
  goals read from it, and its items that name units are tasks: 「二、主要目标」 with its ——
  items); so does a section after the tasks (「三、工作要求」), a bare heading (「二、主要任务」
  where a copy stops), and every top-level item of a document whose top level has neither items
  under it nor units (苍溪's ⑴⑵⑶ are its tasks).
* **Title / text.**  ``title`` is the bold run after the label, else the first sentence (up to
  the first 。), else a short heading line; ``text`` is the rest of the item's own paragraph(s)
  without the unit bracket and without its children.
* **Missing labels.**  A short unpunctuated line after a finished item (e.g. 防城港's
  「强化利用外资政策支持」) becomes a task whose label is inferred from the numbering around it
  (code ``missing_label``).
* **Roles.**  A role phrase is how the units share (分别, 共同, 各自 …), by what (按职责分工 …)
  and the role word, and it never stays glued to a name: 牵头 → lead, also 分别牵头 (each unit
  leads its own part: 「市人力社保局、市农业农村局分别牵头」 → lead 市人力社保局, 市农业农村局) and
  共同牵头 (they lead together); 配合/协助/协同/参与/协办 → support; 按职责(分工)负责/推进/落实,
  分别/共同/各自负责 → shared.  A bare 负责 is lead when the group names one unit
  (「（市政府外事办负责）」) and is left to the document's rule when it names several.  Labelled
  forms: 牵头单位/牵头部门 → lead; 配合单位/协办单位/参与单位 → support; 责任单位/责任部门 →
  support when a 牵头 group is in the same bracket, otherwise left to the document's rule.
  A group without a role takes the role of the next group (「市发展改革委、商务局，各县（市、区）
  人民政府分别按职责分工推进」 is one shared list).  An unknown role word is warned
  (``unknown_role``) and its units kept in ``shared`` – never dropped; when a known role word
  stands before the unknown rest (a garbled copy's 「省发展改革委牵头卖力」), the known word is
  read and the rest warned.
* **Who leads when the document leaves it to its rule.**  Units whose role the task does not
  say (责任单位 without a 牵头, a list without any role word, several units 负责) take it from the
  document's rule for who leads: 「（第一责任单位为牵头单位，下同）」, 「（除标注“分别牵头”外，
  列第一位为牵头或汇总单位，下同）」, 「排在首位的为牵头部门」, 「牵头单位为列在首位的责任单位」 –
  any wording that says the first (第一/首位/首个) listed unit leads.  Under it the first such
  unit leads and the others support (「责任单位：市经信局、市财政局（列第一位者为工作牵头单位或
  汇总单位，下同）」 → lead 市经信局, support 市财政局); a task that names its own roles
  (「分别牵头」, 「牵头单位：」) keeps them.  A rule reaches the task it is written in and, when
  it says 下同 (以下同, 后同, 全文同 …), every later task of the document until another rule
  replaces it; 「排名不分先后」 is a rule too (listed units share).  A rule stated before the
  tasks or in a task's own text (「责任分解中，列第一位的责任单位为牵头单位或汇总单位」) reaches
  every later task.  The rule is never a unit or a note; the task keeps its words and line in
  :attr:`ParsedTask.lead_rule` / ``lead_rule_line`` (the preview shows them).  Without a rule,
  one such unit alone leads (「责任单位：市建设局」, 「（市财政局）」 → lead 市财政局) and several
  share (a list without role words is warned ``unknown_role``).
* **Text that cannot be read is never silent.**  A name that is only a level or a level and
  one character (「责任单位：市」 where a page is cut, 「市发」), that holds digits, quotes or a
  full stop, that ends in a role fragment (「…局分别」), or that ends an unclosed bracket or the
  document without a unit ending (「（牵头单位：市商务局、市发展改」) is warned
  (``unreadable_unit``, at its line) and not stored.  A bracket that ends a line and holds unit
  names but could not be read is warned (``dropped_bracket``); the document's last item, when
  it stops mid-sentence without units, is warned (``cut_off``).  A line that starts with the
  next number of a numbering in use but a wrong mark (「2)」, 「2，」, 「（2」) is that item,
  warned (``garbled_label``); pinyin glosses a web copy put after characters (「發(fā)」) are
  removed and warned once (``pinyin_gloss``).
* **Unit brackets** are the brackets that end a line or the item, or follow a sentence
  (「…。（市商务局、市财政局）下一句…」); other mid-sentence brackets are glosses (（含…，下同）,
  （境）, 《…（负面清单）…》, 〔2023〕109号) and stay in the text.  A bracket without a role word
  that ends the item or follows a sentence is only read as a unit list if it looks like one (names
  ending in 局/委/办/府…).  An item whose bracket is never closed gets ``unclosed_bracket``; the
  open text is still read as a unit list if it has role words.  「6月底完成」 in a unit list is
  the deadline.
* **Unit names** are written names normalised by :func:`normalise_unit_name`.  A 市/县/区 prefix
  written once in a bracket applies to the later bare department names of the same bracket
  (「市司法局、商务局、市场监管局」 → 市司法局, 市商务局, 市市场监管局); it is not added to
  collective units (各…, 相关…, 市级…), to names naming another level or place (国家…, 省…,
  人民银行…, …海关, …园区管委会, names containing 市/县/区) – 「市场」 is not a prefix; 州 is a
  prefix like 市 (「州司法局、州委编办及州直相关单位」).  「能源局等省有关部门」 is two units.
  及/以及 always split; 和/与 split only when both sides look like unit names (end in
  局/委/办/会/府/院/部门/中心… – so 工业和信息化局, 住房和城乡建设局, 大数据和行政审批局 stay whole)
  or when ``resolve`` knows both sides; never when ``resolve`` knows the whole name.  With a
  resolver, the prefix is also added to a bare name that does not look like a department when
  the resolver knows the prefixed name.
* **Resolver.**  Every unit (collective ones too) is passed to ``resolve``; unknown names are kept
  as written and warned (``unknown_unit``) at each occurrence.
* **Standing clause.**  「以下各项任务均需各县区政府落实，不再一一列出」 adds 各县区政府 as shared to
  the task carrying it and to every later task of the same top-level section that has its own unit
  bracket (groups without units and other sections, e.g. 三、工作要求, are untouched).  It is
  recorded in :attr:`ParsedPlan.standing_units`.
* **Goals** come from a top-level section whose title contains 目标.  Each clause (split at 。；)
  with a quantity is a goal; a clause with two quantities joined by ，, e.g. 「…工作目标7000万美元
  （…），同比增长20%以上」, gives two goals, the second inheriting the subject
  (「2021年全市实际利用外资同比增长」).  Clauses without a quantity are goals with
  ``target_value=None``.
* **Requirements** are counted commitments: 不少于/不低于/至少 N 次/场/个/家/项… or N 次…以上 not
  followed by 的 (「1500万美元以上的重大项目」 is a threshold, not a requirement).  ``period`` is
  the time the count is over: 年内, 每年, 每季度 …, with the number written before it (「三年内」,
  「两年内」, 「1年内」, 「6个月内」, 「每两年」), a five-year plan (「“十四五”期间」), a date
  (「2023年底前」, 「到2025年」, 「2021—2023年」).  A number is never a subject: ``applies_to`` is the
  subject before the period (「各县市区年内开展」 → 各县市区), else the words after it up to the verb
  or a total (共, 累计 …): 「三年内全市共储备项目不少于300个」 → period 三年内, applies_to 全市;
  「每年新引进…」 → no subject.  Without a verb or total only a leading 全市/全县… is a subject.
* **Script and layout.**  Traditional characters are converted to Simplified (OpenCC's tables)
  before anything is read, so units are matched and stored in Simplified form; a
  ``traditional_script`` warning says so.  Page numbers (「— 3 —」, 「第4页 共9页」) and running
  headers repeated three times or more inside the body are dropped, so a unit wrapped across a
  page break is joined; a field line (「牵头单位:区发改局」 in three tasks) is never a header.
  ⑴ reads as （1）, ⒈ as 1., ──/――/－－ as the —— bullet.
* **Notes.**  A bracket after a unit name holding 包括/含/下同/简称… or a comma is the unit's
  note (「各区政府（包括各开发区管委会，下同）」 → 各区政府, note 「包括各开发区管委会，下同」);
  a bracket inside a name (各县（市、区）人民政府) is part of it.  及 never splits inside brackets.
* **Fields.**  「责任单位：」, 「牵头单位：」, 「配合单位：」 … and 「完成时限：」 / 「时间节点：」
  are read inside a bracket or, outside brackets, from the start of a line or sentence to the end
  of the item (so wrapped lines belong to them).  Two labels need no comma between them.
  Labelled units followed by 按职责分工负责 share the task; 「具体任务均涉及X，不再做分工，下同」
  is a standing clause like 「以下各项任务均需X落实」.  A cited document (国发〔2017〕5号) in
  a unit list names no unit.
* **Issuing units** come from the letterhead (lines before 「文件」), else from the signature block
  before the first date line; they are not resolved.  The body ends at a markdown rule (---),
  附件, 抄送, 公开属性 or a date line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from opencc import OpenCC

__all__ = [
    "ParseWarning",
    "ParsedGoal",
    "ParsedPlan",
    "ParsedTask",
    "Requirement",
    "Resolver",
    "StandingUnit",
    "is_collective_unit",
    "normalise_unit_name",
    "deadline_date",
    "parse_plan",
    "to_simplified",
]

Resolver = Callable[[str], str | None]

LEAD = "lead"
SUPPORT = "support"
SHARED = "shared"
# Units whose role the document leaves to its rule for who leads (责任单位 without a 牵头, a list
# without any role word, several units 负责): the first leads under 「列第一位的为牵头单位」, one
# unit alone leads, several without a rule share.
OPEN = "open"


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Requirement:
    """A counted commitment inside a task, e.g. 「各县市区年内开展不少于4次外资专题招商活动」."""

    text: str
    quantity: int | Decimal  # an int for counts and whole amounts
    unit: str  # 次, 个, %, 万美元, 亿元 …
    period: str
    applies_to: str
    comparator: str = ""  # 不少于, 至少, 以上, 达到, 力争 … as written


@dataclass(frozen=True)
class ParsedGoal:
    """One target from the 工作目标 section; ``target_value`` is None for qualitative goals."""

    text: str
    metric: str
    target_value: Decimal | None
    unit: str
    qualifier: str = ""  # 不低于, 以上, 左右, 力争 … as written


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser guessed or could not read; ``line`` is 1-based in the input."""

    line: int
    code: str
    message: str
    fragment: str


@dataclass(frozen=True)
class ParsedTask:
    """One numbered item (section, group, task or sub-item) with its responsible units."""

    path: tuple[str, ...]
    label: str
    title: str
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    shared: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    order: int
    notes: tuple[tuple[str, str], ...] = ()  # (unit, note) as 各区政府 → 包括各开发区管委会，下同
    deadline: str = ""  # 完成时限 as written, e.g. 2022年10月底前, 长期坚持
    # The document's words that made ``lead``, when its own rule did (「列第一位者为工作牵头单位
    # 或汇总单位，下同」) and the line they stand on; "" when the task names its lead itself.
    lead_rule: str = ""
    lead_rule_line: int = 0

    def note_of(self, unit: str) -> str:
        """The note written after ``unit`` in the unit list, or ""."""
        return dict(self.notes).get(unit, "")

    @property
    def parent_path(self) -> tuple[str, ...]:
        """The path of the enclosing item (empty for a top-level section)."""
        return self.path[:-1]

    @property
    def depth(self) -> int:
        """1 for sections (一、), 2 for their items, and so on."""
        return len(self.path)

    @property
    def units(self) -> tuple[str, ...]:
        """All units of the task, lead first, without duplicates."""
        return tuple(dict.fromkeys(self.lead + self.support + self.shared))


@dataclass(frozen=True)
class StandingUnit:
    """A unit that a standing clause adds to every later task (e.g. 各县区政府)."""

    name: str
    role: str
    path: tuple[str, ...]
    text: str
    line: int


@dataclass(frozen=True)
class ParsedPlan:
    """The parsed document: metadata, goals, the task tree (flattened) and warnings."""

    title: str
    document_number: str
    goals: list[ParsedGoal]
    tasks: list[ParsedTask]
    warnings: list[ParseWarning]
    issuing_units: list[str]
    standing_units: list[StandingUnit] = field(default_factory=list)

    def task(self, *path: str) -> ParsedTask:
        """The task at ``path`` (labels as in :attr:`ParsedTask.path`), the first one where ——
        bullets share it; KeyError if absent."""
        for task in self.tasks:
            if task.path == path:
                return task
        raise KeyError(path)

    def children(self, *path: str) -> list[ParsedTask]:
        """The direct children of the item at ``path`` (``()`` for the sections); under ——
        bullets that share a path, the children of all of them."""
        return [t for t in self.tasks if t.path[:-1] == path]


# --------------------------------------------------------------------------- character classes

_OPEN = "（(〔[【［｛{"
_CLOSE = "）)〕]】］｝}"
_WS_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", "､": "、"})
_PUNCT_TO_FULL = str.maketrans(
    {"(": "（", ")": "）", "､": "、", ",": "，", ";": "；", ":": "：", "[": "〔", "]": "〕"}
)
# How unit names end (局, 委, 办, 会, 人民政府, 部门, 中心, 支行, 海关, 工商联, 单位 …).
_UNIT_ENDINGS = tuple("局委办会室厅府院署处所站队部组联") + (
    "部门",
    "中心",
    "银行",
    "支行",
    "分行",
    "海关",
    "单位",
    "科协",
)
# Endings after which a role word may follow directly (市商务局|督办).
_STRONG_ENDINGS = tuple("局委府厅院") + ("部门", "中心", "海关", "银行", "支行")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def normalise_unit_name(text: str) -> str:
    """Normalise a written unit name: drop spaces (also full-width), line breaks and ``**``.

    Half-width brackets become full-width so 「各县(市、区)人民政府」 equals
    「各县（市、区）人民政府」.
    """
    return _WS_RE.sub("", text.replace("**", "")).translate(_HALF_TO_FULL)


def _compact(text: str) -> str:
    """Remove whitespace except between two ASCII letters/digits (kept as one space)."""

    def repl(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            return " "
        return ""

    return _WS_RE.sub(repl, text)


def _cn_to_int(text: str) -> int:
    """Convert 一 … 九十九 (and plain digits) to an int."""
    if text.isdigit():
        return int(text)
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        return _cn_to_int(hundreds or "一") * 100 + (_cn_to_int(rest.lstrip("零")) if rest else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _int_to_cn(number: int) -> str:
    """Convert 1 … 99 to 一 … 九十九."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --------------------------------------------------------------------------- labels

_CN = "[一二三四五六七八九十]{1,3}"
_LABEL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("paren_cn", re.compile(rf"^[（(]({_CN})[）)]")),
    ("paren_arabic", re.compile(r"^[（(](\d{1,2})[）)]")),
    ("shi", re.compile(rf"^({_CN})是[、，,：:]?")),
    ("cn", re.compile(rf"^({_CN})[、､.．]")),
    ("arabic_dot", re.compile(r"^(\d{1,2})[.．](?!\d)")),
    ("arabic_comma", re.compile(r"^(\d{1,2})[、､](?!\d)")),
    ("circled", re.compile(f"^([{_CIRCLED}])")),
    ("dash", re.compile(r"^(——)(?!—)")),
]


def _render_label(style: str, number: int) -> str:
    """The canonical label text of ``number`` in numbering ``style``; a —— bullet has no number
    and is written as it stands."""
    if style == "cn":
        return _int_to_cn(number)
    if style == "paren_cn":
        return f"（{_int_to_cn(number)}）"
    if style == "paren_arabic":
        return f"（{number}）"
    if style == "shi":
        return f"{_int_to_cn(number)}是"
    if style == "arabic_dot":
        return f"{number}."
    if style == "arabic_comma":
        return f"{number}、"
    if style == "circled":
        return _CIRCLED[number - 1] if 0 < number <= len(_CIRCLED) else f"({number})"
    return "——"


@dataclass(frozen=True)
class _Label:
    style: str
    number: int  # 0 for dash bullets (counted when placed, never shown)
    rest: str


def _parse_label(text: str) -> _Label | None:
    for style, pattern in _LABEL_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        token = match.group(1)
        if style == "circled":
            number = _CIRCLED.index(token) + 1
        elif style == "dash":
            number = 0
        else:
            number = _cn_to_int(token)
        rest = text[match.end() :]
        if style in ("shi", "dash"):
            rest = rest.lstrip("、，,：:")
        return _Label(style, number, rest)
    return None


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    no: int
    text: str
    bold: str | None
    rule: bool


# Numbering written with single code points: ⑴ is （1）, ⒈ is 1.
_PAREN_DIGITS = {chr(0x2474 + i): f"（{i + 1}）" for i in range(20)}
_DOT_DIGITS = {chr(0x2488 + i): f"{i + 1}." for i in range(20)}
# Em-dash bullets as typed: ——, ──, ――, －－, or two hyphens before a Chinese character.
_DASH_BULLET_RE = re.compile(r"^(?:[—―─－]{2}|[-–]{2}(?=[\u4e00-\u9fff]))(?![—―─－-])")
# Page numbers that a copied or converted document keeps between its lines.
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—－–·•\s]*\d{1,3}[-—－–·•\s]*|第\d{1,3}页(?:[，,/／]?共\d{1,3}页)?|\d{1,3}[/／]\d{1,3})$"
)


def _clean_line(no: int, raw: str) -> _Line:
    text = raw.strip().lstrip("\ufeff")
    if re.fullmatch(r"[-*_]{3,}", _WS_RE.sub("", text)):
        return _Line(no, "", None, True)
    if text and _PAGE_NUMBER_RE.fullmatch(_WS_RE.sub("", text)):
        return _Line(no, "", None, False)
    text = re.sub(r"^#{1,6}\s*", "", text)
    if text[:1] in _PAREN_DIGITS:
        text = _PAREN_DIGITS[text[0]] + text[1:]
    elif text[:1] in _DOT_DIGITS:
        text = _DOT_DIGITS[text[0]] + text[1:]
    text = _DASH_BULLET_RE.sub("——", text)
    bold = None
    if text.startswith("**"):
        end = text.find("**", 2)
        if end > 2:
            bold = _compact(text[2:end]).strip()
    text = _compact(text.replace("**", "")).strip()
    return _Line(no, text, bold, False)


_DATE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日(?:印发|发布)?$")
_STOP_RE = re.compile(r"^(?:附件(?:[：:\d一二三四五六七八九十]|$)|抄送|公开属性|（此件|\(此件)")
_TITLE_SUFFIX_RE = re.compile(r"(?:方案|意见|办法|计划|措施|规划|细则|要点|清单|分工表)》?$")
_DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［【(（]\d{4}[〕\]］】)）]\d+号")


# --------------------------------------------------------------------------- brackets


def _scan_brackets(text: str) -> tuple[list[tuple[int, int]], int | None]:
    """Top-level bracket spans (open index, close index) and the index of an unclosed opener.

    Any opener closes with any closer, so 「（武威)」 is one bracket.  Book titles 《…》 are
    skipped as a whole, so brackets inside them are never top-level.
    """
    spans: list[tuple[int, int]] = []
    depth = 0
    start = -1
    i = 0
    while i < len(text):
        char = text[i]
        if char == "《":
            end = text.find("》", i)
            if end != -1:
                i = end + 1
                continue
        if char in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
        i += 1
    return spans, (start if depth else None)


def _split_top(text: str, separators: str) -> list[str]:
    """Split ``text`` at ``separators`` that are not inside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _find_top(text: str, char: str) -> int:
    """Index of the first ``char`` outside brackets, or -1."""
    depth = 0
    for i, current in enumerate(text):
        if current in _OPEN:
            depth += 1
        elif current in _CLOSE and depth:
            depth -= 1
        elif current == char and depth == 0:
            return i
    return -1


# --------------------------------------------------------------------------- unit lists

# A role phrase after the names: how they share (分别, 共同 …), by what (按职责分工 …), and the
# role word.  「市人力社保局、市农业农村局分别牵头」: each leads its own part, and 分别 is never part
# of a name.  推进/落实/实施/承担 are roles only after 分别/共同/按职责… (「分别抓好落实」).
_ROLE_MODIFIERS = "分别|共同|各自|联合|一同|具体|均|都"
_ROLE_DUTY = "(?:按照?|根据|依据?)(?:各自)?(?:职责|职能)(?:分工)?|分工"
_LEAD_WORDS = ("牵头负责", "牵头", "主责", "主办")
_SUPPORT_WORDS = ("协同配合", "配合", "协助", "协同", "参与", "协办")
_DUTY_WORDS = ("抓好落实", "负责", "推进", "落实", "实施", "承担")
_ROLE_PIECES_RE = re.compile(
    rf"(?P<mod>{_ROLE_MODIFIERS})?(?P<duty>{_ROLE_DUTY})?"
    rf"(?P<word>{'|'.join(_LEAD_WORDS + _SUPPORT_WORDS + _DUTY_WORDS)})?"
)
_ROLE_RE = re.compile(
    rf"^(?P<names>.+?)(?P<role>(?P<mod>{_ROLE_MODIFIERS})?(?P<duty>{_ROLE_DUTY})?"
    rf"(?P<word>{'|'.join(_LEAD_WORDS + _SUPPORT_WORDS + _DUTY_WORDS)}))$"
)
# Words that end a name only when a role phrase was cut off or garbled (「市农业农村局分别」).
_ROLE_FRAGMENT_RE = re.compile(
    rf"(?:{_ROLE_MODIFIERS}|按照?|根据|依据?|职责|职能|分工|"
    rf"{'|'.join(_LEAD_WORDS + _SUPPORT_WORDS)}|负责)$"
)
_LABEL_ROLE_RE = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,6}?(?:单位|部门))：(?P<names>.*)$")
_LABELLED_ROLES = {
    "牵头单位": LEAD,
    "牵头部门": LEAD,
    "主责单位": LEAD,
    "主责部门": LEAD,
    "配合单位": SUPPORT,
    "配合部门": SUPPORT,
    "协办单位": SUPPORT,
    "参与单位": SUPPORT,
    "协同单位": SUPPORT,
    "责任单位": "responsible",
    "责任部门": "responsible",
}
_STANDING_RE = re.compile(
    r"^以下(?:各项|所有|各)?(?:任务|工作)?(?:均|都)?(?:需要|需|由|要)?(?P<names>.+?)"
    r"(?:负责)?(?:落实|推进|承担|负责)$"
)
_STANDING_INVOLVES_RE = re.compile(
    r"^(?:以下|具体|上述|各项|所有)(?:各项|所有)?(?:任务|工作)?(?:均|都)(?:涉及|包括|需要|需)"
    r"(?P<names>.+?)(?:参与|配合|落实)?$"
)
_IGNORABLE_RE = re.compile(
    r"^(?:不再(?:一一)?(?:列出|列举|重复|做分工|分工|单列)|下同|同上|以下同|以下不再列出)$"
)
# The document's own rule for who leads among the units it lists: 「第一责任单位为牵头单位」,
# 「列第一位者为工作牵头单位或汇总单位」, 「排在首位的为牵头部门」, 「牵头单位为排在第一位的单位」.
_FIRST_LEADS_RE = re.compile(
    r"(?:第一|首位|首个|首家|第1)[^，。；]{0,12}?(?:位|个|者|的|为|是|单位|部门)[^，。；]{0,10}?牵头"
    r"|牵头(?:单位|部门)?(?:为|是|即)[^，。；]{0,8}?(?:第一|首位|首个|第1)"
)
# …and the rule that the order says nothing (「排名不分先后」): listed units then share.
_NO_ORDER_RE = re.compile(r"不分先后|不分主次|无先后顺序")
# A rule reaches later tasks when it says so: 下同, 以下同, 后同, 全文同 …
_SAME_BELOW_RE = re.compile(r"下同|以下同|下文同|后同|全文同|以下均同|以下各项同|余同")
# Clauses that belong to a rule: its condition before it (「涉及多个单位的」, 「除标注“分别牵头”
# 外」) and what it says of the others after it (「其余为配合单位」, 「下同」).
_RULE_BEFORE_RE = re.compile(r"^(?:除.{1,20}外|.{1,12}的|凡.{1,12}|如.{1,12})$")
_RULE_AFTER_RE = re.compile(
    r"^(?:(?:其余|其他|其它|余下|其后|另)[^，；]{0,10}(?:为|是|作为)|下同|以下同|后同|全文同|余同)"
)
# A 完成时限 written without its label inside a unit list: 「6月底完成」, 「2023年底前」.
_DEADLINE_GROUP_RE = re.compile(
    r"^(?:\d{4}年)?(?:\d{1,2}月(?:底|末|\d{1,2}日|上旬|中旬|下旬)?|年?底|年?末|上半年|下半年|"
    r"第?[一二三四1-4]季度末?|长期|持续)(?:前|以前|之前)?(?:完成|实现|落实|坚持|推进)?$"
)
# A parenthetical after a unit name that is a note on it, not part of it:
# 各区政府（包括各开发区管委会，下同）; 各县（市、区）人民政府 keeps its bracket.
_NOTE_RE = re.compile(r"包括|包含|^含|不含|下同|简称|^即|其中|除外")
# Labels of the fields a task-division table writes beside the units.
_FIELD_LABEL_RE = re.compile(
    r"(?P<label>牵头单位|牵头部门|主责单位|主责部门|责任单位|责任部门|配合单位|配合部门|协办单位"
    r"|参与单位|协同单位|完成时限|完成时间|时间节点|时限要求|时间要求|进度安排|时间安排)[：:]"
)
_DEADLINE_LABELS = (
    "完成时限",
    "完成时间",
    "时间节点",
    "时限要求",
    "时间要求",
    "进度安排",
    "时间安排",
)
_COLLECTIVE_RE = re.compile(r"^(?:各|相关|有关|其他|其它|全市|全县|全区|[市县区州省](?:级|直))")
_OTHER_LEVEL_RE = re.compile(r"^(?:国家|省|自治区|中国|中央|中共|人民银行|国务院|驻)")
_PLACE_WORDS = ("海关", "支行", "分行", "支局", "分局", "管委会", "园区", "公司", "集团", "银行")


def _is_collective(name: str) -> bool:
    return (
        bool(_COLLECTIVE_RE.match(name)) or "各" in name or name.endswith(("有关部门", "相关部门"))
    )


def is_collective_unit(name: str) -> bool:
    """Whether a normalised unit name is a collective unit kept whole (「各县（市、区）人民政府」,
    「市级各部门」, 「相关行业行政主管部门」), not one department."""
    return _is_collective(name)


def _prefix_eligible(name: str, *, require_ending: bool = True) -> bool:
    """Whether a bare name is a department of the list's own level (gets the 市 prefix)."""
    if not name or _is_collective(name) or _OTHER_LEVEL_RE.match(name):
        return False
    if any(word in name for word in _PLACE_WORDS):
        return False
    if re.search("[市县区省州旗盟]", name.replace("市场", "")):
        return False
    return name.endswith(_UNIT_ENDINGS) or not require_ending


def _looks_like_unit(name: str) -> bool:
    return (
        1 < len(name) <= 30
        and name.endswith(_UNIT_ENDINGS)
        and not re.search(r"[\d《》“”\"]", name)
    )


def _split_unknown_role(name: str) -> tuple[str, str]:
    """Split 「市商务局督办」 into ("市商务局", "督办"); ("…", "") when no role word is found."""
    ends_like_unit = name.endswith(_UNIT_ENDINGS)
    for cut in range(len(name) - 1, 1, -1):
        head, tail = name[:cut], name[cut:]
        if not head.endswith(_STRONG_ENDINGS):
            continue
        if ends_like_unit and len(tail) != 2:
            continue
        if 2 <= len(tail) <= 4 or (not ends_like_unit and len(tail) == 1):
            return head, tail
        break
    return name, ""


@dataclass
class _UnitParse:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (role, name) in order
    pending: list[str] = field(default_factory=list)
    standing: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # code, message, fragment
    recognised: bool = False
    unknown_word: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # name as split → note
    deadline: str = ""
    # the document's rule for who leads, as written (「第一责任单位为牵头单位，下同」)
    rule: str = ""


_ETC_COLLECTIVE_RE = re.compile(
    r"等(?=(?:[省市县区州](?:级|直)?)?(?:各|有关|相关|其他|其它)[\u4e00-\u9fff]{0,6}(?:部门|单位)$)"
)


class _Names:
    """Splits a group of written names and applies the bracket's 市/县/区 prefix."""

    def __init__(self, resolve: Resolver | None) -> None:
        self.prefix = ""
        self.resolve = resolve
        self.notes: dict[str, str] = {}
        self.rules: list[str] = []  # 「市税务局（列第一位者为工作牵头单位或汇总单位，下同）」

    def _with_prefix(self, name: str) -> str:
        if _is_collective(name):
            return name
        if name[0] in "市县区州" and not name.startswith("市场"):
            self.prefix = name[0]
            return name
        if self.prefix and _prefix_eligible(name):
            return self.prefix + name
        if (
            self.prefix
            and self.resolve is not None
            and _prefix_eligible(name, require_ending=False)
            and self.resolve(self.prefix + name)
        ):
            return self.prefix + name
        return name

    def _known(self, name: str, *, after: str = "") -> bool:
        """Whether ``resolve`` knows ``name`` (prefixed as it would be after ``after``).

        Collective names never count: a resolver may accept them as they are, and 「税务局和
        各县（市、区）人民政府」 must still split."""
        if self.resolve is None or _is_collective(name):
            return False
        saved = self.prefix
        try:
            if after:
                self._with_prefix(after)
            return bool(self.resolve(self._with_prefix(name)))
        finally:
            self.prefix = saved

    def _split_joined(self, piece: str) -> list[str]:
        """Split at 及/以及 (outside brackets) always, at 和/与 only between two unit names, and at
        等 before a collective (「能源局等省有关部门」 → 能源局, 省有关部门)."""
        parts = [p for p in _split_words(piece, ("以及", "及")) if p] if "及" in piece else [piece]
        result: list[str] = []
        for part in parts:
            for name in self._split_and(part):
                result.extend(p for p in _ETC_COLLECTIVE_RE.split(name) if p)
        return result

    def _split_and(self, piece: str) -> list[str]:
        if self._known(piece):
            return [piece]
        depth = 0
        for i, char in enumerate(piece):
            if char in _OPEN:
                depth += 1
            elif char in _CLOSE and depth:
                depth -= 1
            elif char in "和与" and depth == 0 and 0 < i < len(piece) - 1:
                left, right = piece[:i], piece[i + 1 :]
                by_shape = _looks_like_unit(left) and _looks_like_unit(right)
                by_resolver = self._known(left) and self._known(right, after=left)
                if by_shape or by_resolver:
                    return [left, *self._split_and(right)]
        return [piece]

    def split(self, group: str) -> list[str]:
        """The names of ``group``; a note bracket after a name goes to :attr:`notes`."""
        names: list[str] = []
        for raw in _split_top(group, "、"):
            piece = raw.strip().removeprefix("由")
            piece = re.sub("(?:等(?:部门|单位)?)$", "", piece)
            if not piece:
                continue
            for part in self._split_joined(piece):
                part, note = _split_note(part)
                name = self._with_prefix(part)
                if note and _is_lead_rule(note):
                    self.rules.append(note)
                elif note:
                    self.notes.setdefault(name, note)
                names.append(name)
        return names


def _split_words(text: str, words: tuple[str, ...]) -> list[str]:
    """Split ``text`` at ``words`` that are not inside brackets (「及其」 never splits)."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        elif depth == 0:
            word = next((w for w in words if text.startswith(w, i)), None)
            if word and not text.startswith("及其", i):
                parts.append(text[start:i])
                i += len(word)
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _is_lead_rule(text: str) -> bool:
    """Whether ``text`` states the document's rule for who leads (see :data:`_FIRST_LEADS_RE`)."""
    return bool(_FIRST_LEADS_RE.search(text) or _NO_ORDER_RE.search(text))


def _garbled_role(group: str) -> tuple[str, re.Match[str], str] | None:
    """Split 「省发展改革委牵头卖力」 into the names, the readable part of the role phrase (牵头)
    and what could not be read (卖力): a name ending like a unit, then a role phrase, then at
    most four unknown characters.  None when no role phrase follows a unit name."""
    for cut in range(len(group) - 1, 1, -1):
        head, tail = group[:cut], group[cut:]
        if not head.endswith(_UNIT_ENDINGS):
            continue
        pieces = _ROLE_PIECES_RE.match(tail)
        if pieces and pieces.end() and 1 <= len(tail) - pieces.end() <= 4:
            return head, pieces, tail[pieces.end() :]
    return None


def _name_count(written: str) -> int:
    """How many names ``written`` lists (split at 、 and 及 outside brackets; 会同 counts)."""
    pieces = [p for piece in _split_top(written, "、") for p in _split_words(piece, ("以及", "及"))]
    return len([p for p in pieces if p.strip()]) + written.count("会同")


def _role_of(pieces: re.Match[str], count: int) -> str:
    """The role a role phrase gives ``count`` names: 牵头 (also 分别/共同牵头) leads, 配合 … support,
    负责 … with 分别/共同/按职责 shares; a bare 负责 leads when it names one unit and is left to the
    document's rule (:data:`OPEN`) when it names several."""
    word = pieces.group("word") or ""
    if word in _LEAD_WORDS:
        return LEAD
    if word in _SUPPORT_WORDS:
        return SUPPORT
    if pieces.group("mod") or pieces.group("duty"):
        return SHARED
    if word == "负责":
        return LEAD if count == 1 else OPEN
    return ""


def _split_note(name: str) -> tuple[str, str]:
    """Split 「各区政府（包括各开发区管委会，下同）」 into the name and its note."""
    if not name or name[-1] not in _CLOSE:
        return name, ""
    spans, unclosed = _scan_brackets(name)
    if unclosed is not None or not spans or spans[-1][1] != len(name) - 1:
        return name, ""
    start = spans[-1][0]
    content = name[start + 1 : -1]
    if start == 0 or not (_NOTE_RE.search(content) or "，" in content):
        return name, ""
    return name[:start], content


def _parse_unit_list(content: str, resolve: Resolver | None) -> _UnitParse:
    """Read the content of one bracket as role groups (see the module docstring)."""
    text = normalise_unit_name(content).translate(_PUNCT_TO_FULL)
    # 「牵头单位：市商务局  责任单位：市编办」: a label starts a group even without a comma.
    text = _FIELD_LABEL_RE.sub(lambda m: ("；" if m.start() else "") + m.group(0), text)
    names = _Names(resolve)
    result = _UnitParse(notes=names.notes)
    label_role = ""
    has_lead = False
    labelled: list[tuple[str, list[str]]] = []
    groups = [g.strip("、") for g in _split_top(text, "，；。")]
    # 「第一责任单位为牵头单位，下同」, 「涉及多个单位的，第一个为牵头单位，其余为配合单位」: the
    # document's rule, with its condition and its tail, names no unit.
    in_rule: set[int] = set()
    for index, group in enumerate(groups):
        if not _is_lead_rule(_mask_brackets(group)):
            continue
        first = last = index
        while first > 0 and _RULE_BEFORE_RE.match(groups[first - 1]) and first - 1 not in in_rule:
            first -= 1
        while last + 1 < len(groups) and _RULE_AFTER_RE.match(groups[last + 1]):
            last += 1
        in_rule.update(range(first, last + 1))
        result.rule = result.rule or "，".join(groups[first : last + 1])
        result.recognised = True
    for index, group in enumerate(groups):
        if not group or index in in_rule:
            continue
        if _IGNORABLE_RE.match(group) or _DOCNO_RE.fullmatch(group):
            continue  # 「不再一一列出」, 「下同」 and cited documents (国发〔2017〕5号) name no unit
        if label_role == "deadline" and not (_FIELD_LABEL_RE.match(group) or _ROLE_RE.match(group)):
            result.deadline += "，" + group
            continue
        if _DEADLINE_GROUP_RE.match(group):
            result.deadline = result.deadline or group  # 「6月底完成」 without its label
            continue
        standing = _STANDING_RE.match(group) or _STANDING_INVOLVES_RE.match(group)
        if standing:
            result.standing.extend(names.split(standing.group("names")))
            result.recognised = True
            continue
        field_match = _FIELD_LABEL_RE.match(group)
        if field_match and field_match.group("label") in _DEADLINE_LABELS:
            result.deadline = group[field_match.end() :]
            result.recognised = True
            label_role = "deadline"
            continue
        labelled_match = _LABEL_ROLE_RE.match(group)
        if labelled_match:
            label = labelled_match.group("label")
            role = _LABELLED_ROLES.get(label, "")
            if not role:
                result.problems.append(
                    ("unknown_role", f"无法识别的分工角色“{label}”，相关单位暂列为共同负责", group)
                )
                role = SHARED
            result.recognised = True
            label_role = role
            has_lead = has_lead or role == LEAD
            written = labelled_match.group("names")
            # 「责任单位：省发展改革委、商务厅按职责分工负责」: the role word says how they share.
            role_word = _ROLE_RE.match(written)
            if role_word:
                written = role_word.group("names")
                if role_word.group("mod") or role_word.group("duty"):
                    role = SHARED
            group_names = result.pending + names.split(written)
            result.pending = []
            labelled.append((role, group_names))
            continue
        role_match = _ROLE_RE.match(group)
        role = ""
        if role_match:
            written = role_match.group("names")
            role = _role_of(role_match, len(result.pending) + _name_count(written))
        elif garbled := _garbled_role(group):
            written, pieces, unread = garbled
            role = _role_of(pieces, len(result.pending) + _name_count(written))
            if role:
                readable = pieces.group(0)
                result.problems.append(
                    (
                        "unknown_role",
                        f"分工角色“{readable}{unread}”中的“{unread}”无法识别，已按“{readable}”读取",
                        group,
                    )
                )
        if role:
            leaders, _, others = written.partition("会同") if role != SUPPORT else (written, "", "")
            group_names = result.pending + names.split(leaders)
            result.pending = []
            role = LEAD if others else role  # 「市商务局会同市财政局负责」
            has_lead = has_lead or role == LEAD
            result.entries.extend((role, name) for name in group_names)
            result.entries.extend((SUPPORT, name) for name in names.split(others) if others)
            result.recognised = True
            label_role = ""
            continue
        group_names = names.split(group)
        if label_role:
            labelled.append((label_role, group_names))
        else:
            result.pending.extend(group_names)
    for role, group_names in labelled:
        if role == "responsible":
            role = SUPPORT if has_lead else OPEN
        result.entries.extend((role, name) for name in group_names)
    if result.pending:
        head, word = _split_unknown_role(result.pending[-1])
        result.pending[-1] = head
        result.unknown_word = word
    if names.rules and not result.rule:
        result.rule = names.rules[0]
        result.recognised = True
    return result


# --------------------------------------------------------------------------- items


@dataclass
class _Node:
    style: str
    path: tuple[str, ...]
    last: dict[str, int] = field(default_factory=dict)


@dataclass
class _Item:
    style: str
    label: str
    path: tuple[str, ...]
    line: int
    segments: list[tuple[int, str]]
    bold: str | None


class _Tree:
    """Places numbered items by the order in which numbering styles appear."""

    def __init__(self) -> None:
        self.root: dict[str, int] = {}
        self.stack: list[_Node] = []

    def _parent_of(self, style: str) -> tuple[dict[str, int], tuple[str, ...], int]:
        for index, node in enumerate(self.stack):
            if node.style == style:
                if index == 0:
                    return self.root, (), 0
                parent = self.stack[index - 1]
                return parent.last, parent.path, index
        if self.stack:
            return self.stack[-1].last, self.stack[-1].path, len(self.stack)
        return self.root, (), 0

    def expected(self, style: str) -> int:
        last, _, _ = self._parent_of(style)
        return last.get(style, 0) + 1

    def in_stack(self, style: str) -> bool:
        return any(node.style == style for node in self.stack)

    def place(self, style: str, number: int) -> tuple[str, tuple[str, ...]]:
        last, parent_path, index = self._parent_of(style)
        if style == "dash":
            number = last.get(style, 0) + 1
        del self.stack[index:]
        last[style] = number
        label = _render_label(style, number)
        node = _Node(style, (*parent_path, label))
        self.stack.append(node)
        return label, node.path


def _ends_with(text: str, chars: str) -> bool:
    """Whether ``text`` is non-empty and ends with one of ``chars``."""
    return bool(text) and text[-1] in chars


def _is_heading_like(text: str) -> bool:
    return (
        2 <= len(text) <= 40
        and not re.search(r"[。，,；;：:、！？!?]", text)
        and text[0] not in _OPEN
        and text[-1] not in _CLOSE
        and not _DATE_RE.match(text)
        and not text.isdigit()
    )


def _item_text(item: _Item) -> str:
    return _join([segment for _, segment in item.segments])


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and part and text[-1].isascii() and text[-1].isalnum():
            text += " " if part[0].isascii() and part[0].isalnum() else ""
        text += part
    return text


# A number written with the wrong mark after it (「2，」「2)」「（2」「二:」): an item label
# garbled by a copy, when the number is the next one of a numbering in use.
_GARBLED_LABEL_RE = re.compile(
    rf"^(?P<open>[（(])?(?P<num>\d{{1,2}}|{_CN})(?P<mark>[，,、.．:：)）]?)(?=[\u4e00-\u9fff“])"
)
_ARABIC_STYLES = ("arabic_dot", "arabic_comma", "paren_arabic")
_CN_STYLES = ("cn", "paren_cn")


def _garbled_label(text: str, tree: _Tree) -> tuple[str, int, str] | None:
    """(style, number, rest) when ``text`` starts with a garbled label that continues a
    numbering of the open items (see :data:`_GARBLED_LABEL_RE`), else None."""
    match = _GARBLED_LABEL_RE.match(text)
    if not match or not (match.group("open") or match.group("mark")):
        return None
    if match.group("open") and match.group("mark") in ("）", ")"):
        return None  # a well-formed （2）: not garbled
    number = _cn_to_int(match.group("num"))
    styles = _ARABIC_STYLES if match.group("num").isdigit() else _CN_STYLES
    for node in reversed(tree.stack):
        if node.style in styles and tree.expected(node.style) == number:
            return node.style, number, text[match.end() :]
    return None


def _collect_items(
    lines: list[_Line], start: int, end: int, warnings: list[ParseWarning]
) -> list[_Item]:
    tree = _Tree()
    items: list[_Item] = []
    current: _Item | None = None

    def open_item(style: str, number: int, line: _Line, rest: str) -> _Item:
        label, path = tree.place(style, number)
        bold = None
        if line.bold is not None:
            bold_label = _parse_label(line.bold)
            bold = bold_label.rest if bold_label else line.bold
        item = _Item(style, label, path, line.no, [(line.no, rest)], bold)
        items.append(item)
        return item

    def infer(index: int) -> tuple[str, int] | None:
        for later in lines[index + 1 : end]:
            label = _parse_label(later.text) if later.text else None
            if label and tree.in_stack(label.style):
                if label.number == tree.expected(label.style) + 1:
                    return label.style, label.number - 1
                break
        follower = next((ln for ln in lines[index + 1 : end] if ln.text), None)
        if (
            current is not None
            and _ends_with(current.segments[-1][1], _CLOSE)
            and follower is not None
            and _parse_label(follower.text) is None
            and "。" in follower.text
        ):
            return current.style, tree.expected(current.style)
        return None

    for index in range(start, end):
        line = lines[index]
        if not line.text:
            continue
        label = _parse_label(line.text)
        if label:
            current = open_item(label.style, label.number, line, label.rest)
            continue
        if current is None:
            continue
        text_so_far = _item_text(current)
        finished = _ends_with(text_so_far, "。！？!?；;" + _CLOSE)
        open_bracket = _scan_brackets(text_so_far)[1] is not None
        garbled = _garbled_label(line.text, tree) if finished and not open_bracket else None
        if garbled:
            style, number, rest = garbled
            written = line.text[: len(line.text) - len(rest)]
            current = open_item(style, number, line, rest)
            warnings.append(
                ParseWarning(
                    line.no,
                    "garbled_label",
                    f"编号“{written}”写法不规范，已按“{current.label}”读作一项",
                    line.text[:40],
                )
            )
            continue
        if finished and not open_bracket and _is_heading_like(line.text):
            guess = infer(index)
            if guess:
                style, number = guess
                current = open_item(style, number, line, line.text)
                warnings.append(
                    ParseWarning(
                        line.no,
                        "missing_label",
                        f"此行缺少编号，已根据前后顺序推断为“{current.label}”",
                        line.text,
                    )
                )
                continue
        current.segments.append((line.no, line.text))
    return items


# --------------------------------------------------------------------------- quantities

_COUNT_UNITS = "人次|次|场|个|家|项|批|期|户|名|篇|条|件|轮|人"
_MONEY_UNITS = "万美元|亿美元|万元|亿元"
_NUM = r"\d+(?:\.\d+)?|[一二两三四五六七八九十百]+"
# Words before a number that make it a floor or a target (不少于N次, 达到N%, 超过N亿美元).
_COMPARATORS = "不少于|不低于|至少|最少|不下于|达到|超过|突破|力争|确保|达"
# 「至少开展2次」: a verb of up to four characters may stand between the word and the number.
_REQ_QTY_RE = re.compile(
    rf"(?:(?P<cmp>{_COMPARATORS})(?:[\u4e00-\u9fff]{{1,4}}?(?=\d))?)?"
    rf"(?P<num>{_NUM})(?P<unit>%|％|{_MONEY_UNITS}|{_COUNT_UNITS})"
    r"(?P<tail>(?:及)?以上(?!的))?"
)
# Words anywhere earlier in the sentence that make every later number of it a target.
_AIM_RE = re.compile("力争|确保|争取")
# The period a quota counts over.  A number before the time word belongs to it (「三年内」, 「两个
# 月内」, 「1年内」 – never a subject 「三」), and so does a five-year plan's name (「“十四五”期间」),
# a date (「2023年底前」, 「到2025年」, 「2021—2023年」) and 每/全/当 (「每两年」, 「全年」).
_COUNT_WORD = r"(?:\d+|[一二两三四五六七八九十百半]+)"
_PERIOD_RE = re.compile(
    r"[“\"「]?十[一二三四五六七八九]五[”\"」]?(?:规划)?(?:期间|时期|期内)"
    r"|(?:(?:\d{4}年)?\d{1,2}月(?:底|末|\d{1,2}日)?|(?:\d{4})?年[底末])(?:前|以前|之前)"
    r"|[上下]半年"
    rf"|(?:未来|今后)?{_COUNT_WORD}个?(?:年|月|季度|周)(?:行动|规划)?(?:内|以内|间|期间|期内)"
    rf"|每{_COUNT_WORD}?个?(?:年|季度|月|周)"
    r"|(?:到|至|截至|截止到?)?(?:\d{4}年?[—–\-－~～至到])?\d{4}年(?:度)?(?:底|末)?(?:内|间|期间)?"
    r"|年内|全年|当年|年度内|季度内|月内"
)
_VERB_RE = re.compile(r"开展|召开|举办|组织|完成|引进|新增|实现|举行|参加|走访|对接|签约|推动")
# Where the predicate begins when no verb is known: a total (「全市共储备」, 「累计引进」) or 新
# before a verb (「全市新引进」).
_PREDICATE_RE = re.compile(
    rf"(?:新|再)(?:{_VERB_RE.pattern})|{_VERB_RE.pattern}|(?<!公)共(?!同|享|建)|累计|合计|总计"
)


def _quantity(text: str) -> int | Decimal:
    """「4」 → 4, 「四」 → 4, 「1.5」 → Decimal("1.5"): counts stay ints."""
    if re.fullmatch(r"\d+", text) or not re.match(r"\d", text):
        return _cn_to_int(text)
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else value


def _period_and_subject(prefix: str) -> tuple[re.Match[str] | None, str]:
    """The period and the subject (适用对象) of the words before a quota's number: the subject
    stands before the period (「各县市区年内开展」 → 各县市区) or, when the period comes first,
    after it up to the predicate (「三年内全市共储备项目」 → 三年内, 全市; 「每年新引进」 → 每年,
    no subject); without a predicate only a leading 全市/全县… is a subject."""
    prefix = re.sub("^(?:并|同时|其中|且|力争|确保|争取)", "", prefix)
    period = _PERIOD_RE.search(prefix)
    who = prefix[: period.start()] if period else ""
    if not who:
        rest = prefix[period.end() :].lstrip("，, ") if period else prefix
        predicate = _PREDICATE_RE.search(rest)
        whole = re.match("全[市县区州省]", rest)  # 「三年内全市储备项目」
        who = rest[: predicate.start()] if predicate else whole.group(0) if whole else ""
    who = re.sub("(?:要|应|须|需|均|都|在)+$", "", who)
    return period, who


def _requirements(text: str) -> tuple[Requirement, ...]:
    """Counted commitments and targets of a task: 不少于/至少/不低于/达到/超过/力争/确保 N, or N…以上,
    in 次/个/场/家…, %, 万美元/亿美元/万元/亿元.  A number after 力争/确保/争取 in the same
    sentence counts too; a bare number does not (「最高奖励1000万元」), nor a threshold
    (「1500万美元以上的重大项目」)."""
    found: list[Requirement] = []
    for sentence in _split_top(text, "。；;"):
        aim_at = m.start() if (m := _AIM_RE.search(sentence)) else None
        offset = 0
        for clause in _split_top(sentence, "，,"):
            clause_at = offset
            offset += len(clause) + 1
            clause = clause.strip()
            for match in _REQ_QTY_RE.finditer(clause):
                unit = match.group("unit").replace("％", "%")
                comparator = match.group("cmp") or ""
                if match.group("tail"):
                    comparator = comparator or "以上"
                aimed = aim_at is not None and aim_at < clause_at + match.start()
                if not comparator and not aimed:
                    continue
                if comparator == "以上" and not aimed and unit not in _COUNT_UNITS.split("|"):
                    continue  # 「5000万美元以上且…的项目」, 「对3000万美元及以上项目」: thresholds
                written_digits = bool(re.match(r"\d", match.group("num")))
                if not written_digits and (
                    comparator in ("", "达", "达到", "力争", "确保", "以上")
                    or unit not in _COUNT_UNITS.split("|")
                ):
                    continue  # 「力争一季度一批项目投产」: words, not a number
                if not comparator and aim_at is not None:
                    comparator = _AIM_RE.search(sentence).group(0)
                period_match, who = _period_and_subject(clause[: match.start()])
                found.append(
                    Requirement(
                        text=clause,
                        quantity=_quantity(match.group("num")),
                        unit=unit,
                        period=period_match.group(0) if period_match else "",
                        applies_to=who,
                        comparator=comparator,
                    )
                )
    return tuple(found)


# --------------------------------------------------------------------------- goals

_GOAL_UNITS = r"个百分点|%|％|万美元|亿美元|美元|万元|亿元|元|万人次|人次|万人|人|万户|户|个|家|项|次|场|批|亩|倍"
_GOAL_QTY_RE = re.compile(
    rf"(?P<cmp>{_COMPARATORS}|约)?(?P<num>\d+(?:\.\d+)?)(?:[—\-~～至到](?P<high>\d+(?:\.\d+)?))?"
    rf"(?P<unit>{_GOAL_UNITS}|年(?=[，,。；;]|$))"
)
_METRIC_TAIL_RE = re.compile(rf"(?:工作目标|目标|目标值|为|{_COMPARATORS}|保持)+$")
_QUALIFIER_RE = re.compile(r"^(?:及以上|以上|左右|以内|以下|上下)")
_GROWTH_RE = re.compile(r"^(?:同比|比上年|较上年|年均|增长|增速)")
# Headings of a goals item: 工作目标, 发展目标, 主要目标, 总体目标, 目标任务 …
_GOAL_HEADING_RE = re.compile(r"^(?:[\u4e00-\u9fff]{0,4})目标(?:任务)?$")


def _mask_brackets(text: str) -> str:
    """``text`` with bracket contents blanked out, so glosses never yield numbers."""
    masked = list(text)
    for start, end in _scan_brackets(text)[0]:
        masked[start : end + 1] = "□" * (end + 1 - start)
    return "".join(masked)


def _goals(text: str) -> list[ParsedGoal]:
    """One goal per quantity; a clause without any gives a qualitative goal (no value).

    The subject is the words before the number (「活跃度达到70%」 → 活跃度); when the number
    comes first (「培育形成2个千亿级产业集群」) the words after it are added.  A range
    (「8—10个」) keeps its lower bound.  以上/左右/力争 … are kept as the qualifier."""
    goals: list[ParsedGoal] = []
    for sentence in _split_top(text, "。；;"):
        sentence = sentence.strip("，, ")
        if not sentence:
            continue
        subject = ""
        pieces: list[str] = []
        found_any = False
        for part in _split_top(sentence, "，,"):
            pieces.append(part)
            masked = _mask_brackets(part)
            # 「到2029年」 is a date; 「生存周期达到5年」 a goal
            matches = [
                m
                for m in _GOAL_QTY_RE.finditer(masked)
                if m.group("unit") != "年" or m.group("cmp")
            ]
            if not matches:
                continue
            found_any = True
            chunk = "，".join(pieces)
            pieces = []
            for number, match in enumerate(matches):
                before_start = matches[number - 1].end() if number else 0
                after_end = matches[number + 1].start() if number + 1 < len(matches) else len(part)
                before = part[before_start : match.start()]
                after = masked[match.end() : after_end]
                qualifier = match.group("cmp") or ""
                tail = _QUALIFIER_RE.match(after)
                if tail:
                    qualifier = qualifier or tail.group(0)
                    after = after[tail.end() :]
                after = re.sub(r"□+", "", after).strip("，,、和及与")
                if number:  # 「2个千亿级产业集群和6个五百亿级…」: the words after 和 only
                    before = re.split("[、和及与]", before)[-1]
                aim = _AIM_RE.match(before)
                if aim:
                    qualifier = qualifier or aim.group(0)
                    before = before[aim.end() :]
                metric = _METRIC_TAIL_RE.sub("", before)
                if after and len(after) <= 20 and not re.search(r"\d", after):
                    metric += after
                if not subject:
                    subject = metric
                elif _GROWTH_RE.match(metric):
                    metric = subject + metric
                unit = match.group("unit").replace("％", "%")
                goals.append(
                    ParsedGoal(chunk, metric, Decimal(match.group("num")), unit, qualifier)
                )
        if pieces and found_any:
            last = goals[-1]
            goals[-1] = replace(last, text="，".join([last.text, *pieces]))
        elif not found_any:
            goals.append(ParsedGoal(sentence, sentence, None, ""))
    return goals


# --------------------------------------------------------------------------- preamble


def _title(preamble: list[_Line], lines: list[_Line]) -> str:
    """The last preamble line ending like a title (…方案, …要点), joined with the line before
    it when a long title is wrapped (「济南市打造对外开放新高地\n构建…的若干措施」)."""
    candidates = [
        index
        for index, ln in enumerate(preamble)
        if ln.text and _TITLE_SUFFIX_RE.search(ln.text) and not re.search("[。，；,;]", ln.text)
    ]
    if not candidates:
        return next((ln.text for ln in lines if ln.text), "")
    index = candidates[-1]
    title = preamble[index].text
    previous = preamble[index - 1].text if index else ""
    if (
        previous
        and len(previous) <= 30
        and not re.search(r"[。，；,;：:、|《》“”\d]", previous)
        and previous[0] not in _OPEN
        and not previous.endswith(("文件", "通知", "号"))
        and not previous.endswith(_UNIT_ENDINGS)
    ):
        title = previous + title
    return title


def _issuing_units(preamble: list[_Line]) -> list[str]:
    texts = [ln.text for ln in preamble]
    for index, text in enumerate(texts[:40]):
        if text.endswith("文件") and len(text) <= 40:
            before = [t for t in texts[:index] if t]
            if text != "文件":
                before.append(text[: -len("文件")])
            units = [t for t in before if t.endswith(_UNIT_ENDINGS)]
            if units:
                return list(dict.fromkeys(units))
    # Signature block: the paragraphs just before the first date line.
    for index, text in enumerate(texts):
        if not _DATE_RE.match(text):
            continue
        paragraphs: list[list[str]] = [[]]
        for previous in texts[:index]:
            if previous:
                paragraphs[-1].append(previous)
            elif paragraphs[-1]:
                paragraphs.append([])
        units: list[str] = []
        for lines in reversed([p for p in paragraphs if p]):
            whole = "".join(lines)
            if not re.search("[。，,：:；;]", whole) and whole.endswith(_UNIT_ENDINGS):
                units[:0] = _split_signature(lines)
                continue
            # No blank line before the signature (「…印发给你们。\n某市发展和改革委员会」):
            # its last lines that are unit names.
            trailing: list[str] = []
            for line in reversed(lines):
                if re.search("[。，,：:；;]", line) or not line.endswith(_UNIT_ENDINGS):
                    break
                trailing.insert(0, line)
            units[:0] = trailing
            break
        return list(dict.fromkeys(units))
    return []


def _split_signature(lines: list[str]) -> list[str]:
    """A signature paragraph whose every line is a unit name is one unit per line
    (「中共济南市委」 over 「济南市人民政府」); a name wrapped over two lines stays joined."""
    if len(lines) > 1 and all(line.endswith(_UNIT_ENDINGS) for line in lines):
        return lines
    return ["".join(lines)]


# --------------------------------------------------------------------------- tasks


def _title_and_body(text: str, first_len: int, bold: str | None) -> tuple[str, str]:
    punct = "。：:；;，, "
    if bold:
        bold_title = _compact(bold).rstrip(punct)
        if bold_title and text.startswith(bold_title):
            return bold_title, text[len(bold_title) :].lstrip(punct)
    head = text[:first_len]
    stop = _find_top(head, "。")
    if stop != -1:
        return text[:stop].rstrip(punct), text[stop + 1 :].lstrip(punct)
    if head and len(head) <= 40 and not re.search("[，,；;]", _mask_brackets(head)):
        return head.rstrip(punct), text[first_len:].lstrip(punct)
    stop = _find_top(text, "。")
    if stop == -1:
        return text.rstrip(punct), ""
    return text[:stop].rstrip(punct), text[stop + 1 :].lstrip(punct)


def _line_at(segments: list[tuple[int, str]], offsets: list[int], position: int) -> int:
    """The input line of character ``position`` of the joined segments."""
    line = segments[0][0]
    for (no, _), offset in zip(segments, offsets, strict=True):
        if offset <= position:
            line = no
    return line


@dataclass
class _Units:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)  # roles left to the document's rule (OPEN)
    # 「未写明分工角色」 of role-less lists: kept only when their units end up shared.
    open_warnings: list[ParseWarning] = field(default_factory=list)
    has_bracket: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    deadline: str = ""
    rule: str = ""  # the document's rule for who leads, as written in this item
    rule_line: int = 0
    rule_in_text: bool = False  # stated in the item's own text: it reaches every later task

    def add(self, role: str, name: str) -> None:
        target = {LEAD: self.lead, SUPPORT: self.support, OPEN: self.open}.get(role, self.shared)
        if name not in target:
            target.append(name)


# A name that is only a level (「市」 of a page cut after 「责任单位：市」), or a level and one
# character (「市发」).
_LEVEL_ONLY_RE = re.compile(r"^[市县区州省盟旗](?:委|直|级)?[\u4e00-\u9fff]?$")


def _unreadable(name: str, *, cut_off: bool) -> str:
    """Why ``name`` cannot be read as a unit ("" when it can).  ``cut_off`` says the text stops
    right after it (an unclosed bracket or a field at the end of the document)."""
    if _is_collective(name):
        return ""
    if len(name) < 2 or (_LEVEL_ONLY_RE.match(name) and not name.endswith(_UNIT_ENDINGS)):
        return "不是完整的单位名称（可能是断页或乱码）"
    if re.search(r"[\d“”\"《》。！？]", name):
        return "含有数字、引号或句读，不像单位名称"
    if _ROLE_FRAGMENT_RE.search(name):
        return "与分工用语连在一起，无法确定单位名称"
    if cut_off and not name.endswith(_UNIT_ENDINGS + _PLACE_WORDS):
        return "文本在此中断，单位名称不完整"
    return ""


def _build_task(
    item: _Item,
    order: int,
    resolve: Resolver | None,
    warnings: list[ParseWarning],
    standing: list[StandingUnit],
    in_goals: bool,
    last_item: bool = False,
) -> tuple[ParsedTask, _Units]:
    segments = item.segments
    if len(segments) > 1 and not segments[0][1]:  # a label alone on its line: 「（二）」
        segments = segments[1:]
    parts = [segment for _, segment in segments]
    text = _join(parts)
    offsets = [len(_join(parts[:i])) for i in range(len(parts))]
    segment_ends = {len(_join(parts[: i + 1])) for i in range(len(parts))}
    segment_starts = set(offsets)

    spans, unclosed = _scan_brackets(text)
    # (open index, end exclusive, closed, after a sentence): brackets that end a line or the
    # item, and brackets right after a sentence (「…。（市商务局、市财政局）下一句…」).
    candidates: list[tuple[int, int, bool | None, bool]] = []
    for start, close in spans:
        after = close + 1
        while after < len(text) and text[after] in "。；;，,.":
            after += 1
        after_sentence = start in segment_starts or text[start - 1] in "。；;！？!?"
        if after in segment_ends or after == len(text) or after_sentence:
            candidates.append((start, close + 1, True, after_sentence))
    field_start = _field_start(text, segment_starts)
    if field_start is not None:
        candidates = [c for c in candidates if c[0] < field_start]
        if unclosed is not None and unclosed >= field_start:
            unclosed = None
    if unclosed is not None:
        warnings.append(
            ParseWarning(
                _line_at(segments, offsets, unclosed),
                "unclosed_bracket",
                "括号未闭合，请核对该项任务的责任单位",
                text[unclosed : unclosed + 40],
            )
        )
        candidates.append((unclosed, len(text), False, False))
    # A 「责任单位：…」 / 「完成时限：…」 field outside brackets runs to the end of the item;
    # it is read like a bracket's content (closed None marks it as not bracketed).
    fields = [(field_start, len(text), None, False)] if field_start is not None else []

    units = _Units()
    removed: list[tuple[int, int]] = []
    for number, (start, stop, closed, after_sentence) in enumerate([*candidates, *fields]):
        if closed is None:
            content = text[start:stop]
        else:
            content = text[start + 1 : stop - 1 if closed else stop]
        parsed = _parse_unit_list(content, resolve)
        line = _line_at(segments, offsets, start)
        is_last = number == len(candidates) - 1 and text[stop:].strip("。；;，,. ") == ""
        unit_like = parsed.pending and all(map(_looks_like_unit, parsed.pending))
        if parsed.deadline and not units.deadline:
            units.deadline = parsed.deadline
        if not parsed.recognised and not ((is_last or after_sentence) and unit_like):
            if closed and any(map(_looks_like_unit, parsed.pending)):
                warnings.append(
                    ParseWarning(
                        line,
                        "dropped_bracket",
                        "括号中像是单位名称，但未能读作责任单位，已留在正文中，请核对",
                        content[:40],
                    )
                )
            continue
        removed.append((start, stop))
        units.has_bracket = True
        if parsed.rule and not units.rule:
            units.rule, units.rule_line = parsed.rule, line
        for code, message, fragment in parsed.problems:
            warnings.append(ParseWarning(line, code, message, fragment))
        entries = list(parsed.entries)
        if parsed.pending:
            word = parsed.unknown_word
            if word:
                warnings.append(
                    ParseWarning(
                        line,
                        "unknown_role",
                        f"无法识别的分工角色“{word}”，相关单位暂列为共同负责",
                        content,
                    )
                )
            else:
                units.open_warnings.append(
                    ParseWarning(
                        line,
                        "unknown_role",
                        "未写明分工角色（牵头/配合/负责），相关单位暂列为共同负责",
                        content,
                    )
                )
            entries.extend((SHARED if word else OPEN, name) for name in parsed.pending)
        cut_off = closed is False or (closed is None and last_item)
        for index, (role, name) in enumerate(entries):
            why = _unreadable(name, cut_off=cut_off and index == len(entries) - 1)
            if why:
                warnings.append(
                    ParseWarning(line, "unreadable_unit", f"“{name}”{why}，未列为责任单位", name)
                )
                continue
            resolved = _resolved(name, resolve, line, warnings)
            units.add(role, resolved)
            if parsed.notes.get(name):
                units.notes.setdefault(resolved, parsed.notes[name])
        for name in parsed.standing:
            standing.append(
                StandingUnit(
                    _resolved(name, resolve, line, warnings), SHARED, item.path, content, line
                )
            )

    body = text
    for start, stop in reversed(removed):
        body = body[:start] + body[stop:]
    # 「责任分解中，列第一位的责任单位为牵头单位或汇总单位」 in the text: a rule for the document.
    if not units.rule:
        for clause in _split_top(body, "。；;"):
            if _is_lead_rule(clause):
                units.rule, units.rule_in_text = clause.strip("，, "), True
                units.rule_line = item.line
                break
    first_len = len(parts[0]) - sum(
        min(stop, len(parts[0])) - start for start, stop in removed if start < len(parts[0])
    )
    title, rest = _title_and_body(body, first_len, item.bold)
    in_goals = in_goals and not units.has_bracket
    requirements = () if in_goals else _requirements(f"{title}。{rest}")
    task = ParsedTask(
        path=item.path,
        label=item.label,
        title=title,
        text=rest,
        lead=tuple(units.lead),
        support=tuple(units.support),
        shared=tuple(units.shared),
        requirements=requirements,
        order=order,
        notes=tuple(units.notes.items()),
        # A 完成时限 field wins; else the deadline phrases the task's own text gives.
        deadline=units.deadline or (_deadline_in_text(rest) if not in_goals else ""),
    )
    return task, units


def _field_start(text: str, segment_starts: set[int]) -> int | None:
    """Where a 「责任单位：」-style field begins outside brackets: at the start of a line or
    after a sentence, never inside a sentence (「明确责任单位：…」 stays text)."""
    depth = 0
    depths = []
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        depths.append(depth)
    for match in _FIELD_LABEL_RE.finditer(text):
        start = match.start()
        before = text[start - 1] if start else ""
        opened = depths[start - 1] if start else 0
        if opened == 0 and (start in segment_starts or before in "。；;！!？? "):
            return start
    return None


def _resolved(name: str, resolve: Resolver | None, line: int, warnings: list[ParseWarning]) -> str:
    if resolve is None:
        return name
    full = resolve(name)
    if full:
        return full
    warnings.append(
        ParseWarning(line, "unknown_unit", f"未能在单位名录中找到“{name}”，已按原文保留", name)
    )
    return name


# --------------------------------------------------------------------------- deadlines

# A deadline phrase in a task's own text: 2022年10月底前, 10月15日前, 2023年底前, 年底前, 上半年.
_DEADLINE_IN_TEXT_RE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月(?:底|末|\d{1,2}日)?|年底|年末|上半年|下半年|"
    r"第?[一二三四1-4]季度(?:末)?)(?:前|以前|之前)"
)
_DATE_PART_RE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:"
    r"(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|底|末|上旬|中旬|下旬)?"
    r"|(?P<year_end>年?底|年?末|年内)"
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<quarter>[一二三四1-4])季度末?"
    r"|(?=前|以前|之前)"  # 「2025年前」: the year alone
    r")"
)


def deadline_date(words: str, year: int | None) -> dt.date | None:
    """The date a 完成时限 gives: the latest one it names, ``year`` standing for a missing year.

    「2022年10月底前」 → 2022-10-31, 「年底前」 → ``year``-12-31, 「2022年6月15日前」 → 2022-06-15,
    「上半年」 → 06-30, 「三季度」 → 09-30, 「2023年前」 → 2023-12-31; 「长期坚持」, 「持续推进」,
    「每季度」 and words without a date give None (the words are kept as written)."""
    found: list[dt.date] = []
    for match in _DATE_PART_RE.finditer(words):
        written_year = match.group("year")
        the_year = int(written_year) if written_year else year
        if the_year is None:
            continue
        if match.group("month"):
            month = int(match.group("month"))
            if not 1 <= month <= 12:
                continue
            last = calendar.monthrange(the_year, month)[1]
            day = int(match.group("day")) if match.group("day") else last
            found.append(dt.date(the_year, month, min(day, last)))
        elif match.group("half"):
            found.append(
                dt.date(the_year, 6, 30)
                if match.group("half") == "上半年"
                else dt.date(the_year, 12, 31)
            )
        elif match.group("quarter"):
            quarter = "一二三四".find(match.group("quarter")) + 1 or int(match.group("quarter"))
            month = quarter * 3
            found.append(dt.date(the_year, month, calendar.monthrange(the_year, month)[1]))
        elif match.group("year_end") or (written_year and match.group(0)):
            found.append(dt.date(the_year, 12, 31))
    return max(found) if found else None


def _deadline_in_text(text: str) -> str:
    """The deadline phrases of a task's own text (「2022年10月底前编制…」), joined by 、."""
    return "、".join(dict.fromkeys(m.group(0) for m in _DEADLINE_IN_TEXT_RE.finditer(text)))


# --------------------------------------------------------------------------- script and layout


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


# A pronunciation gloss a web copy put after a character: 「發(fā)」, 「區(qū)」 (tone marks make it
# pinyin, not an English gloss such as 「(PPP)」).
_TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS_RE = re.compile(
    rf"(?<=[\u4e00-\u9fff])[（(](?=[a-zü]*[{_TONE_MARKED}])[a-zü{_TONE_MARKED}]{{1,6}}[）)]"
)


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters (OpenCC's Traditional → Simplified tables, offline).

    Simplified text comes back unchanged, so the seed documents read exactly as before.
    """
    return _converter().convert(text) if text else text


def _drop_running_heads(lines: list[_Line]) -> list[_Line]:
    """Blank a running page header or footer (the same short line three times or more) inside
    the body; before the first numbered item it may be the document's own title, and stays."""
    counts: dict[str, int] = {}
    for line in lines:
        if line.text:
            counts[line.text] = counts.get(line.text, 0) + 1
    body = next((i for i, line in enumerate(lines) if _parse_label(line.text)), len(lines))
    result = []
    for index, line in enumerate(lines):
        text = line.text
        repeated = (
            counts.get(text, 0) >= 3
            and len(text) <= 40
            and _parse_label(text) is None
            and not re.search("[。；;]", text)
            # 「牵头单位:区发改局」 heads the units of every task it leads: content, not furniture
            and not _FIELD_LABEL_RE.match(text.translate(_PUNCT_TO_FULL))
        )
        if repeated and index > body:
            line = _Line(line.no, "", None, False)
        result.append(line)
    return result


# --------------------------------------------------------------------------- entry point


def parse_plan(text: str, *, resolve: Resolver | None = None) -> ParsedPlan:
    """Parse a policy document into its task-division table.

    ``resolve`` maps a normalised written unit name (「市商务局」) to the registry's full name, or
    returns None; unresolved names are kept as written and reported as ``unknown_unit``.
    """
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    warnings: list[ParseWarning] = []
    simplified = [to_simplified(raw) for raw in raw_lines]
    converted = next(
        (no for no, (a, b) in enumerate(zip(raw_lines, simplified, strict=True), 1) if a != b), 0
    )
    if converted:
        warnings.append(
            ParseWarning(
                converted,
                "traditional_script",
                "文本含繁体字，已转换为简体后识别和保存",
                raw_lines[converted - 1][:40],
            )
        )
    glossed = next((no for no, raw in enumerate(simplified, 1) if _PINYIN_GLOSS_RE.search(raw)), 0)
    if glossed:
        warnings.append(
            ParseWarning(
                glossed,
                "pinyin_gloss",
                "文本中夹有拼音注音（如“发(fā)”），已去掉后识别",
                simplified[glossed - 1][:40],
            )
        )
        simplified = [_PINYIN_GLOSS_RE.sub("", raw) for raw in simplified]
    lines = _drop_running_heads(
        [_clean_line(no, raw) for no, raw in enumerate(simplified, start=1)]
    )

    styles = {i: label.style for i, ln in enumerate(lines) if (label := _parse_label(ln.text))}
    labelled = list(styles)
    sections = [i for i, style in styles.items() if style == "cn"]
    start = sections[0] if sections else (labelled[0] if labelled else len(lines))
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].rule or _STOP_RE.match(lines[i].text) or _DATE_RE.match(lines[i].text)
        ),
        len(lines),
    )
    preamble = lines[:start]
    # The 文号 stands on a line of its own; numbers cited in sentences are other documents'.
    document_number = next(
        (m.group(0) for ln in preamble if (m := _DOCNO_RE.fullmatch(ln.text.strip("　 ")))), ""
    )

    items = _collect_items(lines, start, end, warnings)

    # The tree by position: —— bullets repeat their label, so a path names no single item.
    parents = _parents([item.path for item in items])
    # The goals: a section whose heading speaks of 目标 (一、工作目标), or an item at any level
    # headed 发展目标 / 主要目标 / 工作目标 … (（二）发展目标。到2022年…).
    goal_roots = {
        index
        for index, it in enumerate(items)
        if (len(it.path) == 1 and "目标" in it.segments[0][1][:12])
        or _GOAL_HEADING_RE.match(re.split("[。：:，,]", it.bold or it.segments[0][1])[0])
    }
    in_goals = [
        any(i in goal_roots for i in _lineage(parents, index)) for index in range(len(items))
    ]
    standing: list[StandingUnit] = []
    carriers: list[int] = []  # the index of the item each standing unit is written in
    built: list[tuple[ParsedTask, _Units]] = []
    for index, item in enumerate(items):
        last_item = index == len(items) - 1
        built.append(
            _build_task(item, index + 1, resolve, warnings, standing, in_goals[index], last_item)
        )
        carriers += [index] * (len(standing) - len(carriers))
    if items and not built[-1][1].has_bracket:
        _warn_if_cut_off(items[-1], warnings)

    # The document's rule for who leads: stated before the tasks it reaches every task; stated
    # in a task's units it reaches that task, and every later one when it says 下同, until
    # another rule replaces it.
    rule = next(
        (
            (clause.strip("，, "), ln.no)
            for ln in preamble
            for clause in _split_top(ln.text, "。；;")
            if _is_lead_rule(clause)
        ),
        ("", 0),
    )
    sections = [_lineage(parents, index)[-1] for index in range(len(items))]
    tasks: list[ParsedTask] = []
    for index, (task, units) in enumerate(built):
        own = (units.rule, units.rule_line) if units.rule else None
        if own and (units.rule_in_text or _SAME_BELOW_RE.search(units.rule)):
            rule = own
        task = _apply_lead_rule(task, units, own or rule, warnings)
        extra = [
            s.name
            for s, carrier in zip(standing, carriers, strict=True)
            if units.has_bracket
            and sections[carrier] == sections[index]
            and carrier <= index
            and s.name not in task.units
        ]
        if extra:
            task = replace(task, shared=tuple(dict.fromkeys(task.shared + tuple(extra))))
        tasks.append(task)

    goals: list[ParsedGoal] = []
    for index, task in enumerate(tasks):
        # An item with its own units is a task even inside the goals section.
        if task.units or not in_goals[index]:
            continue
        heading = len(task.path) == 1 or _GOAL_HEADING_RE.match(task.title)
        goals.extend(_goals(task.text if heading else f"{task.title}。{task.text}"))

    return ParsedPlan(
        title=_title(preamble, lines),
        document_number=document_number,
        goals=goals,
        tasks=_without_prose_sections(tasks, parents, goal_roots),
        warnings=sorted(warnings, key=lambda w: w.line),
        issuing_units=_issuing_units(preamble),
        standing_units=standing,
    )


def _parents(paths: list[tuple[str, ...]]) -> list[int | None]:
    """The index of each item's parent: the last item before it one level up."""
    parents: list[int | None] = []
    latest: list[int] = []  # the latest item of each depth so far
    for index, path in enumerate(paths):
        del latest[len(path) - 1 :]
        parents.append(latest[-1] if latest else None)
        latest.append(index)
    return parents


def _lineage(parents: list[int | None], index: int) -> list[int]:
    """``index`` and the indexes of its ancestors, up to its top-level section (last)."""
    lineage = [index]
    while (parent := parents[lineage[-1]]) is not None:
        lineage.append(parent)
    return lineage


def _without_prose_sections(
    tasks: list[ParsedTask], parents: list[int | None], goal_roots: set[int]
) -> list[ParsedTask]:
    """The tasks without the prose sections that open the body (一、总体要求, 指导思想, 基本原则
    …): top-level items before the first one with items under it or units, with text but no
    units, no quota and no items of their own.  A goals section stays: it heads the goals read
    from it.  Without any top-level item with items or units (苍溪's ⑴⑵⑶) nothing is left out.
    ``order`` is counted again over what is left."""
    with_children = {parent for parent in parents if parent is not None}
    first = next(
        (
            index
            for index, task in enumerate(tasks)
            if parents[index] is None and (index in with_children or task.units)
        ),
        None,
    )
    if first is None:
        return tasks
    kept = [
        task
        for index, task in enumerate(tasks)
        if index > first
        or parents[index] is not None
        or index in with_children
        or index in goal_roots
        or task.units
        or task.requirements
        or not task.text
    ]
    return [replace(task, order=order) for order, task in enumerate(kept, start=1)]


def _apply_lead_rule(
    task: ParsedTask, units: _Units, rule: tuple[str, int], warnings: list[ParseWarning]
) -> ParsedTask:
    """Give the units the document left open (:data:`OPEN`) their roles: under a rule that the
    first listed leads, the first leads and the others support; one unit alone leads; several
    without a rule (or under 「排名不分先后」) share, and a role-less list is warned."""
    if not units.open:
        return task
    words, line = rule
    if not task.lead and words and _FIRST_LEADS_RE.search(words):
        support = tuple(dict.fromkeys(task.support + tuple(units.open[1:])))
        return replace(
            task,
            lead=(units.open[0],),
            support=support,
            lead_rule=words,
            lead_rule_line=line,
        )
    if not task.lead and len(units.open) == 1:
        return replace(task, lead=(units.open[0],))
    warnings.extend(units.open_warnings)
    return replace(task, shared=tuple(dict.fromkeys(task.shared + tuple(units.open))))


def _warn_if_cut_off(item: _Item, warnings: list[ParseWarning]) -> None:
    """The document's last item, which has no units, stops mid-sentence (a copy or a page cut
    off): say so, since its units are lost.  A heading (「二、主要任务」) is not cut off."""
    no, last = item.segments[-1]
    text = _item_text(item)
    if not last or _ends_with(last, "。！？!?；;…" + _CLOSE) or _scan_brackets(text)[1] is not None:
        return  # an unclosed bracket has its own warning
    open_quote = text.count("“") > text.count("”")
    if open_quote or re.search("[，,、：:；;。]", text):
        warnings.append(
            ParseWarning(
                no,
                "cut_off",
                "文本在此中断，该项任务可能不完整，其责任单位未能读取",
                last[-40:],
            )
        )
