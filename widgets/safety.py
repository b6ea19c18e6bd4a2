"""Safety on the phone: the plain logic behind the safety simulators.

- Scam stories as scene graphs (`Story`, `Scene`, `Ending`) and their checks: every choice leads
  to a scene, every path ends, every ending is labelled safe or unsafe (`story_problems`).
- Password and PIN strength with concrete reasons (`password_report`, `pin_report`).
- Two-step verification: the SMS code and checking what the learner typed (`new_code`,
  `code_problem`).

Reading web addresses is in `phishing`; the built-in scam stories are data in `scam_stories`.
No ipywidgets here. Learner-facing texts are Bahasa Indonesia and live in `MESSAGES`; learner
input is untrusted, so nothing here raises because of it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

MESSAGES = {
    # passwords and PINs
    "empty": "Ketik dulu kata sandi latihan.",
    "empty_pin": "Ketik dulu PIN latihan.",
    "too_long": "Terlalu panjang. Paling banyak {limit} karakter untuk latihan ini.",
    "pin_digits": "PIN hanya berisi angka 0 sampai 9.",
    "pin_length": "PIN latihan ini harus {length} angka. Anda menulis {count} angka.",
    "short": "Terlalu pendek: hanya {count} karakter. Buat paling sedikit 12, misalnya tiga kata.",
    "medium": "Panjangnya {count} karakter. Lumayan, tetapi 12 atau lebih jauh lebih kuat.",
    "long": "Panjang: {count} karakter. Bagus!",
    "common": "Memakai kata sandi pasaran “{part}”. Penjahat mencobanya paling dulu.",
    "common_pin": "“{part}” adalah PIN pasaran. Penjahat mencobanya paling dulu.",
    "sequence": "Ada urutan “{part}”. Urutan seperti ini mudah ditebak.",
    "repeat": "Ada yang diulang-ulang: “{part}”. Pola ini mudah ditebak.",
    "few_digits": "Hanya memakai {count} macam angka. Pola ini mudah ditebak.",
    "year": "Ada angka tahun “{part}”. Tahun lahir mudah ditebak orang lain.",
    "date": "“{part}” mirip tanggal lahir. Tanggal lahir mudah ditebak orang lain.",
    "name": "Memakai nama “{part}”. Nama toko atau nama orang mudah ditebak.",
    "no_pattern": "Tidak ada kata pasaran, urutan, tanggal, atau nama toko. Bagus!",
    "pin_ok": "Tidak ada urutan, pola berulang, atau tanggal. Sulit ditebak. Bagus!",
    # two-step codes
    "code_empty": "Ketik dulu kode dari SMS.",
    "code_digits": "Kode hanya berisi angka. Lihat lagi SMS di atas.",
    "code_wrong": "Kode tidak cocok. Lihat lagi SMS di atas, lalu ketik keenam angkanya.",
}

# --------------------------------------------------------------------------------------------
# Scam stories: scene graphs
# --------------------------------------------------------------------------------------------
SCREENS = ("chat", "call", "web", "install")
OUTCOME_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
ALL_SAFE = "all-safe"


@dataclass(frozen=True)
class Choice:
    label: str
    to: str


@dataclass(frozen=True)
class Scene:
    """One screen of the phone: a chat, a call, a web page or an install prompt.

    `sender` is the chat partner, the caller, the page's address or the app's name; `lines` are
    chat bubbles, what the caller says, or the page's text. A chat may carry a `file` (its name)
    or a `link` (title, address); any screen may show an incoming `sms` (sender, text).
    """

    screen: str
    sender: str
    lines: tuple[str, ...]
    choices: tuple[Choice, ...]
    file: str = ""
    link: tuple[str, str] | None = None
    sms: tuple[str, str] | None = None


@dataclass(frozen=True)
class Ending:
    """Where a path stops. Its scene id is the simulator's outcome."""

    safe: bool
    happened: str  # what the learner's choice led to
    safe_action: str  # what to do in real life


@dataclass(frozen=True)
class Story:
    """A scam scenario: `scenes` maps scene ids to scenes and endings; play starts at `start`."""

    id: str
    title: str  # shown in the phone's inbox
    notice: str  # the notification's first words
    start: str
    scenes: dict[str, Scene | Ending] = field(hash=False)

    def endings(self) -> dict[str, Ending]:
        return {k: v for k, v in self.scenes.items() if isinstance(v, Ending)}


