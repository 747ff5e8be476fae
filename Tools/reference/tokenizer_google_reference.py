"""Google's BERT tokenization rules (google-research/bert tokenization.py, master), written out for the fixtures.

This is an independent transcription of the rules of FullTokenizer = BasicTokenizer + WordpieceTokenizer, without
TensorFlow. Where it differs from HuggingFace's slow BertTokenizer:
  * control characters are categories Cc and Cf only (HuggingFace: every C* category, so private-use and
    unassigned code points are removed there and kept here);
  * no NFC normalization (HuggingFace composes the text to NFC before splitting);
  * lower-casing is str.lower() of each whitespace-delimited word, so Python's final-sigma rule applies
    (HuggingFace lower-cases character by character first: Σ always becomes σ);
  * special tokens written in the text ([CLS], [MASK], ...) are split like any other text;
  * max_input_chars_per_word defaults to 200 (HuggingFace: 100);
  * vocabulary lines are stripped of surrounding whitespace (HuggingFace keeps everything but the newline).
make_tokenizer_fixtures.py --google-tokenization PATH checks this transcription against the original file.
"""
import unicodedata


def is_whitespace(char):
    if char in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(char) == "Zs"


def is_control(char):
    if char in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def is_punctuation(char):
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def whitespace_tokenize(text):
    return text.strip().split()


class GoogleTokenizer:
    """FullTokenizer over an in-memory vocabulary (dict token -> id)."""

    def __init__(self, vocab, do_lower_case, max_input_chars_per_word=200, unk_token="[UNK]"):
        self.vocab = vocab
        self.do_lower_case = do_lower_case
        self.max_chars = max_input_chars_per_word
        self.unk = unk_token

    def basic(self, text):
        out = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or is_control(char):
                continue
            out.append(" " if is_whitespace(char) else char)
        text = "".join(out)
        text = "".join(" %s " % c if is_chinese(ord(c)) else c for c in text)
        split_tokens = []
        for token in whitespace_tokenize(text):
            if self.do_lower_case:
                token = token.lower()
                token = "".join(c for c in unicodedata.normalize("NFD", token) if unicodedata.category(c) != "Mn")
            words, start_new = [], True
            for char in token:
                if is_punctuation(char):
                    words.append([char])
                    start_new = True
                else:
                    if start_new:
                        words.append([])
                    start_new = False
                    words[-1].append(char)
            split_tokens.extend("".join(w) for w in words)
        return whitespace_tokenize(" ".join(split_tokens))

    def wordpiece(self, text):
        output = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_chars:
                output.append(self.unk)
                continue
            pieces, start, bad = [], 0, False
            while start < len(chars):
                end, found = len(chars), None
                while start < end:
                    piece = "".join(chars[start:end])
                    if start > 0:
                        piece = "##" + piece
                    if piece in self.vocab:
                        found = piece
                        break
                    end -= 1
                if found is None:
                    bad = True
                    break
                pieces.append(found)
                start = end
            output.extend([self.unk] if bad else pieces)
        return output

    def tokenize(self, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "ignore")
        return [piece for token in self.basic(text) for piece in self.wordpiece(token)]


def truncate_seq_pair(tokens_a, tokens_b, max_length):
    """run_classifier.py's _truncate_seq_pair: pop from the longer list (from B on a tie) until they fit."""
    while len(tokens_a) + len(tokens_b) > max_length:
        if len(tokens_a) > len(tokens_b):
            tokens_a.pop()
        else:
            tokens_b.pop()
