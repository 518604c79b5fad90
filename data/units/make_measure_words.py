#!/usr/bin/env python3
"""Writes measure_words.tsv: the measure words (classifiers) a number may count with.

Source: the dictionary of the jieba segmenter (PyPI `jieba==0.42.1`, MIT licence), whose
words tagged `q` are measure words. Kept: single characters tagged `q` seen at least
MIN_FREQ times, less those that after a numeral more often make an idiom, a name or
another kind of figure (EXCLUDED, with the reason), plus a few that jieba tags otherwise
(ADDED). Units with a kind of their own (currencies, lengths, time units) live in the
extractor's unit table and are left out here.

    python3 data/units/make_measure_words.py          # downloads jieba with pip
"""
import pathlib
import subprocess
import sys
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
MIN_FREQ = 100
EXCLUDED = {
    "些": "一些 is a determiner, never after a figure",
    "天": "a time unit (duration)",
    "米": "a length (measure)",
    "尺": "a length (measure)",
    "盾": "a currency (印尼盾)",
    "铢": "a currency (泰铢)",
    "钧": "千钧一发",
    "番": "三番五次",
    "腔": "满腔, not counted",
    "盎": "the first half of 盎司",
    "乇": "rare, a variant",
    "锾": "rare, archaic",
    "帐": "rare as a classifier",
    "磴": "rare as a classifier",
    "楹": "rare as a classifier",
    "斛": "archaic",
    "帙": "archaic",
    "爿": "rare as a classifier",
    "绺": "rare as a classifier",
    "匝": "rare as a classifier",
    "帖": "rare as a classifier",
}
ADDED = {
    "床": "hospital beds (6000床)",
    "盏": "lamps (3300盏)",
    "口": "people of a household, wells (三十口)",
    "任": "terms of office (第九任)",
    "步": "steps (第一步)",
    "号": "numbered items (972号)",
    "声": "shots, calls (三声)",
    "届": "sessions",
    "轮": "rounds",
    "趟": "trips",
    "遍": "times over",
    "剂": "doses",
    "针": "injections",
    "票": "votes",
    "丛": "clusters (两丛基因)",
    "席": "seats",
    "球": "goals",
    "列": "trains (620列)",
}


def jieba_dict() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "jieba==0.42.1", "--no-deps",
             "--no-binary", ":all:", "-d", tmp, "-q"],
            check=True,
        )
        archive = next(pathlib.Path(tmp).glob("jieba-*.tar.gz"))
        with tarfile.open(archive) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("jieba/dict.txt"))
            return tar.extractfile(member).read().decode("utf-8")


def main() -> None:
    words = {}
    for line in jieba_dict().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "q" and len(parts[0]) == 1:
            if int(parts[1]) >= MIN_FREQ and parts[0] not in EXCLUDED:
                words[parts[0]] = f"jieba q {parts[1]}"
    for word, why in ADDED.items():
        words.setdefault(word, f"added: {why}")
    out = HERE / "measure_words.tsv"
    with out.open("w", encoding="utf-8") as f:
        f.write("# word\tsource (see make_measure_words.py)\n")
        for word in sorted(words):
            f.write(f"{word}\t{words[word]}\n")
    print(f"{out}: {len(words)} measure words")


if __name__ == "__main__":
    main()
