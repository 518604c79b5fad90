"""Build `not_people.txt` and `name_chars.txt` from the MSRA training text.

Usage: python3 data/models/build_not_people.py DIR [OUT_DIR]

`not_people.txt`: words of the training text that are never a person there.
`name_chars.txt`: the characters of the people's names there that do not begin with a
surname (transliterated and Japanese names: 克林顿, 村山富市), each in at least two such
names, with Xinhua's transliteration characters: a person the tagger reads must begin with
a surname or be made of these.

DIR holds msra_train.txt and msra_test.txt (`data/models/fetch_msra.py DIR`). The training
sentences are split as `newsprint train-entities` splits them (those also in the test split
dropped, then one in 20 held out as the development split); only the rest is read. A word
is listed when it is two or three Han characters, begins with a surname
(`data/gazetteer/surnames.tsv`) or is made of transliteration characters, occurs at least
MIN_COUNT times, and is never a person's name nor inside one. `extract` drops a person the
tagger reads whose text is listed, unless a title or byline confirms it: 祝福, 钟声, 谢谢
are words, whatever their first character. The same files give the same list.
"""
import collections
import pathlib
import sys

MIN_COUNT = 3
ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "data" / "eval"))
from msra import sentences as bmes_sentences  # noqa: E402  (one BMES reader)


def sentences(text):
    """(characters, person spans) per sentence of a BMES file, read as msra.py reads it."""
    for chars, spans in bmes_sentences(text):
        yield chars, [(a, b) for kind, a, b in spans if kind == "PER"]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    data = pathlib.Path(sys.argv[1])
    out_dir = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT / "data/models"
    out = out_dir / "not_people.txt"
    test = {t for t, _ in sentences((data / "msra_test.txt").read_text(encoding="utf-8"))}
    kept = [s for s in sentences((data / "msra_train.txt").read_text(encoding="utf-8"))
            if s[0] not in test]
    fit = [s for i, s in enumerate(kept) if i % 20 != 19]
    surnames = set()
    for line in (ROOT / "data/gazetteer/surnames.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            surnames.add(line.split("\t")[0][0])
    translit = set(TRANSLITERATION)
    seen, in_person = collections.Counter(), set()
    for text, spans in fit:
        person = [False] * len(text)
        for a, b in spans:
            for i in range(a, b):
                person[i] = True
            for n in (2, 3):
                for i in range(a, b - n + 1):
                    in_person.add(text[i:i + n])
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                word = text[i:i + n]
                if all("\u4e00" <= c <= "\u9fff" for c in word):
                    seen[word] += 1
    words = sorted(
        w for w, n in seen.items()
        if n >= MIN_COUNT and w not in in_person
        and (w[0] in surnames or all(c in translit for c in w))
    )
    with out.open("w", encoding="utf-8") as f:
        f.write("# Words never a person in the MSRA training split (see build_not_people.py); "
                "generated, do not edit\n")
        for w in words:
            f.write(w + "\n")
    print(f"{len(words)} words written to {out}")
    in_names = collections.Counter()
    for text, spans in fit:
        for a, b in spans:
            if text[a] not in surnames:
                in_names.update(set(text[a:b]))
    chars = sorted({c for c, n in in_names.items() if n >= 2 and "\u4e00" <= c <= "\u9fff"}
                   | translit)
    with (out_dir / "name_chars.txt").open("w", encoding="utf-8") as f:
        f.write("# Characters of names that do not begin with a surname (see build_not_people.py); "
                "generated, do not edit\n")
        for i in range(0, len(chars), 40):
            f.write("".join(chars[i:i + 40]) + "\n")
    print(f"{len(chars)} name characters written to {out_dir / 'name_chars.txt'}")


# Characters of transliterated foreign names (Xinhua's usage).
TRANSLITERATION = (
    "阿埃艾安昂奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜多厄恩法凡菲费芬"
    "丰弗福盖冈戈格根古哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎康考科克肯库拉莱赖兰朗劳勒雷"
    "里利列林琳隆卢鲁路伦罗洛马玛迈麦曼梅蒙米明莫姆穆纳奈南内尼宁纽努诺欧帕佩彭皮珀普齐"
    "奇契乔切钦丘让热瑞萨塞桑瑟森沙尚舍什施史斯松苏索塔泰坦汤唐特滕提图托瓦万旺威韦维温"
    "沃乌伍西希锡夏谢辛休许亚扬耶伊因英尤于约泽扎詹哲珍兹佐"
)

if __name__ == "__main__":
    main()
