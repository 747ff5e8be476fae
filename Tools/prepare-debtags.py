#!/usr/bin/env python3
"""Build a multi-label text classification data set from Debian's package index (debtags).

Each row is one binary package of the base suite's main component (e.g. Debian 12 "bookworm", amd64):
its text is the short description + ". " + the English long description (from Translation-en, joined by
Package and Description-md5; paragraph markers dropped, whitespace collapsed); its labels are its debtags
of the facets `use::` (what the software is for) and `works-with::` (what it handles), restricted to the
20 such tags most frequent in the train split. The split is by source package (sha1 of the source name,
first 8 hex digits, mod 10: 0 dev, 1 test, else train), so sibling binaries never straddle splits; exact
duplicate texts are dropped within a split, and dev/test rows whose text is in train are dropped.

    python3 Tools/prepare-debtags.py --output ~/.cache/swiftbert/data/debtags [--lists /var/lib/apt/lists]

Without --lists it runs `apt-get update` with Dir::State::Lists=OUTPUT/lists (about 20 MB; needs root, or
at least permission to run apt-get update). Writes train/dev/test.tsv (package, text, tags joined by ","),
columns/{train,dev,test}.csv (package, text, one 0/1 column per label), labels.txt and README.txt.

Data: Debian's package metadata (Packages and Translation-en indices), freely redistributable as part of
the Debian archive. The tags come from the Debtags project (Enrico Zini, "A cute introduction to Debtags",
DebConf 5, 2005; https://wiki.debian.org/Debtags).
"""
import argparse
import bz2
import collections
import csv
import glob
import gzip
import hashlib
import io
import lzma
import os
import re
import shutil
import subprocess
import sys

NUM_LABELS = 20
FACETS = ("use::", "works-with::")
SPLITS = ("train", "dev", "test")
COMPRESSED = ("", ".xz", ".gz", ".bz2", ".lz4")


def die(message):
    sys.exit(f"prepare-debtags: {message}")


def read_text(path):
    """The decompressed text of an index file (plain, .xz, .gz, .bz2, or .lz4 through the lz4 tool)."""
    if path.endswith(".xz"):
        data = lzma.open(path).read()
    elif path.endswith(".gz"):
        data = gzip.open(path).read()
    elif path.endswith(".bz2"):
        data = bz2.open(path).read()
    elif path.endswith(".lz4"):
        tool = shutil.which("lz4") or shutil.which("lz4cat")
        if not tool:
            die(f"{path} is lz4-compressed and no lz4 tool is installed (apt-get install lz4)")
        data = subprocess.run([tool, "-dc", path], check=True, stdout=subprocess.PIPE).stdout
    else:
        data = open(path, "rb").read()
    return data.decode("utf-8", errors="replace")


def stanzas(text):
    """RFC-822 stanzas as dicts of field -> list of lines (first line is the value after the colon)."""
    for block in re.split(r"\n\s*\n", text):
        fields, last = {}, None
        for line in block.split("\n"):
            if not line.strip() and last is None:
                continue
            if line[:1] in (" ", "\t"):
                if last is not None:
                    fields[last].append(line)
                continue
            key, sep, value = line.partition(":")
            if not sep:
                continue
            last = key.strip()
            fields[last] = [value.strip()]
        if fields:
            yield fields


def field(stanza, name):
    return stanza.get(name, [""])[0]


def release_info(lists, prefix):
    """Suite, Codename, Version, Origin and Date of the InRelease (or Release) file next to a Packages file."""
    for name in ("InRelease", "Release"):
        path = os.path.join(lists, prefix + name)
        if os.path.exists(path):
            info = {}
            for line in open(path, encoding="utf-8", errors="replace"):
                if not line.strip():
                    if info:
                        break  # the signed part ends the header; the PGP armour header has no Date
                    continue
                key, sep, value = line.partition(":")
                if sep and not line[:1].isspace() and key in ("Origin", "Suite", "Codename", "Version", "Date"):
                    info[key] = value.strip()
            info["file"] = path
            return info
    return {}


def os_codename():
    try:
        for line in open("/etc/os-release"):
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return None