def story_problems(story: Story) -> list[str]:
    """Everything wrong with a story's graph, in plain English for the developer; [] if sound."""
    problems = []
    if story.start not in story.scenes:
        return [f"{story.id}: start scene {story.start!r} does not exist"]
    for scene_id, scene in story.scenes.items():
        if isinstance(scene, Ending):
            if not OUTCOME_ID.fullmatch(scene_id):
                problems.append(f"{story.id}: ending id {scene_id!r} is not a short outcome id")
            if not isinstance(scene.safe, bool):
                problems.append(f"{story.id}: ending {scene_id!r} is not labelled safe or unsafe")
            if not scene.happened or not scene.safe_action:
                problems.append(f"{story.id}: ending {scene_id!r} needs its texts")
            continue
        if scene.screen not in SCREENS:
            problems.append(f"{story.id}: scene {scene_id!r} has unknown screen {scene.screen!r}")
        if not scene.choices:
            problems.append(f"{story.id}: scene {scene_id!r} has no choices and is no ending")
        for choice in scene.choices:
            if choice.to not in story.scenes:
                problems.append(f"{story.id}: {scene_id!r} leads to unknown {choice.to!r}")
    if problems:
        return problems
    reachable, cycle = _walk(story)
    if cycle:
        problems.append(f"{story.id}: a path never ends, it loops through {cycle!r}")
    for scene_id in story.scenes:
        if scene_id not in reachable:
            problems.append(f"{story.id}: scene {scene_id!r} cannot be reached")
    kinds = {e.safe for k, e in story.endings().items() if k in reachable}
    if kinds != {True, False}:
        problems.append(f"{story.id}: needs at least one safe and one unsafe ending")
    return problems


def _walk(story: Story) -> tuple[set[str], str | None]:
    """Scenes reachable from the start, and a scene on a loop if there is one."""
    reachable: set[str] = set()
    on_path: set[str] = set()
    cycle = None

    def visit(scene_id: str) -> None:
        nonlocal cycle
        if scene_id in on_path:
            cycle = cycle or scene_id
            return
        if scene_id in reachable:
            return
        reachable.add(scene_id)
        scene = story.scenes[scene_id]
        if isinstance(scene, Scene):
            on_path.add(scene_id)
            for choice in scene.choices:
                visit(choice.to)
            on_path.discard(scene_id)

    visit(story.start)
    return reachable, cycle


def paths(story: Story) -> list[list[str]]:
    """Every path through a sound story, from the start to an ending, as scene ids."""
    found = []

    def extend(path: list[str]) -> None:
        scene = story.scenes[path[-1]]
        if isinstance(scene, Ending):
            found.append(path)
            return
        for choice in scene.choices:
            extend([*path, choice.to])

    extend([story.start])
    return found


def stories_problems(stories: list[Story]) -> list[str]:
    """Problems of each story, plus outcome ids shared between stories played together."""
    problems = [p for story in stories for p in story_problems(story)]
    seen: dict[str, str] = {}
    for story in stories:
        for ending in story.endings():
            if ending == ALL_SAFE:
                problems.append(f"{story.id}: {ALL_SAFE!r} is reserved")
            if ending in seen and seen[ending] != story.id:
                problems.append(f"{story.id}: ending {ending!r} is also in {seen[ending]}")
            seen[ending] = story.id
    ids = [s.id for s in stories]
    if len(set(ids)) != len(ids):
        problems.append("a story is used twice")
    return problems


def combined_outcome(stories: list[Story], reached: dict[str, str]) -> str:
    """One outcome for several stories played in turn: the first unsafe ending (in the order the
    stories are listed), or `ALL_SAFE` when every ending reached was safe. `reached` maps each
    story's id to the ending the learner reached in it."""
    for story in stories:
        ending = story.scenes.get(reached.get(story.id, ""))
        if not isinstance(ending, Ending):
            raise ValueError(f"story {story.id!r} has not reached an ending")
        if not ending.safe:
            return reached[story.id]
    return ALL_SAFE


# --------------------------------------------------------------------------------------------
# Passwords and PINs
# --------------------------------------------------------------------------------------------
MAX_PASSWORD = 64
STRONG_LENGTH = 12
MIN_LENGTH = 8
LEVELS = ("lemah", "sedang", "kuat")  # weak, fair, strong

