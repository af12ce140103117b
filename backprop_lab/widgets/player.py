"""The kernel-free face: a self-contained HTML player of precomputed frames.

:class:`_PlayerFace` gives an interactive figure its ``to_html()``: every frame as a
base64 PNG, the controls as ``<input type="range">``/``<select>`` (an animation adds
previous, play/pause and next buttons) and a few lines of inline ES5 that swap the
images. No URL anywhere, ASCII only, deterministic bytes. The DOM contract (class names
``bpl-player``, ``bpl-frame``, ...) is in the package docstring of
:mod:`backprop_lab.widgets`; browser tests and the book's CSS/JS rely on it.
"""

from __future__ import annotations

import hashlib
import html
import json

from backprop_lab.viz import PALETTE
from backprop_lab.widgets.core import _png_size, base64_png


class _PlayerFace:
    """The ``text/html`` face of a figure core (mixed into the public figure classes)."""

    def _initial_frame(self) -> int:
        k = 0
        for c in self.controls:
            k = k * len(c) + c.index
        return k

    def to_html(self) -> str:
        """The self-contained kernel-free player (the ``text/html`` face), cached."""
        if self._html is None:
            self._html = self._build_html()
        return self._html

    def _build_html(self) -> str:
        pngs = self.frames()
        images: list[str] = []
        seen: dict[bytes, int] = {}
        frame_map = []
        for png in pngs:  # identical frames (a converged path) are stored once
            if png not in seen:
                seen[png] = len(images)
                images.append(base64_png(png))
            frame_map.append(seen[png])
        alts = [f"{self.alt} ({self._describe(v)})" for v in self._combinations()]
        h = hashlib.sha1(self._kind.encode())
        for c in self.controls:
            h.update(json.dumps([c.kind, c.name, c.label, c.labels]).encode())
        h.update(json.dumps([self.caption, self.alt]).encode())
        for png in pngs:
            h.update(png)
        pid = h.hexdigest()[:12]
        data = {
            "controls": [{"name": c.name, "labels": c.labels} for c in self.controls],
            "images": images,
            "frames": frame_map,
            "alts": alts,
            "interval": getattr(self, "interval", 0),
        }
        k0 = self._initial_frame()
        width, height = _png_size(pngs[k0])
        caption = (
            f'<figcaption class="bpl-caption">{_esc(self.caption)}</figcaption>'
            if self.caption
            else ""
        )
        return (
            f'<div class="bpl-player" data-bpl-kind="{self._kind}" data-bpl-id="{pid}" '
            f'data-bpl-frame="{k0}">'
            f"<style>{_CSS}</style>"
            f'<div class="bpl-controls">{self._controls_html()}</div>'
            f'<figure class="bpl-figure"><img class="bpl-frame" '
            f'src="data:image/png;base64,{images[frame_map[k0]]}" alt="{_esc(alts[k0])}" '
            f'width="{width}" height="{height}">{caption}</figure>'
            f'<script type="application/json" class="bpl-data">{_json_for_script(data)}</script>'
            f"<script>{_JS.replace('%ID%', pid)}</script>"
            "</div>"
        )

    def _controls_html(self) -> str:
        parts = []
        for c in self.controls:
            label = _esc(c.label)
            value = _esc(c.labels[c.index])
            name = _esc(c.name)  # a Python identifier, but it may be non-ASCII ("η")
            out = f'<output class="bpl-value" data-bpl-control="{name}">{value}</output>'
            if c.kind == "choice":
                options = "".join(
                    f'<option value="{i}"{" selected" if i == c.index else ""}>{_esc(t)}</option>'
                    for i, t in enumerate(c.labels)
                )
                widget = (
                    f'<select class="bpl-select" data-bpl-control="{name}">{options}</select>'
                )
            else:
                widget = (
                    f'<input type="range" class="bpl-range" data-bpl-control="{name}" '
                    f'min="0" max="{len(c) - 1}" step="1" value="{c.index}" '
                    f'aria-valuetext="{value}">'
                )
            parts.append(
                f'<label class="bpl-control"><span class="bpl-label">{label}</span>'
                f"{widget}</label>{out}"
            )
        return "".join(parts)



