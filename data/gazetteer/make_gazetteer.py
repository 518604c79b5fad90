"""Build newsprint's gazetteer and surname lists from the jionlp package's data files.

Usage: python3 data/gazetteer/make_gazetteer.py [path/to/jionlp-*.whl]

Without an argument the script downloads the wheel with `pip download jionlp==1.5.31
--no-deps`. It reads, from the wheel:

- `jionlp/dictionary/china_location.zip`: China's administrative divisions (province,
  prefecture, county levels with GB/T 2260 codes and short forms; town and village levels
  are not used);
- `jionlp/dictionary/world_location.txt`: countries with their full names and capitals;
- `jionlp/dictionary/chinese_word_dictionary.zip`: a dictionary of common words, used only to
  drop short forms that are ordinary words (朝阳, 和平, 吉利);
- `jionlp/rule/rule_pattern.py`: the single and double surname lists.

jionlp is Apache-2.0 (https://github.com/dongrixinyu/JioNLP); see SOURCE.md. Rivers, lakes,
mountains and regions are listed below by hand.

Writes `places.tsv` (name, canonical, code, level) and `surnames.tsv` (surname, class), both
read by the `extract` crate at compile time.
"""
import ast
import io
import pathlib
import subprocess
import sys
import tempfile
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
VERSION = "1.5.31"

# Geographic features and regions: (name, canonical, level).
FEATURES = [
    ("长江", "长江", "river"), ("黄河", "黄河", "river"), ("珠江", "珠江", "river"),
    ("淮河", "淮河", "river"), ("湘江", "湘江", "river"), ("资江", "资江", "river"),
    ("沅水", "沅水", "river"), ("澧水", "澧水", "river"), ("浏阳河", "浏阳河", "river"),
    ("汨罗江", "汨罗江", "river"), ("赣江", "赣江", "river"), ("汉江", "汉江", "river"),
    ("嘉陵江", "嘉陵江", "river"), ("闽江", "闽江", "river"), ("松花江", "松花江", "river"),
    ("黑龙江", "黑龙江", "river"), ("雅鲁藏布江", "雅鲁藏布江", "river"),
    ("澜沧江", "澜沧江", "river"), ("金沙江", "金沙江", "river"), ("钱塘江", "钱塘江", "river"),
    ("洞庭湖", "洞庭湖", "lake"), ("鄱阳湖", "鄱阳湖", "lake"), ("太湖", "太湖", "lake"),
    ("洪泽湖", "洪泽湖", "lake"), ("巢湖", "巢湖", "lake"), ("滇池", "滇池", "lake"),
    ("青海湖", "青海湖", "lake"), ("纳木错", "纳木错", "lake"),
    ("岳麓山", "岳麓山", "mountain"), ("衡山", "衡山", "mountain"), ("南岳", "衡山", "mountain"),
    ("泰山", "泰山", "mountain"), ("华山", "华山", "mountain"), ("峨眉山", "峨眉山", "mountain"),
    ("武陵山", "武陵山", "mountain"), ("雪峰山", "雪峰山", "mountain"),
    ("罗霄山", "罗霄山", "mountain"), ("井冈山", "井冈山", "mountain"),
    ("喜马拉雅山", "喜马拉雅山", "mountain"), ("昆仑山", "昆仑山", "mountain"),
    ("秦岭", "秦岭", "mountain"), ("太行山", "太行山", "mountain"),
    ("三湘", "三湘", "region"), ("大湘西", "大湘西", "region"), ("湘中", "湘中", "region"),
    ("湘南", "湘南", "region"), ("湘东", "湘东", "region"), ("湘北", "湘北", "region"),
    ("长株潭", "长株潭", "region"), ("洞庭湖区", "洞庭湖区", "region"),
    ("珠三角", "珠三角", "region"), ("长三角", "长三角", "region"), ("京津冀", "京津冀", "region"),
    ("粤港澳大湾区", "粤港澳大湾区", "region"), ("成渝", "成渝", "region"),
    ("华北", "华北", "region"), ("华东", "华东", "region"), ("华南", "华南", "region"),
    ("华中", "华中", "region"), ("中原", "中原", "region"), ("江南", "江南", "region"),
]

# Short forms that read as something else in news text although the dictionary misses them.
NOT_SHORT_FORMS = {"城区", "郊区", "矿区", "新区", "市中", "城中", "城关", "开发", "高新",
                   "中心", "东区", "西区", "南区", "北区", "吉利", "东方", "和平", "长安",
                   "光明", "新华", "解放", "前进", "红旗", "向阳", "建设", "东风", "先锋",
                   "城东", "城西", "城南", "城北", "江南", "江北", "河东", "新城", "铁西",
                   "铁东", "站前", "立新", "东城", "西城", "红山", "胜利", "永安", "平安"}

LEVELS = ["province", "prefecture", "county"]


