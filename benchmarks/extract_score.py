"""Score ``ntm extract`` on the test corpora, document by document, and time it on a long
document (``make score``).

For each document of ``tests/data/extract_corpus`` and ``tests/data/extract_holdout``
(the second written without looking at the extractor): the gaps worked out by hand, those
read, recall, extra gaps, deadlines that agree, misses the uncertainty report does not
name, criteria said met but read as gaps, and the time. Then a document of about 100
pages (the corpus documents one after another, each with its communes renamed, so that
nothing repeats) is read and timed against a baseline measured in the same run: cutting
the same text into clean lines (reading it), which every reading has to do anyway; half
the document is timed too, to show the time grows in proportion to the length.
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ntm_analysis.extract import extract_text  # noqa: E402
from ntm_analysis.extract.document import lines_from_text, read_document  # noqa: E402
from ntm_analysis.extract.score import score_corpus  # noqa: E402

CORPORA = [ROOT / "tests" / "data" / d for d in ("extract_corpus", "extract_holdout", "extract_holdout2", "extract_holdout3")]
PAGE = 3000  # characters on a printed page of a plan, roughly


def table(folder: Path) -> tuple[int, int, int, int, int]:
    print(f"\n{folder.relative_to(ROOT)}")
    print(f"{'tệp':52} {'cần':>4} {'đọc':>4} {'tỷ lệ':>6} {'thừa':>5} {'hạn đúng':>9} {'sót không báo':>14} {'ms':>6}")
    totals = [0, 0, 0, 0, 0]
    for s in score_corpus(folder):
        print(f"{s.file[:52]:52} {s.expected:4} {s.found:4} {s.recall:6.0%} {s.extra:5} "
              f"{s.due_agree:4}/{s.found:<4} {len(s.unreported):14} {s.seconds * 1000:6.0f}")
        for g in s.missed:
            print(f"    sót: dòng {g['line']} {g['commune']} tiêu chí {g['criterion_code']} « {g.get('mention', '')} »")
        for commune, code, line in s.extras:
            print(f"    thừa: dòng {line} {commune} tiêu chí {code}")
        for commune, code in s.met_as_gap:
            print(f"    đã đạt mà đọc thành còn thiếu: {commune} tiêu chí {code}")
        for i, v in enumerate((s.expected, s.found, s.extra, s.due_agree, len(s.unreported))):
            totals[i] += v
    expected, found, extra, due, unreported = totals
    print(f"{'cộng':52} {expected:4} {found:4} {found / expected:6.0%} {extra:5} {due:4}/{found:<4} {unreported:14}")
    return tuple(totals)


def long_document(pages: int) -> str:
    """``pages`` pages of text: the corpus's text documents in turn, communes renamed."""
    texts = [p.read_text(encoding="utf-8") for folder in CORPORA for p in sorted(folder.glob("*"))
             if p.suffix in (".txt", ".md") and p.name != "README.md"]
    parts, size, n = [], 0, 0
    while size < pages * PAGE:
        text = texts[n % len(texts)]
        text = re.sub(r"([Xx]ã) ([A-ZĐÂÊÔƠƯ][^\s,.:;()]*)", lambda m: f"{m.group(1)} {m.group(2)}{n}", text)
        parts.append(text)
        size += len(text)
        n += 1
    return "\n\n".join(parts)


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def speed() -> None:
    print("\nTốc độ (tốt nhất của 3 lần):")
    extract_text("KẾ HOẠCH năm 2024\nXã A còn thiếu tiêu chí Y tế.")  # catalogues and patterns loaded once
    for pages in (50, 100, 200):
        text = long_document(pages)
        base = best(lambda: lines_from_text(text))
        took = best(lambda: extract_text(text, "nang_cao_2021_2025"), repeat=2)
        gaps = len(extract_text(text, "nang_cao_2021_2025").gaps)
        print(f"  {pages:3} trang ({len(text):,} ký tự, {text.count(chr(10)):,} dòng): {took:.2f} s, "
              f"{gaps} tiêu chí còn thiếu; chỉ cắt dòng: {base:.3f} s; tỷ số {took / base:.0f}×")


def main() -> int:
    for folder in CORPORA:
        table(folder)
    doc = read_document(CORPORA[0] / "01_thanh_lam_ke_hoach_nang_cao_2024.txt")
    assert doc  # the corpus is there
    speed()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