#: the buttons of an animation's player, before its scrubber
_ANIMATION_BUTTONS = (
    '<button type="button" class="bpl-prev" aria-label="previous step">'
    "&#9664; prev</button>"
    '<button type="button" class="bpl-play" aria-pressed="false" aria-label="play">'
    "&#9654; play</button>"
    '<button type="button" class="bpl-next" aria-label="next step">'
    "next &#9654;</button>"
)


def _esc(text) -> str:
    """HTML-escape and keep the output ASCII (non-ASCII as character references)."""
    return html.escape(str(text), quote=True).encode("ascii", "xmlcharrefreplace").decode()


def _json_for_script(data) -> str:
    """JSON safe inside ``<script>``: ASCII only, and no ``<`` (no ``</script>``, no ``<!--``)."""
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")


_CSS = (
    ".bpl-player{margin:.5em 0 1.2em;max-width:100%}"
    ".bpl-player .bpl-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.3em .8em;"
    "margin:.2em 0 .4em}"
    ".bpl-player .bpl-control{display:inline-flex;align-items:center;gap:.5em;margin:0}"
    ".bpl-player .bpl-range{width:min(16em,60vw)}"
    ".bpl-player .bpl-value{font-weight:600;font-variant-numeric:tabular-nums;min-width:3.5em}"
    ".bpl-player .bpl-buttons{display:inline-flex;gap:.3em}"
    ".bpl-player button{font:inherit;padding:.15em .6em;border:1px solid #555;border-radius:4px;"
    "background:#f4f4f4;color:#111;cursor:pointer}"
    ".bpl-player input:focus-visible,.bpl-player select:focus-visible,"
    ".bpl-player button:focus-visible{outline:3px solid " + PALETTE["blue"] + ";"
    "outline-offset:2px}"
    ".bpl-player .bpl-figure{margin:0}"
    ".bpl-player .bpl-frame{display:block;max-width:100%;height:auto;background:#fff}"
    ".bpl-player .bpl-caption{font-size:.9em;margin-top:.3em}"
)

# ES5, no globals; initialises every player with this id not yet initialised (the same
# figure may be shown twice on a page). Frame index: mixed radix over the controls.
_JS = """(function(){
var roots=document.querySelectorAll('div.bpl-player[data-bpl-id="%ID%"]');
for(var r=0;r<roots.length;r++){init(roots[r]);}
function init(root){
if(root.getAttribute('data-bpl-ready')){return;}
root.setAttribute('data-bpl-ready','1');
var data=JSON.parse(root.querySelector('script.bpl-data').textContent);
var img=root.querySelector('img.bpl-frame');
var ctrls=data.controls.map(function(c){var q='[data-bpl-control="'+c.name+'"]';
return {n:c.labels.length,labels:c.labels,el:root.querySelector('.bpl-range'+q+',.bpl-select'+q),
out:root.querySelector('.bpl-value'+q)};});
function show(){var k=0;
ctrls.forEach(function(c){var i=parseInt(c.el.value,10);k=k*c.n+i;c.out.textContent=c.labels[i];
if(c.el.type==='range'){c.el.setAttribute('aria-valuetext',c.labels[i]);}});
img.src='data:image/png;base64,'+data.images[data.frames[k]];img.alt=data.alts[k];
root.setAttribute('data-bpl-frame',String(k));}
ctrls.forEach(function(c){c.el.addEventListener('input',show);c.el.addEventListener('change',show);});
var play=root.querySelector('button.bpl-play');
if(play){var s=ctrls[0].el,n=ctrls[0].n,timer=null;
var go=function(i){s.value=String(Math.max(0,Math.min(n-1,i)));show();};
var stop=function(){if(timer!==null){clearInterval(timer);timer=null;}
play.innerHTML='&#9654; play';play.setAttribute('aria-pressed','false');
play.setAttribute('aria-label','play');};
play.addEventListener('click',function(){if(timer!==null){stop();return;}
if(parseInt(s.value,10)>=n-1){go(0);}
timer=setInterval(function(){var i=parseInt(s.value,10);if(i>=n-1){stop();}else{go(i+1);}},
data.interval);
play.innerHTML='&#10074;&#10074; pause';play.setAttribute('aria-pressed','true');
play.setAttribute('aria-label','pause');});
root.querySelector('button.bpl-prev').addEventListener('click',function(){stop();
go(parseInt(s.value,10)-1);});
root.querySelector('button.bpl-next').addEventListener('click',function(){stop();
go(parseInt(s.value,10)+1);});
s.addEventListener('input',stop);}
show();}
})();"""
