/* backprop-lab: open a player's frame at full size (for a phone, where the frame is shrunk to
   the screen's width and its labels become a few pixels high).

   Every img.bpl-frame of a kernel-free player (backprop_lab.widgets, classes bpl-player and
   bpl-frame) becomes a button: a tap, a click, Enter or Space opens an overlay that shows the
   current frame at its natural size (at least twice the width it has in the page), in a box
   that scrolls in both directions (pan with a finger; the browser's pinch zoom still works).
   "+" and "-" (buttons or keys) zoom, a tap on the image, the close button or Escape closes it,
   and the focus returns to the frame. While it is open the overlay follows the player (an
   animation that plays on keeps showing its current frame). Offline: no request, ES5.
   Loaded on every page (html_js_files in _config.yml); tests/test_book_browser.py checks it. */
(function () {
  "use strict";
  var STEPS = [1, 1.5, 2, 3];
  var overlay = null, scroller = null, big = null, title = null, closeBtn = null;
  var source = null, observer = null, baseWidth = 0, step = 0, opener = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function build() {
    overlay = el("div", "bpl-zoom");
    overlay.hidden = true;
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Figure at full size");
    var bar = el("div", "bpl-zoom-bar");
    title = el("span", "bpl-zoom-title");
    var minus = el("button", "bpl-zoom-out", "\u2212");
    minus.type = "button";
    minus.setAttribute("aria-label", "zoom out");
    var plus = el("button", "bpl-zoom-in", "+");
    plus.type = "button";
    plus.setAttribute("aria-label", "zoom in");
    closeBtn = el("button", "bpl-zoom-close", "\u2715 close");
    closeBtn.type = "button";
    closeBtn.setAttribute("aria-label", "close the full-size figure");
    bar.appendChild(title);
    bar.appendChild(minus);
    bar.appendChild(plus);
    bar.appendChild(closeBtn);
    scroller = el("div", "bpl-zoom-scroll");
    scroller.tabIndex = 0; /* the arrow keys scroll it */
    scroller.setAttribute("aria-label", "figure; scroll to see all of it");
    big = el("img", "bpl-zoom-img");
    scroller.appendChild(big);
    overlay.appendChild(bar);
    overlay.appendChild(scroller);
    document.body.appendChild(overlay);

    minus.addEventListener("click", function () { zoom(-1); });
    plus.addEventListener("click", function () { zoom(1); });
    closeBtn.addEventListener("click", close);
    big.addEventListener("click", close);
    scroller.addEventListener("click", function (ev) { if (ev.target === scroller) { close(); } });
    overlay.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); close(); }
      else if (ev.key === "+" || ev.key === "=") { ev.preventDefault(); zoom(1); }
      else if (ev.key === "-") { ev.preventDefault(); zoom(-1); }
      else if (ev.key === "Tab") { trap(ev); }
    });
  }

  function trap(ev) { /* keep the focus inside the dialog */
    var items = overlay.querySelectorAll("button, .bpl-zoom-scroll");
    var first = items[0], last = items[items.length - 1];
    if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
  }

  function size() {
    big.style.width = Math.round(baseWidth * STEPS[step]) + "px";
  }

  function zoom(d) {
    step = Math.max(0, Math.min(STEPS.length - 1, step + d));
    size();
  }

  function copy() {
    big.src = source.src;
    big.alt = source.alt;
    title.textContent = source.alt;
  }

  function open(img) {
    if (!overlay) { build(); }
    source = img;
    opener = img;
    step = 0;
    var natural = img.naturalWidth || parseInt(img.getAttribute("width"), 10) || 0;
    var inline = img.getBoundingClientRect().width;
    baseWidth = Math.max(natural, 2 * inline);
    copy();
    size();
    observer = new MutationObserver(copy);
    observer.observe(img, { attributes: true, attributeFilter: ["src", "alt"] });
    overlay.hidden = false;
    document.documentElement.classList.add("bpl-zoom-open");
    scroller.scrollLeft = 0;
    scroller.scrollTop = 0;
    closeBtn.focus();
  }

  function close() {
    if (!overlay || overlay.hidden) { return; }
    overlay.hidden = true;
    document.documentElement.classList.remove("bpl-zoom-open");
    if (observer) { observer.disconnect(); observer = null; }
    source = null;
    if (opener) { opener.focus(); opener = null; }
  }

  function enable(img) {
    if (img.hasAttribute("data-bpl-zoom")) { return; }
    img.setAttribute("data-bpl-zoom", "1");
    img.tabIndex = 0;
    img.setAttribute("role", "button");
    img.setAttribute("aria-haspopup", "dialog");
    img.title = "Open the figure at full size";
    if (img.parentNode && img.parentNode.setAttribute) {
      img.parentNode.setAttribute("data-bpl-zoomable", "1");
    }
    img.addEventListener("click", function () { open(img); });
    img.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(img); }
    });
  }

  function init() {
    var imgs = document.querySelectorAll(".bpl-player img.bpl-frame");
    for (var i = 0; i < imgs.length; i++) { enable(imgs[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