def find_indices(lists, suite, arch):
    """(Packages path, Translation-en path, release info, suite name) of the base suite's main component."""
    pattern = re.compile(r"^(.*_dists_([^_]+)_)main_binary-" + re.escape(arch) + r"_Packages(\.xz|\.gz|\.bz2|\.lz4)?$")
    found = {}
    for path in sorted(glob.glob(os.path.join(lists, "*_Packages*"))):
        m = pattern.match(os.path.basename(path))
        if m:
            prefix = m.group(1)
            # Prefer the uncompressed file when several are present.
            if prefix not in found or COMPRESSED.index(m.group(3) or "") < COMPRESSED.index(found[prefix][3] or ""):
                found[prefix] = (path, m.group(2), release_info(lists, prefix), m.group(3))
    if not found:
        die(f"no *_dists_<suite>_main_binary-{arch}_Packages file in {lists}")

    def names(entry):
        _, dist, info, _ = entry
        return {dist, info.get("Suite"), info.get("Codename")}

    wanted = suite or os_codename()
    chosen = [p for p, e in found.items() if wanted in names(e)] if wanted else []
    if not chosen and not suite:
        # No os-release match: the one Debian suite that is not -updates/-security/-backports.
        chosen = [p for p, e in found.items() if e[2].get("Origin") == "Debian" and "-" not in e[1]]
    if len(chosen) > 1:  # e.g. a third-party repository whose suite is named like the distribution's
        debian = [p for p in chosen if found[p][2].get("Origin") == "Debian"]
        chosen = debian or chosen
    if len(chosen) != 1:
        die(f"cannot pick the base suite (wanted {wanted!r}) among: "
            + ", ".join(os.path.basename(found[p][0]) for p in sorted(found)) + "; pass --suite")
    prefix = chosen[0]
    packages, dist, info, _ = found[prefix]
    translation = None
    for ext in COMPRESSED:
        path = os.path.join(lists, prefix + "main_i18n_Translation-en" + ext)
        if os.path.exists(path):
            translation = path
            break
    if translation is None:
        die(f"no {prefix}main_i18n_Translation-en in {lists} (apt-get update -o Acquire::Languages=en fetches it)")
    return packages, translation, info, info.get("Codename") or dist


def fetch_lists(lists):
    os.makedirs(os.path.join(lists, "partial"), exist_ok=True)
    command = ["apt-get", "update", "-o", "Acquire::Languages=en", "-o", f"Dir::State::Lists={lists}",
               "-o", "Acquire::GzipIndexes=false"]
    if os.geteuid() != 0:
        command += ["-o", "Debug::NoLocking=1"]
    print("prepare-debtags: " + " ".join(command), file=sys.stderr)
    try:
        result = subprocess.run(command, stdout=sys.stderr)
    except FileNotFoundError:
        die("apt-get not found: run this on Debian, or fetch the Packages and Translation-en indices "
            "yourself and pass --lists DIR")
    if result.returncode != 0:
        # apt-get update also fails for an unreachable third-party repository; go on if Debian's lists came.
        print(f"prepare-debtags: apt-get update exited with {result.returncode}", file=sys.stderr)
        if not glob.glob(os.path.join(lists, "*_main_binary-*_Packages*")):
            hint = ("run it as root (sudo python3 ...)" if os.geteuid() != 0
                    else "check the network and /etc/apt/sources.list*")
            die(f"apt-get update did not fetch the package lists into {lists}: {hint}, or pass --lists "
                "/var/lib/apt/lists after `sudo apt-get update -o Acquire::Languages=en "
                "-o Acquire::GzipIndexes=false`")


def make_text(short, long_lines):
    long = " ".join(line.strip() for line in long_lines if line.strip() != ".")
    long = " ".join(long.split())
    short = " ".join(short.split())
    if not long:
        return short
    sep = " " if short.endswith((".", "!", "?", ":", ";")) else ". "
    return (short + sep + long).strip()