def wheel_path() -> pathlib.Path:
    if len(sys.argv) > 1:
        return pathlib.Path(sys.argv[1])
    tmp = pathlib.Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", f"jionlp=={VERSION}",
                    "--no-deps", "-d", str(tmp)], check=True)
    return next(tmp.glob("jionlp-*.whl"))


def read_zip_member(wheel: zipfile.ZipFile, inner: str) -> str:
    with zipfile.ZipFile(io.BytesIO(wheel.read(inner))) as z:
        return z.read(z.namelist()[0]).decode("utf-8")


def ordinary_words(text: str) -> set:
    """Words whose dictionary sense is not a place name."""
    words = set()
    for line in text.splitlines():
        word, _, sense = line.partition("\t")
        if word and not any(k in sense for k in ("地名", "县名", "市名", "省名", "山名", "水名")):
            words.add(word)
    return words


def main() -> None:
    with zipfile.ZipFile(wheel_path()) as wheel:
        china = read_zip_member(wheel, "jionlp/dictionary/china_location.zip")
        common = ordinary_words(
            read_zip_member(wheel, "jionlp/dictionary/chinese_word_dictionary.zip"))
        world = wheel.read("jionlp/dictionary/world_location.txt").decode("utf-8")
        rules = wheel.read("jionlp/rule/rule_pattern.py").decode("utf-8")

    # Full names: (name) -> set of (code, level); short forms: (short) -> set of (full, code, level).
    full = {}
    short = {}
    for line in china.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        fields = line.strip("\t").split("\t")
        name = fields[0]
        code = fields[1] if len(fields) > 1 else ""
        level = LEVELS[depth]
        full.setdefault(name, set()).add((code, level))
        if len(fields) > 2 and fields[2] != name and len(fields[2]) >= 2:
            short.setdefault(fields[2], set()).add((name, code, level))

    rows = {}
    for name, entries in full.items():
        # A municipality appears as province and prefecture: keep the higher level.
        entries = sorted(entries, key=lambda e: LEVELS.index(e[1]))
        codes = {c for c, _ in entries if c}
        code = codes.pop() if len(codes) == 1 else ""
        rows[name] = (name, code, entries[0][1])
    for name, entries in short.items():
        if name in rows or name in NOT_SHORT_FORMS:
            continue
        best = min(LEVELS.index(level) for _, _, level in entries)
        top = {(f, c) for f, c, level in entries if LEVELS.index(level) == best}
        canonicals = {f for f, _ in top}
        if len(canonicals) != 1:
            continue  # 鼓楼, 朝阳: which one the text means is not ours to guess
        if best == 2 and (name in common or all(c in "〇一二三四五六七八九十" for c in name)):
            continue
        canonical = canonicals.pop()
        if not rows[canonical][1]:
            continue  # the full name itself is shared by several divisions (新华区)
        rows[name] = (canonical, rows[canonical][1], LEVELS[best])

    for line in world.splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or fields[0].endswith(":"):
            continue
        short_name, long_name = fields[0], fields[1]
        if short_name == "中国":
            rows.setdefault("中国", ("中国", "", "country"))
            rows.setdefault(long_name, ("中国", "", "country"))
            continue
        rows.setdefault(short_name, (short_name, "", "country"))
        rows.setdefault(long_name, (short_name, "", "country"))
    for name, canonical, level in FEATURES:
        rows.setdefault(name, (canonical, "", level))

    with open(HERE / "places.tsv", "w", encoding="utf-8") as out:
        out.write("# name\tcanonical\tcode\tlevel — generated by make_gazetteer.py; do not edit\n")
        for name in sorted(rows):
            canonical, code, level = rows[name]
            out.write(f"{name}\t{canonical}\t{code}\t{level}\n")

    # The surname lists are Python string constants; the second single list is the one
    # with the ambiguous surnames (唐, 颜, 和…) taken out.
    singles = [node for node in ast.walk(ast.parse(rules))
               if isinstance(node, ast.Assign)
               and node.targets[0].id in ("SINGLE_CHINESE_FAMILY_NAME",
                                          "TWO_CHAR_CHINESE_FAMILY_NAME")]
    all_single = ast.literal_eval(singles[0].value)
    unambiguous = ast.literal_eval(singles[1].value)
    double = ast.literal_eval(singles[2].value).split("|")
    with open(HERE / "surnames.tsv", "w", encoding="utf-8") as out:
        out.write("# surname\tclass (unambiguous, ambiguous, double) — generated by "
                  "make_gazetteer.py; do not edit\n")
        for s in dict.fromkeys(all_single):
            out.write(f"{s}\t{'unambiguous' if s in unambiguous else 'ambiguous'}\n")
        for s in double:
            out.write(f"{s}\tdouble\n")
    print(f"places.tsv: {len(rows)} names; surnames.tsv: {len(set(all_single)) + len(double)}")


if __name__ == "__main__":
    main()
