"""Generate OCR-like test pages with known gold articles.

Usage: python3 data/gold/make_pages.py   (writes data/gold/pages/gen_*.{txt,...} and gen_*.json)

Each page lays out two or three true articles the way the sample page's OCR does, with its
defects chosen by a seeded generator: column wraps at a width of its own (or none), blank
lines after every line or only between paragraphs, ASCII punctuation inside Chinese, photo
captions with credits (some cutting a sentence in two), a lone caption between articles,
and passages emitted twice (whole, re-wrapped, as a head or tail fragment, or with a
character changed); and four pages (gen_12 to gen_15) in the indented layout of digitised
papers (`　　` paragraphs, no blank lines, 【】 kickers, ■ bylines, ▲/图： captions). The gold
JSON beside each page holds the true articles. Pages are
written in UTF-8, UTF-8 with BOM, GB18030, UTF-16LE with BOM, or gzip.

The articles come from the gold of the sample page (data/gold/000_5e6263fb01fcad50.json)
and from two short articles written for these fixtures (below).
"""
import gzip
import json
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent

OWN_ARTICLES = [
    {
        "title": "长沙地铁六号线东延段完成主体施工",
        "subtitle": "预计明年上半年开通试运营",
        "authors": ["周晓明", "欧阳丽"],
        "paragraphs": [
            "记者从长沙市轨道交通集团获悉，地铁六号线东延段近日完成主体结构施工，全线进入设备安装阶段。",
            "东延段全长约6.8公里，共设车站4座，总投资约58亿元。项目自2023年3月开工以来，建设者克服地下水位高、管线密集等困难，累计完成投资41.2亿元。",
            "施工难点",
            "该段线路下穿浏阳河，河底隧道长约900米。项目团队采用泥水平衡盾构技术，在河床下方最浅处仅12米的条件下实现安全掘进。",
            "“盾构穿越期间，我们每两小时监测一次河床沉降，数据全部控制在3毫米以内。”项目总工程师刘建华说。",
            "据介绍，东延段开通后，从长沙火车南站到黄花机场的通行时间将缩短15分钟左右，沿线约20万居民出行将更加便捷。",
        ],
    },
    {
        "title": "岳阳洞庭湖区春耕备耕有序推进",
        "authors": ["谭志刚"],
        "paragraphs": [
            "眼下正是春耕备耕的关键时期，岳阳市洞庭湖区各地抢抓农时，翻耕土地、检修农机、调运农资，田间地头一派繁忙景象。",
            "在华容县万庾镇，种粮大户李德胜正指挥农机手平整秧田。他今年流转土地1200亩，计划全部种植优质稻。“政府送来了良种补贴，农技员还上门指导，今年的底气更足了。”李德胜说。",
            "今年以来，岳阳市已调运化肥8.6万吨、农药1200余吨，检修各类农机2.3万台套，确保春耕生产物资供应充足。",
            "岳阳市农业农村局相关负责人表示，全市今年计划种植粮食面积610万亩以上，将继续推广水稻集中育秧和机插秧技术，力争粮食总产稳中有增。",
        ],
    },
]

CAPTIONS = [
    ("图为施工现场。", "记者 周晓明 摄"),
    ("湘江两岸夜景。", "通讯员 摄"),
    ("农机手在田间作业。", "新华社发"),
    ("新建成的职业技能实训中心。", "资料图片"),
]
LONE_CAPTIONS = ["屹立于浏阳河畔的长沙高铁新城。", "春耕时节的洞庭湖平原。"]
PAPERS = ["湖南日报全媒体记者", "本报记者", "记者"]


def to_ascii_punct(text: str, rng: random.Random) -> str:
    """What the OCR does to some punctuation inside Chinese text."""
    table = {"，": ",", "：": ":", "（": "(", "）": ")", "？": "?", "；": ";"}
    return "".join(table[c] if c in table and rng.random() < 0.6 else c for c in text)


def width(c: str) -> int:
    return 1 if ord(c) < 0x80 else 2


