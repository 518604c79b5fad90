"""Lay out real newswire articles as test pages with known gold, at eval time.

Usage:
    python3 data/gold/make_real_pages.py --out DIR
        [--articles ../shared/data/articles/nist-mt-zh.jsonl] [--pages 60] [--web 200]

then `newsprint eval --gold DIR/ocr --gold DIR/web`. Nothing it writes belongs in the
repository: the articles (the 354 NIST OpenMT newswire articles, Xinhua, AFP Chinese,
Zaobao; evaluation use only) are read from `../shared` every time.

Two sets, each page with a gold JSON file in the format of `data/gold/gen_*.json`:

- `ocr/`: pages as the sample page's OCR prints them (see `make_pages.py`, whose defects
  are reused): two to four articles a page, each headline on a line of its own, body
  paragraphs wrapped at the page's column width (or not at all), photo captions with credits
  (some cutting a sentence in two), passages printed twice; UTF-8, UTF-8 with BOM, GB18030,
  UTF-16LE or gzip.
- `web/`: texts as a scraper saves a web article: the headline, a blank line, then the whole
  body on one line, with photo captions and credits inline (`记者 王明 摄`,
  `图片来源：新华社`, `（图片来自网络）`).

The gold keeps what a reader of the printed article would: the headline, the paragraphs
with the dateline (`新华社广州3月16日电(记者陈冀)`) taken off the first one, and the
reporter the dateline names.
"""
import argparse
import json
import pathlib
import random
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_pages import CAPTIONS, encode, is_heading, render, wrap  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_ARTICLES = HERE.parent.parent.parent / "shared" / "data" / "articles" / "nist-mt-zh.jsonl"

# A dateline as newswires print it: agency, place and date, `电`, then the reporters in
# brackets (`新华社广州3月16日电(记者陈冀)`, `(法新社巴黎五日电)`, `(汉城美联电)`).
DATELINE = re.compile(
    r"^(?:[(（][^()（）]{2,24}电[)）]"
    r"|(?:新华社|中新社|中新网|本报)[^,，。()（）]{0,16}?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日(?:电|讯)(?:[(（][^()（）]{1,30}[)）])?)"
)
REPORTERS = re.compile(r"[(（](?:新华社)?记者([^()（）]{2,20})[)）]$")

WEB_CREDITS = [
    ("图为活动现场。", "记者 王明 摄"),
    ("", "图片来源：新华社"),
    ("", "（图片来自网络）"),
    ("资料图。", ""),
    ("会议现场。", "新华社记者 李华 摄"),
    # As real sites write them.
    ("浙江温州民房倒塌搜救现场。", "张茵 摄"),
    ("", "（周倩茜摄）"),
    ("", "亚心网记者马元摄"),
    ("", "中新网记者 金硕 摄"),
    ("", "（美国《世界日报》 金春香 摄）"),
    ("", "（见图 王呈 摄）"),
    ("", "资料图：海淀法院。"),
]
ENCODINGS = ["utf-8", "gb18030", "utf-16le-bom", "utf-8-bom", "gzip"]


def gold_article(art: dict) -> tuple[dict, list[str]]:
    """The article as the gold holds it, and its paragraphs as printed."""
    printed = [p for p in art["paragraphs"] if p.strip()]
    paragraphs = list(printed)
    authors: list[str] = []
    m = DATELINE.match(paragraphs[0])
    if m:
        rest = paragraphs[0][m.end() :].lstrip(",，:： ")
        reporters = REPORTERS.search(m.group(0))
        if reporters:
            names = re.split(r"[、 ,，]", reporters.group(1))
            # Names glued without a separator (郑金发怀成波) cannot be told apart: none kept.
            if all(2 <= len(n) <= 3 for n in names):
                authors = names
        if rest:
            paragraphs[0] = rest
        else:
            paragraphs.pop(0)
    return {"title": art["title"].strip(), "authors": authors, "paragraphs": paragraphs}, printed


