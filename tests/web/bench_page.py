"""How long the page takes to draw a result once the answer is in: prints figures.

    ./scripts/serve.sh &   # or any running service
    .venv/bin/python -m tests.web.bench_page [--url URL] [--repeat N] [ARTICLE.txt]

Opens the page of the running service in Debian's chromium and runs the article repeated
1, 10 and 80 times (80 copies of the seed article are just under the 200 000-character
default limit). From the browser's own clocks (Resource and User Timing) it reports the
request (sent to answer received: mostly the service's work) and the page's own work after
it (reading the JSON, drawing the spans and the speaker list), as medians. Not a test:
figures vary with the machine.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from tests.conftest import SHARED
from tests.web.conftest import CHROMIUM, LAPTOP, LAUNCH_ARGS, set_text, wait_until_idle

# The last request to the API, and when the page had drawn its answer (page.js marks it).
TIMINGS = """() => [
  performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/v1/quotes")).at(-1).toJSON(),
  performance.getEntriesByName("quote-attribution:result-drawn").at(-1).startTime,
]"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "article", nargs="?", type=Path, default=SHARED / "examples/lavrov-kono.txt"
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running service")
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (default 5)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    article = args.article.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport=LAPTOP)
        page.set_default_timeout(600_000)  # a 200 000-character article takes a while
        page.goto(args.url.rstrip("/") + "/")
        print(f"{'copies':>6} {'chars':>8} {'quotes':>6} {'request ms':>10} {'drawing ms':>10}")
        for copies in (1, 10, 80):
            text = "\n\n".join([article] * copies)
            request, drawing = [], []
            for _ in range(args.repeat):
                set_text(page, text)
                page.evaluate("performance.clearResourceTimings(); performance.clearMarks()")
                page.click("#run")
                wait_until_idle(page)
                fetched, drawn = page.evaluate(TIMINGS)
                request.append(fetched["responseEnd"] - fetched["requestStart"])
                drawing.append(drawn - fetched["responseEnd"])
            quotes = page.eval_on_selector_all(
                "#article-view mark.quote[tabindex='0']", "m => m.length"
            )
            print(
                f"{copies:>6} {len(text):>8} {quotes:>6} "
                f"{statistics.median(request):>10.0f} {statistics.median(drawing):>10.0f}"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