# Passwords people pick most (lower case, after undoing 0→o and the like)
COMMON_PASSWORDS = frozenset(
    """
    123456 1234567 12345678 123456789 1234567890 12345 111111 000000 654321 123123 112233
    121212 666666 888888 password qwerty qwertyuiop asdfgh abc123 admin administrator
    iloveyou sayang sayangku cinta bismillah alhamdulillah indonesia jakarta merdeka rahasia
    katasandi sandi welcome login masuk doraemon garuda sukses bunda ayah mama papa
    """.split()
)
COMMON_PINS = frozenset(
    """
    123456 654321 111111 000000 222222 333333 444444 555555 666666 777777 888888 999999
    112233 123123 121212 101010 147258 159753 789456 456789 987654 012345 135790 246810
    """.split()
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_YEAR = re.compile(r"(?<!\d)(19[3-9]\d|20[0-4]\d)")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})(?!\d)")


@dataclass(frozen=True)
class Reason:
    good: bool
    text: str


@dataclass(frozen=True)
class StrengthReport:
    """`level` is one of `LEVELS`, or None when the input cannot be judged (then `reasons` says
    why). Reasons quote at most short parts of the input, never all of it."""

    level: str | None
    reasons: tuple[Reason, ...]

    @property
    def strong(self) -> bool:
        return self.level == "kuat"


def _bad(key: str, **kw) -> Reason:
    return Reason(False, MESSAGES[key].format(**kw))


def _good(key: str, **kw) -> Reason:
    return Reason(True, MESSAGES[key].format(**kw))


def _sequence(text: str, least: int = 4) -> str:
    """The first run of `least`+ characters in alphabet or keyboard order (either way)."""
    low = text.lower()
    for start in range(len(low) - least + 1):
        piece = low[start : start + least]
        for run in _RUNS:
            if piece in run or piece in run[::-1]:
                end = start + least
                while end < len(low) and (
                    low[start : end + 1] in run or low[start : end + 1] in run[::-1]
                ):
                    end += 1
                return text[start:end]
    return ""


def _repeat(text: str) -> str:
    """Three of the same character in a row, or the whole text made of one repeated chunk."""
    match = re.search(r"(.)\1\1+", text)
    if match:
        return match.group(0)
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text
    return ""


def _looks_like_date(digits: str) -> str:
    """A run of 6 or 8 digits read as day-month-year (DDMMYY, DDMMYYYY) or year first."""
    for match in re.finditer(r"(?<!\d)(\d{8}|\d{6})(?!\d)", digits):
        run = match.group(0)
        day, month = int(run[:2]), int(run[2:4])
        if 1 <= day <= 31 and 1 <= month <= 12 and (len(run) == 6 or _YEAR.fullmatch(run[4:])):
            return run
        if len(run) == 8 and _YEAR.fullmatch(run[:4]):
            month, day = int(run[4:6]), int(run[6:])
            if 1 <= day <= 31 and 1 <= month <= 12:
                return run
    return ""


def _strip_ends(text: str) -> str:
    """A word without the digits and signs around it: "sayang123!" -> "sayang"."""
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", text)


def _guessable_names(shop_name: str, names: tuple[str, ...]) -> list[str]:
    words = []
    for name in (shop_name, *names):
        letters = re.findall(r"[a-z]+", (name or "").lower())
        words += [w for w in letters if len(w) >= 4]
        if len(letters) > 1:
            words.append("".join(letters))
    return sorted(set(words), key=len, reverse=True)


