"""Check `newsprint report` in a real headless browser (Debian's Chromium).

Usage: python3 tests/browser/report.py NEWSPRINT DATASET_DIR WORK_DIR

Writes the report of DATASET_DIR, opens it in headless Chromium, and checks:
- the rendered DOM has every section, and its figures are the dataset's own, as
  `newsprint stats --json` reads them from the Parquet: documents per status, errors,
  articles, copies, rows per table, the top person, the figure kinds;
- the page loads nothing from outside (no script, no remote URL);
- a screenshot of the page is not blank.
Exits non-zero, saying what differs, on any mismatch. Needs Pillow.
"""
import html.parser
import json
import pathlib
import shutil
import subprocess
import sys

from PIL import Image

SECTIONS = ["documents", "removed", "articles", "entities", "figures", "timeline", "runs"]


class Dom(html.parser.HTMLParser):
    """Collects section ids, `data-*` attributes with the text of their elements, tags."""

    def __init__(self):
        super().__init__()
        self.sections, self.data, self.tags, self.names = [], {}, set(), []
        self._open = []  # (attrs, text parts) of elements carrying data-*

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "section" and "id" in attrs:
            self.sections.append(attrs["id"])
        if tag == "td" and attrs.get("class") == "name":
            self.names.append("")
        marks = {k: v for k, v in attrs.items() if k.startswith("data-")}
        self._open.append((marks, []))

    def handle_endtag(self, tag):
        if self._open:
            marks, text = self._open.pop()
            for k, v in marks.items():
                self.data.setdefault(k, []).append((v, "".join(text).strip()))
            if self._open:
                self._open[-1][1].extend(text)

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)
        if self.names and self.names[-1] == "":
            self.names[-1] = data


def chromium() -> str:
    for name in ["chromium", "chromium-browser", "google-chrome"]:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("report.py: no Chromium found: apt-get install chromium")


def main() -> int:
    newsprint, dataset, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    page = work / "report.html"
    subprocess.run([newsprint, "report", str(dataset), "--out", str(page)], check=True)
    stats = json.loads(subprocess.run([newsprint, "stats", str(dataset), "--json"], check=True,
                                      capture_output=True, text=True).stdout)
    browser = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--user-data-dir=" + str(work / "profile")]

    def open_page(*flags: str) -> str:
        # Headless Chromium now and then dies at start-up on a loaded machine (a crash of
        # the browser, not of the page): tried three times, then the failure is reported.
        for attempt in range(3):
            done = subprocess.run(browser + list(flags) + [page.as_uri()], capture_output=True,
                                  text=True, timeout=120)
            if done.returncode == 0:
                return done.stdout
            print(f"chromium exited with {done.returncode} (attempt {attempt + 1}):",
                  done.stderr[-2000:], file=sys.stderr)
        sys.exit("report.py: headless Chromium failed three times")

    dom_text = open_page("--dump-dom")
    shot = work / "report.png"
    open_page("--hide-scrollbars", "--window-size=1280,2200", f"--screenshot={shot}")

    dom = Dom()
    dom.feed(dom_text)
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: the page shows {got!r}, the dataset has {want!r}")

    expect("sections", dom.sections, SECTIONS)
    if "script" in dom.tags or "http://" in dom_text or "https://" in dom_text:
        problems.append("the page loads or links something from outside")
    number = lambda text: int(text.replace(",", "")) if text else None
    shown = lambda key: {v: number(t) for v, t in dom.data.get(key, [])}
    expect("documents per status", shown("data-status"), stats["documents"])
    expect("documents", [int(v) for v, _ in dom.data.get("data-documents", [])],
           [sum(stats["documents"].values())])
    errors = stats["documents"].get("error", 0)
    expect("errors", [int(v) for v, _ in dom.data.get("data-errors", [])], [errors])
    expect("error rows listed", dom_text.count('class="error"'), min(errors, 50))
    expect("articles", [int(v) for v, _ in dom.data.get("data-articles", [])],
           [stats["rows"]["articles"]])
    expect("copies", [int(v) for v, _ in dom.data.get("data-copies", [])],
           [stats["copied_articles"]])
    expect("rows per table", shown("data-rows"), stats["rows"])
    people = stats["top_entities"].get("person", [])
    if people and people[0][0] not in dom_text:
        problems.append(f"the top person {people[0][0]} is not on the page")
    kinds = {kind for kind, _unit, _count, _median in stats["top_figures"]}
    figure_kinds = {v.split("|")[0] for v, _ in dom.data.get("data-figure", [])}
    if not kinds <= figure_kinds:
        problems.append(f"figure kinds {sorted(kinds - figure_kinds)} missing from the page")

    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    if colours is not None and len(colours) < 8:
        problems.append(f"the screenshot is blank ({len(colours)} colours)")
    width, height = image.size
    print(f"report: {page.stat().st_size // 1024 + 1} KB, sections {', '.join(dom.sections)}; "
          f"screenshot {width}x{height}, "
          f"{'many' if colours is None else len(colours)} colours")
    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