def wrap(text: str, cols: int) -> list[str]:
    """Cut a paragraph into lines of `cols` display columns (0: one line)."""
    if cols == 0:
        return [text]
    lines, line, w = [], "", 0
    for c in text:
        if w + width(c) > cols * 2 and line:
            lines.append(line)
            line, w = "", 0
        line += c
        w += width(c)
    if line:
        lines.append(line)
    return lines


def is_heading(p: str) -> bool:
    return not p.endswith(("。", "”", "？", "！", "，")) and len(p) <= 30


def render(blocks: list[tuple[int, list[str]]], double_spaced: bool) -> str:
    """The page's text: each block's lines after its blank lines (at least one apart when
    the page puts a blank line after every line)."""
    out = []
    for blank, lines in blocks:
        out.extend([""] * (blank if not double_spaced else max(blank, 1)))
        for k, line in enumerate(lines):
            out.append(line)
            if double_spaced and k < len(lines) - 1:
                out.append("")
    return "\n".join(out).lstrip("\n") + "\n"


def encode(text: str, encoding: str) -> tuple[bytes, str]:
    """The page's bytes in `encoding` (also utf-16le-bom, utf-8-bom, gzip) and its suffix."""
    if encoding == "utf-16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le"), ".txt"
    if encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8"), ".txt"
    if encoding == "gzip":
        return gzip.compress(text.encode("utf-8"), mtime=0), ".txt.gz"
    return text.encode(encoding), ".txt"