def ocr_page(seed: int, articles: list[dict]) -> tuple[str, dict]:
    rng = random.Random(seed)
    cols = rng.choice([0, 12, 15, 18, 24])
    double_spaced = rng.random() < 0.5 or cols == 0
    chosen = rng.sample(articles, k=rng.choice([2, 3, 4]))
    blocks: list[tuple[int, list[str]]] = []
    gold_articles, captions = [], []
    for a_idx, art in enumerate(chosen):
        gold, printed = gold_article(art)
        if len(printed) > 8:
            # A dateline alone on its paragraph has no gold paragraph of its own.
            dropped_dateline = len(printed) - len(gold["paragraphs"])
            printed = printed[:8]
            gold["paragraphs"] = gold["paragraphs"][: 8 - dropped_dateline]
        gold_articles.append(gold)
        blocks.append((3 if a_idx else 2, [gold["title"]]))
        captioned = rng.randrange(len(printed))
        duplicated = rng.randrange(len(printed))
        for p_idx, text in enumerate(printed):
            lines = [text] if is_heading(text) else wrap(text, cols)
            if p_idx == captioned and not is_heading(text) and rng.random() < 0.6:
                caption, credit = rng.choice(CAPTIONS)
                if len(lines) > 1:
                    cut = rng.randrange(1, len(lines))
                    blocks.append((1, lines[:cut]))
                    blocks.append((3, [caption, credit]))
                    blocks.append((1, lines[cut:]))
                else:
                    blocks.append((1, lines))
                    blocks.append((3, [caption, credit]))
                captions.extend([caption, credit])
            else:
                blocks.append((1, lines))
            if p_idx == duplicated and not is_heading(text) and len(text) > 30 and rng.random() < 0.5:
                kind = rng.choice(["exact", "rewrapped", "head"])
                copy = text[: len(text) * 2 // 3] if kind == "head" else text
                blocks.append((1, wrap(copy, rng.choice([13, 16, 20]) if kind == "rewrapped" else cols)))
                gold.setdefault("duplicates", []).append(kind)
    return render(blocks, double_spaced), {"articles": gold_articles, "captions": captions, "columns": cols}


def web_text(seed: int, art: dict) -> tuple[str, dict]:
    rng = random.Random(seed)
    gold, printed = gold_article(art)
    # Photos sit between paragraphs, or inside one where the page put the picture.
    body_parts, captions = [], []
    credited = rng.sample(range(len(printed)), k=min(len(printed), rng.choice([1, 1, 2])))
    for p_idx, text in enumerate(printed):
        if p_idx in credited:
            caption, credit = rng.choice(WEB_CREDITS)
            inline = caption + credit
            sentences = re.split(r"(?<=[。！？])", text)
            if len(sentences) > 2 and rng.random() < 0.5:
                k = rng.randrange(1, len(sentences) - 1)
                text = "".join(sentences[:k]) + inline + "".join(sentences[k:])
            else:
                text = inline + text
            captions.extend(c for c in (caption, credit) if c)
        body_parts.append(text)
    # The gold body is the article's paragraphs run together, as the page gave them.
    gold["paragraphs"] = ["".join(gold["paragraphs"])]
    text = gold["title"] + "\n\n" + "".join(body_parts) + "\n"
    return text, {"articles": [gold], "captions": captions, "columns": 0}


def write(folder: pathlib.Path, name: str, text: str, gold: dict, encoding: str) -> None:
    pages = folder / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    data, suffix = encode(text, encoding)
    (pages / f"{name}{suffix}").write_bytes(data)
    gold |= {"page": f"pages/{name}{suffix}", "encoding": encoding, "published_date": "2002-03-16"}
    (folder / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=pathlib.Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--pages", type=int, default=60, help="OCR-style pages")
    parser.add_argument("--web", type=int, default=200, help="web-style texts")
    args = parser.parse_args()
    if not args.articles.is_file():
        sys.exit(f"{args.articles} not found: pass --articles PATH to nist-mt-zh.jsonl")
    articles = [json.loads(line) for line in args.articles.read_text().splitlines() if line.strip()]
    articles = [a for a in articles if a.get("title") and a.get("paragraphs")]
    for seed in range(args.pages):
        text, gold = ocr_page(seed, articles)
        write(args.out / "ocr", f"real_{seed:03d}", text, gold, ENCODINGS[seed % len(ENCODINGS)])
    rng = random.Random(7)
    for k, art in enumerate(rng.sample(articles, k=min(args.web, len(articles)))):
        text, gold = web_text(1000 + k, art)
        write(args.out / "web", f"web_{k:03d}", text, gold, "utf-8")
    print(f"{args.pages} OCR pages in {args.out / 'ocr'}, {min(args.web, len(articles))} web texts in {args.out / 'web'}")


if __name__ == "__main__":
    main()
