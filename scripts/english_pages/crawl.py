"""Crawl the English public pages of a demo database and write their visible text as JSON.

Run by compare.sh inside a checkout (old or new). Digits become 9 and CSRF tokens are dropped,
so two demos built at the same moment compare on their words.
"""

import json
import os
import re
import sys
from html.parser import HTMLParser

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxcenter.settings.dev")
django.setup()

from django.test import Client  # noqa: E402

START = ["/en/", "/en/consultation/", "/en/privacy/", "/en/seminars/", "/en/news/"]
TOKEN = re.compile(r"^[A-Za-z0-9]{64}$")


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        for key in ("alt", "aria-label", "placeholder", "title", "value"):
            if a.get(key) and tag != "meta":
                self.parts.append(a[key])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))


def main(out: str) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    seen: set[str] = set()
    queue = list(START)
    pages: dict[str, list[str]] = {}
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            pages[url] = [f"STATUS {response.status_code}"]
            continue
        parser = Text()
        parser.feed(response.content.decode())
        pages[url] = [re.sub(r"\d", "9", t) for t in parser.parts if not TOKEN.match(t)]
        for href in parser.links:
            href = href.split("#")[0].removeprefix("http://127.0.0.1")
            if href.startswith("/en/") and "?" not in href and href not in seen:
                queue.append(href)
    with open(out, "w") as f:
        json.dump(pages, f, ensure_ascii=False, indent=1)
    print(f"{len(pages)} English pages crawled")


if __name__ == "__main__":
    main(sys.argv[1])
