"""Build `bigrams.npbg`: character and character-pair counts of the MSRA training text.

Usage: python3 data/reading/build_bigrams.py DIR [OUT]

DIR holds msra_train.txt (`python3 data/models/fetch_msra.py DIR`); only the training split
is read. `clean` uses the counts to tell which of two copies of a passage the OCR misread
(see README.md beside this file). The same file gives the same bytes.

Characters are counted as `clean` reads them: every digit as `0`, every Latin letter as `a`
(full-width ones too), punctuation as written, spaces skipped. Pairs seen MIN_COUNT times or more are kept.

Format (gzip, mtime 0), little-endian:
  b"NPBG1\\n", u32 characters, then per character (by code point): u32 code point, u32 count;
  u32 pairs, then per pair (by key = first's index * characters + second's index): the key's
  increase over the previous key, then the count, each a LEB128 varint.
"""
import collections
import gzip
import pathlib
import struct
import sys
import unicodedata

MIN_COUNT = 1
ROOT = pathlib.Path(__file__).resolve().parents[2]


def read_class(c):
    if c.isspace():
        return None
    n = unicodedata.normalize("NFKC", c)
    if n.isascii() and n.isdigit():
        return "0"
    if n.isascii() and n.isalpha():
        return "a"
    # Punctuation stays as written: clean's text keeps full-width marks in Chinese text.
    return c


def sentences(path):
    chars = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if chars:
                yield chars
            chars = []
            continue
        chars.append(line.split(" ")[0])
    if chars:
        yield chars


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    data = pathlib.Path(sys.argv[1])
    out = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT / "data/reading/bigrams.npbg"
    unigrams, pairs = collections.Counter(), collections.Counter()
    for chars in sentences(data / "msra_train.txt"):
        seq = [k for k in (read_class(c) for c in chars) if k]
        unigrams.update(seq)
        pairs.update(zip(seq, seq[1:]))
    chars = sorted(unigrams, key=ord)
    index = {c: i for i, c in enumerate(chars)}
    body = bytearray(b"NPBG1\n")
    body += struct.pack("<I", len(chars))
    for c in chars:
        body += struct.pack("<II", ord(c), unigrams[c])
    kept = sorted(
        (index[a] * len(chars) + index[b], n) for (a, b), n in pairs.items() if n >= MIN_COUNT
    )
    body += struct.pack("<I", len(kept))
    last = 0
    for key, n in kept:
        body += varint(key - last) + varint(n)
        last = key
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
            z.write(bytes(body))
    print(f"{out}: {len(chars)} characters, {len(kept)} pairs, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