def page(seed: int, articles: list[dict]) -> tuple[str, dict]:
    rng = random.Random(seed)
    cols = rng.choice([0, 12, 15, 18, 24])
    double_spaced = rng.random() < 0.5 or cols == 0
    chosen = rng.sample(articles, k=min(len(articles), rng.choice([2, 3])))
    blocks: list[tuple[int, list[str]]] = []  # (blank lines before, lines)
    gold_articles = []
    page_captions: list[str] = []
    for a_idx, art in enumerate(chosen):
        paragraphs = list(art["paragraphs"])
        # Keep pages a readable size: at most eight paragraphs an article.
        if len(paragraphs) > 8:
            start = rng.randrange(0, len(paragraphs) - 8)
            paragraphs = paragraphs[start : start + 8]
            while paragraphs and is_heading(paragraphs[0]):
                paragraphs.pop(0)
        gold = {"title": art["title"], "authors": art.get("authors", []), "paragraphs": paragraphs}
        if art.get("subtitle"):
            gold["subtitle"] = art["subtitle"]
        gold_articles.append(gold)
        if a_idx > 0 and rng.random() < 0.5:
            lone = rng.choice(LONE_CAPTIONS)
            blocks.append((3, [lone]))
            page_captions.append(lone)
        blocks.append((3 if a_idx else 2, [art["title"]]))
        if art.get("subtitle"):
            dash = "——" if art["subtitle"].startswith("访") else ""
            blocks.append((1, [dash + art["subtitle"]]))
        if gold["authors"]:
            blocks.append((1, [rng.choice(PAPERS) + " " + " ".join(gold["authors"])]))
        captioned = rng.randrange(len(paragraphs))
        duplicated = rng.randrange(len(paragraphs))
        pending_copy = None
        for p_idx, text in enumerate(paragraphs):
            shown = to_ascii_punct(text, rng)
            # Subheads stand on a line of their own, as printed.
            lines = [text] if is_heading(text) else wrap(shown, cols)
            gap = 1 if p_idx == 0 else (1 if not double_spaced or cols == 0 else 1)
            if p_idx == captioned and not is_heading(text):
                caption, credit = rng.choice(CAPTIONS)
                if len(lines) > 1:
                    cut = rng.randrange(1, len(lines))
                elif len(shown) > 20:
                    cut_at = rng.randrange(8, len(shown) - 8)
                    lines = [shown[:cut_at], shown[cut_at:]]
                    cut = 1
                else:
                    cut = len(lines)
                blocks.append((gap, lines[:cut]))
                blocks.append((3, [caption, credit]))
                page_captions.extend([caption, credit])
                if cut < len(lines):
                    blocks.append((1, lines[cut:]))
            else:
                blocks.append((gap, lines))
            if p_idx == duplicated and not is_heading(text) and len(text) > 30:
                kind = rng.choice(["exact", "rewrapped", "head", "tail", "changed"])
                copy = text
                if kind == "head":
                    copy = text[: len(text) * 2 // 3]
                elif kind == "tail":
                    copy = text[len(text) // 3 :]
                elif kind == "changed":
                    k = rng.randrange(5, len(text) - 5)
                    copy = text[:k] + ("同" if text[k] != "同" else "今") + text[k + 1 :]
                copy_cols = rng.choice([13, 16, 20]) if kind == "rewrapped" else cols
                pending_copy = wrap(to_ascii_punct(copy, rng), copy_cols)
                gold.setdefault("duplicates", []).append(kind)
            elif pending_copy is not None and rng.random() < 0.7:
                blocks.append((1, pending_copy))
                pending_copy = None
        if pending_copy is not None:
            blocks.append((1, pending_copy))
    text = render(blocks, double_spaced)
    gold = {"articles": gold_articles, "captions": page_captions}
    return text, gold | {"columns": cols, "double_spaced": double_spaced}


def page_indented(seed: int, articles: list[dict]) -> tuple[str, dict]:
    """A page in the commonest layout of digitised papers: each paragraph opened with `　　`,
    no blank line anywhere (headline, kicker in 【】, byline `■本报记者 …`, wrapped body,
    caption `▲…`/`图：…` and credit all line after line), the body wrapped in a column
    (the indent in its first line) or a paragraph a line."""
    rng = random.Random(seed)
    cols = rng.choice([0, 18, 22])
    chosen = rng.sample(articles, k=min(len(articles), rng.choice([2, 3])))
    lines: list[str] = []
    gold_articles = []
    page_captions: list[str] = []
    for art in chosen:
        paragraphs = [p for p in art["paragraphs"] if not is_heading(p)][:6]
        gold = {"title": art["title"], "authors": art.get("authors", []), "paragraphs": paragraphs}
        if rng.random() < 0.4:
            lines.append("【" + rng.choice(["聚焦两会", "一线见闻", "奋进新征程"]) + "】")
        lines.append(art["title"])
        if art.get("subtitle"):
            gold["subtitle"] = art["subtitle"]
            lines.append("——" + art["subtitle"])
        if gold["authors"]:
            lines.append("■本报记者 " + " ".join(gold["authors"]))
        captioned = rng.randrange(len(paragraphs))
        for p_idx, text in enumerate(paragraphs):
            body = wrap("　　" + text, cols) if cols else ["　　" + text]
            if p_idx == captioned:
                caption, credit = rng.choice(CAPTIONS)
                mark = rng.choice(["▲", "图："])
                cut = rng.randrange(1, len(body)) if len(body) > 1 else len(body)
                lines.extend(body[:cut])
                lines.extend([mark + caption, credit])
                page_captions.extend([mark + caption, credit])
                lines.extend(body[cut:])
            else:
                lines.extend(body)
        gold_articles.append(gold)
    text = "\n".join(lines) + "\n"
    gold = {"articles": gold_articles, "captions": page_captions}
    return text, gold | {"columns": cols, "double_spaced": False, "indented": True}


def main() -> None:
    sample = json.loads((HERE / "000_5e6263fb01fcad50.json").read_text())
    articles = [a for a in sample["articles"] if a.get("title")] + OWN_ARTICLES
    pages_dir = HERE / "pages"
    pages_dir.mkdir(exist_ok=True)
    encodings = ["utf-8", "gb18030", "utf-16le-bom", "utf-8-bom", "gzip"]
    # Pages in the indented layout have seeds of their own: the pages before them stay as
    # they are.
    layouts = [(seed, page) for seed in range(12)] + [(seed, page_indented) for seed in range(12, 16)]
    for seed, lay_out in layouts:
        text, gold = lay_out(seed, articles)
        encoding = encodings[seed % len(encodings)]
        data, suffix = encode(text, encoding)
        name = f"gen_{seed:02d}"
        (pages_dir / f"{name}{suffix}").write_bytes(data)
        gold["page"] = f"pages/{name}{suffix}"
        gold["encoding"] = encoding
        gold["published_date"] = "2026-01-21"
        (HERE / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
