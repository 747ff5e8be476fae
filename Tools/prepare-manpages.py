#!/usr/bin/env python3
"""Build a long-document, single-label text classification data set from the installed Debian manual pages.

Each row is one English manual page from /usr/share/man/man{1,2,3,5,7,8} (the top-level section folders
only, not translations such as /usr/share/man/de); its label is the section number ("1", "2", "3", "5", "7"
or "8"). Only files named exactly `<name>.<section>` or `<name>.<section>.gz` (section = the folder's) are
used, so pages with a letter suffix after the digit (*.1p, *.1ssl, *.3perl, *.3pm, *.3ssl, ...) are skipped.

A page is rendered with `man --nh --nj -l -E UTF-8 FILE` (MANWIDTH=80, MAN_KEEP_FORMATTING unset; --nh/--nj
turn off hyphenation and justification so that words are not split across lines), backspace overstrikes
and escape sequences are stripped (as `col -bx` would), with a 10 s timeout; pages that fail to render
and `.so` redirects (the decompressed source's first line is `.so other`) are skipped and counted. The
text is the rendered page without its first and last non-blank lines (the header and footer, which repeat
the title and date), all whitespace collapsed to single spaces. Pages with between --min-words and
--max-words whitespace-separated words (inclusive) are kept.

Selection is deterministic: per section, the eligible file names are sorted, shuffled with
random.Random(seed), and rendered lazily in that order until --per-section pages pass the word filter
(or the section runs out). Identical texts are dropped (the first one kept, in the order sections
1, 2, 3, 5, 7, 8 and shuffled order within each); a duplicate does not count towards the section's quota.
The split is by page name without section (int(sha1(name).hexdigest()[:8], 16) % 5 == 0: dev, else
train), so e.g. printf.1 and printf.3 land in the same split.

    python3 Tools/prepare-manpages.py --output DIR [--per-section 400] [--min-words 100] \\
        [--max-words 1000] [--seed 0]

Writes DIR/train.tsv and DIR/dev.tsv (header `page<TAB>text<TAB>section`, page = file name without .gz,
e.g. `ls.1`; rows sorted by page) and DIR/README.txt (rules, Debian release, counts, lengths, skips).

Data: the manual pages carry their own licences (mostly free: GPL, BSD, the Linux man-pages project's
licence); they are used locally as a test corpus and not redistributed.
"""
import argparse
import collections
import gzip
import hashlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys

MAN_ROOT = "/usr/share/man"
SECTIONS = ("1", "2", "3", "5", "7", "8")
TIMEOUT_S = 10
OVERSTRIKE = re.compile(r"[^\n]\x08")
ESCAPES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def die(message):
    sys.exit(f"prepare-manpages: {message}")


def page_name(file_name):
    """`ls.1.gz` -> `ls.1` (the page column)."""
    return file_name[:-3] if file_name.endswith(".gz") else file_name


def split_of(file_name, section):
    """dev or train, by the sha1 of the page name without .gz and section suffix."""
    name = page_name(file_name)[: -(len(section) + 1)]
    return "dev" if int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) % 5 == 0 else "train"


def eligible_files(section):
    """File names in man<section> named exactly <name>.<section> or <name>.<section>.gz, and the count of others."""
    folder = os.path.join(MAN_ROOT, f"man{section}")
    if not os.path.isdir(folder):
        return [], 0
    pattern = re.compile(r"^.+\." + re.escape(section) + r"(\.gz)?$")
    names = sorted(os.listdir(folder))
    kept = [n for n in names if pattern.match(n)]
    return kept, len(names) - len(kept)


def is_so_redirect(path):
    """Whether the decompressed source's first line is a `.so other` request."""
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            first = f.readline(4096)
    except (OSError, EOFError):
        return False  # let man report the failure
    return first.lstrip().startswith(b".so ") or first.strip() == b".so"


def render(path, env):
    """Plain text of a page, or None when man fails, times out, or prints nothing."""
    try:
        proc = subprocess.run(["man", "--nh", "--nj", "-l", "-E", "UTF-8", path], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=TIMEOUT_S)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    text = proc.stdout.decode("utf-8", errors="replace")
    text = ESCAPES.sub("", text)
    while True:  # bold is c\bc, underline _\bc; nested overstrikes need repeated passes
        stripped = OVERSTRIKE.sub("", text)
        if stripped == text:
            break
        text = stripped
    return CONTROL.sub(" ", text.replace("\x08", ""))


def document_text(rendered):
    """Rendered page without its first and last non-blank lines, whitespace collapsed."""
    lines = rendered.splitlines()
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) < 3:
        return ""
    body = lines[nonblank[0] + 1: nonblank[-1]]
    return " ".join(" ".join(body).split())