def password_report(
    password: object, shop_name: str = "", names: tuple[str, ...] = ()
) -> StrengthReport:
    """How strong a practice password is, with reasons a learner understands.

    Weak: shorter than 8 characters, or any guessable pattern (a common password, a run like
    1234 or qwer, a repeated character or chunk, a year or a date, the shop's name or one of
    `names`). Strong: 12 characters or more and no such pattern. Fair: the rest.
    """
    if not isinstance(password, str) or not password.strip():
        return StrengthReport(None, (Reason(False, MESSAGES["empty"]),))
    if len(password) > MAX_PASSWORD:
        return StrengthReport(None, (_bad("too_long", limit=MAX_PASSWORD),))
    count = len(password)
    reasons = []
    if count < MIN_LENGTH:
        reasons.append(_bad("short", count=count))
    elif count < STRONG_LENGTH:
        reasons.append(_bad("medium", count=count))
    else:
        reasons.append(_good("long", count=count))

    patterns = []
    lower = password.lower()
    leet = lower.translate(_LEET)  # "p@ssw0rd" -> "password"
    candidates = [
        lower,
        _strip_ends(lower),
        re.sub(r"[^a-z0-9]", "", lower),
        leet,
        _strip_ends(leet),
    ]
    if common := next((c for c in candidates if c in COMMON_PASSWORDS), ""):
        patterns.append(_bad("common", part=common))
    if run := _sequence(password):
        patterns.append(_bad("sequence", part=run))
    if repeated := _repeat(password):
        patterns.append(_bad("repeat", part=repeated))
    digits_only = re.sub(r"\D", " ", password)
    if date := (_DATE.search(password) or _looks_like_date(digits_only)):
        patterns.append(_bad("date", part=date if isinstance(date, str) else date.group(0)))
    elif year := _YEAR.search(password):
        patterns.append(_bad("year", part=year.group(0)))
    letters = re.sub(r"[^a-z]", "", leet)
    for word in _guessable_names(shop_name, names):
        if word in re.sub(r"[^a-z]", "", lower) or word in letters:
            patterns.append(_bad("name", part=word))
            break
    if not patterns:
        patterns.append(_good("no_pattern"))
    reasons += patterns

    if count < MIN_LENGTH or any(not r.good for r in patterns):
        level = "lemah"
    elif count < STRONG_LENGTH:
        level = "sedang"
    else:
        level = "kuat"
    return StrengthReport(level, tuple(reasons))


def pin_report(pin: object, length: int = 6) -> StrengthReport:
    """How hard a practice PIN of `length` digits is to guess: weak when it is a common PIN, a
    run (123456, 987654), repeats (111111, 121212, 112233), uses two kinds of digit or fewer,
    or looks like a date or holds a year; strong otherwise."""
    if not isinstance(pin, str) or not pin.strip():
        return StrengthReport(None, (Reason(False, MESSAGES["empty_pin"]),))
    pin = re.sub(r"[\s.-]", "", pin)
    if len(pin) > MAX_PASSWORD:
        return StrengthReport(None, (_bad("too_long", limit=MAX_PASSWORD),))
    if not pin.isascii() or not pin.isdigit():
        return StrengthReport(None, (_bad("pin_digits"),))
    if len(pin) != length:
        return StrengthReport(None, (_bad("pin_length", length=length, count=len(pin)),))
    reasons = []
    if pin in COMMON_PINS:
        reasons.append(_bad("common_pin", part=pin))
    if run := _sequence(pin):
        reasons.append(_bad("sequence", part=run))
    pairs = len(pin) % 2 == 0 and all(pin[i] == pin[i + 1] for i in range(0, len(pin), 2))
    if repeated := (_repeat(pin) or (pin if pairs else "")):
        reasons.append(_bad("repeat", part=repeated))
    elif len(set(pin)) <= 2:
        reasons.append(_bad("few_digits", count=len(set(pin))))
    if reasons:  # a date reading of 111111 or 121212 would add nothing
        return StrengthReport("lemah", tuple(reasons))
    if date := _looks_like_date(pin):
        reasons.append(_bad("date", part=date))
    elif year := _YEAR.search(pin):
        reasons.append(_bad("year", part=year.group(0)))
    if reasons:
        return StrengthReport("lemah", tuple(reasons))
    return StrengthReport("kuat", (_good("pin_ok"),))


# --------------------------------------------------------------------------------------------
# Two-step verification
# --------------------------------------------------------------------------------------------
CODE_LENGTH = 6


def new_code(rng: random.Random | None = None) -> str:
    """A practice verification code of six digits."""
    return f"{(rng or random).randrange(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def spaced_code(code: str) -> str:
    """A code as an SMS shows it, in two groups of three: 482 913."""
    return f"{code[:3]} {code[3:]}"


def code_problem(typed: object, expected: str) -> str | None:
    """None when `typed` is the code (spaces and dashes allowed); otherwise what to tell the
    learner."""
    if not isinstance(typed, str) or not typed.strip():
        return MESSAGES["code_empty"]
    digits = re.sub(r"[\s.-]", "", typed)[:40]
    if not digits.isascii() or not digits.isdigit():
        return MESSAGES["code_digits"]
    return None if digits == expected else MESSAGES["code_wrong"]
