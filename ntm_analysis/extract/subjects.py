"""Which communes a sentence speaks of: those it names ("xã X", "xã X (Huyện)", "các xã X,
Y và Z", a name written again without "xã"), a collective statement's ("cả ba xã đều …"),
else the paragraph's, the heading's or lead line's, or the author's.

A mixin of :class:`~ntm_analysis.extract.mentions.MentionReader`: it keeps the names as
first written, the district written for each, the last group named together and the
communes named in the section.
"""
from __future__ import annotations

import bisect
import re

from ..core.names import commune_key
from .lexicon import COLLECTIVE, CommuneMention, find_communes, listed_names
from .patterns import count_value
from .sentence import Sentence

#: confidence of a gap read from a cue in its own clause, about a commune named there; of
#: one whose commune or polarity comes from the context; of one read from details only
SURE, LIKELY, WEAK = 0.9, 0.75, 0.6
#: between two communes of one group: ", ", " và ", "(District) "
#: a capitalised word (where a commune's name may start)
_WORD = re.compile(r"(?<!\w)\w+")
_RUN = r"\s*(?:,|va|\(|\))*\s*(?:(?:cac\s+)?xa\s+)?"


class CommuneContext:
    """The commune context of a reader (see the module's text)."""

    def _communes(self, sent: Sentence) -> list[CommuneMention]:
        found = find_communes(sent.text, sent.folded)
        spans = {(c.start, c.end) for c in found}
        found += [c for c in listed_names(sent.text, sent.folded) if (c.start, c.end) not in spans]
        found += self._known_names(sent, found)
        found.sort(key=lambda c: c.start)
        found = [self._remember(self._placed(sent, c)) for c in found]
        run: list[CommuneMention] = []
        for c in found:
            if run and not re.fullmatch(_RUN, sent.folded[run[-1].end:c.start]):
                if len(run) >= 2:
                    self._group = run
                run = []
            run.append(c)
        if len(run) >= 2:  # the last group named together
            self._group = run
        return found

    def _placed(self, sent: Sentence, c: CommuneMention) -> CommuneMention:
        """A commune without a district in parentheses takes the district named last
        before it in the sentence, if that is one of the document's districts."""
        if c.district or not self._district_names:
            return c
        best = (-1, "")
        for name in self._district_names:
            at = sent.text.rfind(name, max(0, c.start - 120), c.start)  # close before it
            if at > best[0]:
                best = (at, name)
        return CommuneMention(c.start, c.end, c.name, best[1]) if best[0] >= 0 else c

    def _known_names(self, sent: Sentence, found: list[CommuneMention]) -> list[CommuneMention]:
        """A commune named before, written again without "xã" ("Riêng Huổi Lóng còn thiếu …"):
        each capitalised word is looked up among the names' first words (no pass over every
        name for every sentence)."""
        out: list[CommuneMention] = []
        text = sent.text
        taken = bytearray(len(text) + 1)
        for c in found:
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        for m in _WORD.finditer(text):
            if not m.group(0)[:1].isupper():
                continue
            for name in self._by_first_word.get(m.group(0), ()):
                end = m.start() + len(name)
                if text.startswith(name, m.start()) and not text[end:end + 1].isalnum():
                    if taken.find(1, m.start(), end) < 0:
                        out.append(CommuneMention(m.start(), end, name, ""))
                        taken[m.start():end] = b"\x01" * (end - m.start())
                    break
        return out

    def _remember(self, c: CommuneMention) -> CommuneMention:
        key = commune_key(c.name)
        name = self._names.setdefault(key, c.name)
        if name == c.name and name not in self._by_first_word.get(name.split()[0], ()):
            names = self._by_first_word.setdefault(name.split()[0], [])
            names.append(name)
            names.sort(key=len, reverse=True)  # the longest name first
        if c.district:
            self.districts.setdefault(key, c.district)
        kept = CommuneMention(c.start, c.end, name, self.districts.get(key, c.district))
        self._recent.pop(key, None)
        self._recent[key] = kept  # the last named last
        return kept

    def _subjects(self, sent: Sentence, communes: list[CommuneMention], para_commune: list[CommuneMention],
                  at: int) -> tuple[list[CommuneMention], float]:
        """The communes a list at ``at`` is about, and how sure that is."""
        f = sent.folded
        before = communes[:bisect.bisect_right([c.end for c in communes], at)] if communes else []
        if before:
            back = [before[-1]]  # the run of communes ending at the nearest, gathered backwards
            for c in reversed(before[:-1]):
                if not re.fullmatch(_RUN, f[c.end:back[-1].start]):
                    break
                back.append(c)
            run = back[::-1]
            if len(run) > 1:  # "Xã A và xã B còn thiếu …", "hai xã A và B đều …": all of them
                return run, SURE
            return [before[-1]], SURE
        m = COLLECTIVE.search(f, max(0, at - 200), at)
        if m:
            return self._collective(sent, m)
        if para_commune:
            return [para_commune[-1]], LIKELY
        if self._block is not None:
            return [self._block], SURE
        if self.author:
            return [CommuneMention(0, 0, self.author, self.district)], LIKELY
        return [], 0

    def _collective(self, sent: Sentence, m: re.Match) -> tuple[list[CommuneMention], float]:
        """The communes of "cả ba xã trên", "toàn bộ 4 xã": the last group named together
        when its size agrees, else the last communes named one by one in the section."""
        stated = count_value(next((g for g in m.groups() if g), "") or "")
        if self._group and stated in (None, len(self._group)):
            return list(self._group), LIKELY
        if stated and len(self._recent) >= stated:
            chosen = list(self._recent.values())[-stated:]
            self._find(sent.line(m.start()), "group_inferred", sent.text,
                       f"'{sent.text[m.start():m.end()]}' đọc là {stated} xã nêu gần nhất: "
                       + ", ".join(c.name for c in chosen), "", "info")
            return list(chosen), LIKELY
        if self._group:
            self._find(sent.line(m.start()), "group_count", sent.text,
                       f"Câu nói {stated} xã nhưng nhóm xã nêu trước đó có {len(self._group)} xã "
                       f"({', '.join(c.name for c in self._group)})", "")
            return list(self._group), WEAK
        return [], 0

    # ------------------------------------------------------------- outcomes