def length_stats(counts):
    if not counts:
        return "no documents"
    return (f"mean {statistics.mean(counts):.1f}, median {statistics.median(counts):g}, "
            f"min {min(counts)}, max {max(counts)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="folder for train.tsv, dev.tsv and README.txt")
    parser.add_argument("--per-section", type=int, default=400, help="pages to keep per section")
    parser.add_argument("--min-words", type=int, default=100, help="fewest words a page's text may have")
    parser.add_argument("--max-words", type=int, default=1000, help="most words a page's text may have")
    parser.add_argument("--seed", type=int, default=0, help="seed of the per-section shuffle")
    args = parser.parse_args()
    if args.per_section < 1 or args.min_words < 0 or args.max_words < args.min_words:
        die("need --per-section >= 1 and 0 <= --min-words <= --max-words")
    if not shutil.which("man"):
        die("the man program is not installed (apt-get install man-db)")

    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    for var in ("MAN_KEEP_FORMATTING", "MANOPT", "MANROFFOPT", "GROFF_SGR"):
        env.pop(var, None)
    env["GROFF_NO_SGR"] = "1"

    rows = {"train": [], "dev": []}
    seen = set()
    skipped = collections.Counter()  # (reason, section) -> count
    for section in SECTIONS:
        files, other = eligible_files(section)
        skipped["other suffix", section] += other
        random.Random(args.seed).shuffle(files)
        found = 0
        for file_name in files:
            if found >= args.per_section:
                break
            path = os.path.join(MAN_ROOT, f"man{section}", file_name)
            if is_so_redirect(path):
                skipped[".so redirect", section] += 1
                continue
            rendered = render(path, env)
            if rendered is None:
                skipped["render failed", section] += 1
                continue
            text = document_text(rendered)
            words = len(text.split())
            if words < args.min_words:
                skipped["too short", section] += 1
                continue
            if words > args.max_words:
                skipped["too long", section] += 1
                continue
            if text in seen:
                skipped["duplicate text", section] += 1
                continue
            seen.add(text)
            found += 1
            rows[split_of(file_name, section)].append((page_name(file_name), text, section, words))
        print(f"prepare-manpages: man{section}: kept {found} of {len(files)} eligible files", file=sys.stderr)

    os.makedirs(args.output, exist_ok=True)
    for split, items in rows.items():
        items.sort(key=lambda r: (r[0], r[2]))
        with open(os.path.join(args.output, f"{split}.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("page\ttext\tsection\n")
            for page, text, section, _ in items:
                f.write(f"{page}\t{text}\t{section}\n")

    try:
        release = open("/etc/debian_version").read().strip()
    except OSError:
        release = "unknown"
    out = [
        "Debian manual pages: long-document single-label text classification (label = manual section)",
        "",
        f"Built by Tools/prepare-manpages.py --per-section {args.per_section} --min-words {args.min_words} "
        f"--max-words {args.max_words} --seed {args.seed}",
        f"from the manual pages installed on Debian {release} (/etc/debian_version).",
        "",
        "Rules:",
        f"- Source: English pages in {MAN_ROOT}/man{{1,2,3,5,7,8}} only (no translated folders). Label: the",
        "  section number as a string (1, 2, 3, 5, 7, 8).",
        "- Only files named exactly <name>.<section> or <name>.<section>.gz; pages whose suffix has letters",
        "  after the digit (*.1p, *.1ssl, *.3perl, *.3pm, *.3ssl, ...) are skipped.",
        "- Rendered with `man --nh --nj -l -E UTF-8 FILE` (MANWIDTH=80, MAN_KEEP_FORMATTING unset, no",
        "  hyphenation or justification), overstrikes stripped as by `col -bx`, 10 s timeout per page.",
        "  Failed renders and `.so` redirects (first source line `.so other`) are skipped.",
        "- Text: the rendered page without its first and last non-blank lines (header and footer),",
        "  whitespace collapsed to single spaces. Kept if it has between "
        f"{args.min_words} and {args.max_words} words (inclusive).",
        f"- Per section: file names sorted, shuffled with random.Random({args.seed}), rendered in that order",
        f"  until {args.per_section} pages pass the filters. Identical texts are dropped (first kept; a",
        "  duplicate does not count towards the quota).",
        "- Split by page name without section: int(sha1(name).hexdigest()[:8], 16) % 5 == 0 -> dev, else train.",
        "- Files: train.tsv, dev.tsv with header page<TAB>text<TAB>section (page = file name without .gz),",
        "  rows sorted by page.",
        "",
        "Documents per split and section:",
    ]
    header = "  split  " + "".join(f"{s:>6}" for s in SECTIONS) + "  total"
    out.append(header)
    for split, items in rows.items():
        per = collections.Counter(r[2] for r in items)
        out.append(f"  {split:<7}" + "".join(f"{per[s]:>6}" for s in SECTIONS) + f"  {len(items):>5}")
    out += ["", "Words per document:"]
    for split, items in rows.items():
        out.append(f"  {split}: {length_stats([r[3] for r in items])}")
    out += ["", "Skipped files (only those examined; the rest of a section is never rendered):"]
    reasons = ("other suffix", ".so redirect", "render failed", "too short", "too long", "duplicate text")
    out.append("  reason          " + "".join(f"{s:>6}" for s in SECTIONS))
    for reason in reasons:
        out.append(f"  {reason:<16}" + "".join(f"{skipped[reason, s]:>6}" for s in SECTIONS))
    out += [
        "",
        "Licence: manual pages carry their own licences (mostly free: GPL, BSD, the Linux man-pages",
        "project's licence). This data set is built and used locally as a test corpus; do not redistribute",
        "it without checking each page's licence.",
        "",
    ]
    with open(os.path.join(args.output, "README.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))

    for split, items in rows.items():
        per = collections.Counter(r[2] for r in items)
        by_section = " ".join(f"{s}:{per[s]}" for s in SECTIONS)
        print(f"prepare-manpages: {split}: {len(items)} docs ({by_section}); words "
              f"{length_stats([r[3] for r in items])}", file=sys.stderr)


if __name__ == "__main__":
    main()
