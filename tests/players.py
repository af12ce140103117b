"""Reading the kernel-free player that backprop_lab.widgets writes (see its module docstring).

Shared by the widget tests and the chapter tests; not a test module itself.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser


class DOM(HTMLParser):
    """Flat list of (tag, attrs) plus the text of the data script and of captions."""

    def __init__(self, text):
        super().__init__()
        self.elements = []
        self.texts = {}
        self._open = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        attrs["class"] = attrs.get("class", "").split()
        self.elements.append((tag, attrs))
        self._open = (tag, tuple(attrs["class"]))

    def handle_data(self, data):
        if self._open is not None:
            self.texts.setdefault(self._open, "")
            self.texts[self._open] += data

    def handle_endtag(self, tag):
        self._open = None

    def find(self, tag, cls=None, **attrs):
        return [
            a
            for t, a in self.elements
            if t == tag
            and (cls is None or cls in a["class"])
            and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def data_of(html):
    dom = DOM(html)
    return json.loads(dom.texts[("script", ("bpl-data",))])