def split_of(source):
    h = int(hashlib.sha1(source.encode()).hexdigest()[:8], 16) % 10
    return "dev" if h == 0 else "test" if h == 1 else "train"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True, help="folder for the data set")
    parser.add_argument("--lists", help="apt lists folder (default: fetch into OUTPUT/lists with apt-get update)")
    parser.add_argument("--suite", help="base suite or codename (default: VERSION_CODENAME of /etc/os-release)")
    parser.add_argument("--arch", default="amd64")
    args = parser.parse_args()
    output = os.path.abspath(os.path.expanduser(args.output))
    os.makedirs(output, exist_ok=True)
    lists = os.path.abspath(os.path.expanduser(args.lists)) if args.lists else os.path.join(output, "lists")
    if not args.lists:
        fetch_lists(lists)
    packages_path, translation_path, release, suite = find_indices(lists, args.suite, args.arch)
    print(f"prepare-debtags: {os.path.basename(packages_path)}, {os.path.basename(translation_path)}",
          file=sys.stderr)

    long_descriptions = {}
    for s in stanzas(read_text(translation_path)):
        lines = s.get("Description-en")
        if lines and field(s, "Package"):
            long_descriptions[(field(s, "Package"), field(s, "Description-md5"))] = lines[1:]

    counts = collections.Counter({"skipped: no debtags": 0, "skipped: no long description in Translation-en": 0})
    seen = set()
    candidates = []  # (package, source, text, use/works-with tags) in Packages file order
    for s in stanzas(read_text(packages_path)):
        package = field(s, "Package")
        if not package:
            continue
        if package in seen:  # e.g. two versions of one package in the index: keep the first
            counts["duplicate package stanza"] += 1
            continue
        seen.add(package)
        counts["packages"] += 1
        source = field(s, "Source").split("(")[0].strip() or package
        tags = [t.strip() for t in " ".join(s.get("Tag", [])).split(",")]
        tags = [t for t in tags if t and not t.startswith("special::not-yet-tagged")]
        if not tags:
            counts["skipped: no debtags"] += 1
            continue
        key = (package, field(s, "Description-md5"))
        if key not in long_descriptions:
            counts["skipped: no long description in Translation-en"] += 1
            continue
        text = make_text(field(s, "Description"), long_descriptions[key])
        assert "\t" not in text and "\n" not in text
        facet_tags = sorted({t for t in tags if t.startswith(FACETS)})
        if not facet_tags:
            counts["skipped: no use::/works-with:: tag"] += 1
            continue
        candidates.append((package, source, text, facet_tags))

    frequency = collections.Counter(t for _, source, _, tags in candidates if split_of(source) == "train"
                                    for t in tags)
    top = sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))[:NUM_LABELS]
    labels = sorted(t for t, _ in top)
    label_set = set(labels)

    rows = {split: [] for split in SPLITS}
    texts = {split: set() for split in SPLITS}
    for package, source, text, tags in candidates:
        split = split_of(source)
        kept = [t for t in tags if t in label_set]
        if not kept:
            counts[f"skipped: none of the {NUM_LABELS} labels"] += 1
            continue
        if text in texts[split]:
            counts[f"dropped: duplicate text within {split}"] += 1
            continue
        texts[split].add(text)
        rows[split].append((package, text, kept))
    for split in ("dev", "test"):
        before = len(rows[split])
        rows[split] = [r for r in rows[split] if r[1] not in texts["train"]]
        counts[f"dropped: {split} text also in train"] += before - len(rows[split])
    for split in SPLITS:
        rows[split].sort(key=lambda r: r[0])

    os.makedirs(os.path.join(output, "columns"), exist_ok=True)
    for split in SPLITS:
        with open(os.path.join(output, f"{split}.tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("package\ttext\ttags\n")
            for package, text, tags in rows[split]:
                f.write(f"{package}\t{text}\t{','.join(tags)}\n")
        with open(os.path.join(output, "columns", f"{split}.csv"), "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["package", "text"] + labels)
            for package, text, tags in rows[split]:
                writer.writerow([package, text] + [int(label in tags) for label in labels])
    with open(os.path.join(output, "labels.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(label + "\n" for label in labels))

    per_split = {split: collections.Counter(t for r in rows[split] for t in r[2]) for split in SPLITS}
    readme = io.StringIO()
    w = lambda line="": readme.write(line + "\n")  # noqa: E731
    w("Debtags multi-label text classification data set (made by Tools/prepare-debtags.py)")
    w()
    w(f"Source: Debian {release.get('Version', '?')} ({suite}, suite {release.get('Suite', '?')}), main, "
      f"{args.arch}; release file Date: {release.get('Date', '?')}")
    w(f"  {os.path.basename(packages_path)}")
    w(f"  {os.path.basename(translation_path)}")
    w("Licence: Debian package metadata (the archive's Packages and Translation-en indices), freely "
      "redistributable. Tags: the Debtags project, https://wiki.debian.org/Debtags")
    w()
    w("Rules:")
    w("- one row per binary package of the Packages index (first stanza of a repeated package name)")
    w("- text = short description + '. ' (just ' ' if it ends in . ! ? : ;) + English long description")
    w("  (Translation-en, joined by Package and Description-md5), ' .' paragraph lines removed, whitespace")
    w("  collapsed to single spaces")
    w("- candidate tags: debtags of the facets use:: and works-with:: (special::not-yet-tagged* ignored)")
    w(f"- labels: the {NUM_LABELS} most frequent candidate tags over the train split's candidates "
      "(ties by name); rows keep their tags among these and need at least one")
    w("- split by source package: int(sha1(source).hexdigest()[:8], 16) % 10: 0 dev, 1 test, else train")
    w("- exact duplicate texts dropped within a split (first in Packages order kept); dev/test rows whose")
    w("  text is also in train dropped; rows sorted by package name")
    w("- files: {train,dev,test}.tsv (package, text, tags joined by ','), columns/{train,dev,test}.csv")
    w("  (package, text, one 0/1 column per label in labels.txt order), labels.txt")
    w()
    w("Counts:")
    for key in sorted(counts):
        w(f"  {key}: {counts[key]}")
    w(f"  candidates (use::/works-with:: tagged, with long description): {len(candidates)}")
    for split in SPLITS:
        n = len(rows[split])
        mean = sum(len(r[2]) for r in rows[split]) / n if n else 0.0
        w(f"  {split}: {n} rows, {mean:.3f} labels per row")
    w()
    w(f"Labels (train candidate frequency | rows per split: {' / '.join(SPLITS)}):")
    for label in labels:
        w(f"  {label:32s} {frequency[label]:6d} | " + " / ".join(str(per_split[s][label]) for s in SPLITS))
    with open(os.path.join(output, "README.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme.getvalue())

    for split in SPLITS:
        n = len(rows[split])
        mean = sum(len(r[2]) for r in rows[split]) / n if n else 0.0
        print(f"{split}: {n} rows, {mean:.3f} labels per row", file=sys.stderr)


if __name__ == "__main__":
    main()
