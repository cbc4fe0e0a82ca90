// Fit the LMS frame to the page: when Kurswerk is shown inside an LMS iframe, ask the
// platform to make the frame as tall as the page, so the reader has one scroll bar (the
// LMS page's), not a second one inside the frame.
//
// The message is Canvas's (window.postMessage from a tool, "lti.frameResize"):
//   window.parent.postMessage({subject: "lti.frameResize", height: <px>}, targetOrigin)
// sent when the page has loaded and again whenever its height changes (a details element
// opened, an image or font loaded, a narrower window). Platforms that do not know the
// message ignore it; the page then scrolls inside the frame as before.
//
// Only when framed: a page opened in a window of its own (the "new window" launch) sends
// nothing. Only on a real change: the height is rounded up to whole pixels and a height
// equal to the last one sent is not sent again; the ResizeObserver reports at most once per
// rendered frame. The height measured is the document's own (the root element's box), not
// the viewport's, so the frame growing to it does not make it grow again.
//
// A page whose height follows the viewport's (vh units, as the PDF viewer's) would chase
// the frame forever: each taller frame makes the page taller. When the page grows (or
// shrinks) with the frame twice in a row by at least half as much, this stops asking and
// marks the page (data-kw-frame-fit="stopped"); the page then scrolls inside the frame. A
// later change of the page itself, with the frame unchanged, asks again. A page built
// around the viewport says so beforehand with data-kw-frame-fit="off" on any element (the
// PDF viewer does): it never asks, and keeps the frame the LMS gave it.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }

  // Where to send it: the embedding page's origin as the browser states it
  // (location.ancestorOrigins; Chromium and Safari). Where the browser does not say
  // (Firefox), "*": the message carries only a height, and Kurswerk's CSP frame-ancestors
  // already lets only the registered platforms frame it.
  function parentOrigin() {
    var ancestors = window.location.ancestorOrigins;
    var first = ancestors && ancestors.length ? ancestors[0] : "";
    return /^https?:\/\/[^/]+$/.test(first) ? first : "*";
  }

  var target = parentOrigin();
  var root = document.documentElement;
  var lastSent = -1;
  var lastHeight = -1;
  var lastView = -1;
  var chases = 0;

  function pageHeight() {
    var height = root.getBoundingClientRect().height;
    // A horizontal scroll bar takes height from the frame's viewport: ask for it too.
    var scrollbar = Math.max(0, window.innerHeight - root.clientHeight);
    return Math.ceil(height + scrollbar);
  }

  // Whether the page's height followed the frame's since the last measurement.
  function followedTheFrame(height, view) {
    var grewView = view - lastView;
    var grewPage = height - lastHeight;
    return lastView >= 0 && grewView * grewPage > 0 && 2 * Math.abs(grewPage) >= Math.abs(grewView);
  }

  function send() {
    if (document.querySelector("[data-kw-frame-fit='off']")) {
      return;
    }
    var height = pageHeight();
    var view = window.innerHeight;
    if (view !== lastView) {
      chases = followedTheFrame(height, view) ? chases + 1 : 0;
    } else if (height !== lastHeight) {
      chases = 0;
    }
    lastHeight = height;
    lastView = view;
    if (chases >= 2) {
      root.setAttribute("data-kw-frame-fit", "stopped");
      return;
    }
    root.removeAttribute("data-kw-frame-fit");
    if (height <= 0 || height === lastSent) {
      return;
    }
    lastSent = height;
    window.parent.postMessage({ subject: "lti.frameResize", height: height }, target);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", send);
  } else {
    send();
  }
  window.addEventListener("load", send);
  if (typeof window.ResizeObserver === "function") {
    new window.ResizeObserver(send).observe(root);
  } else {
    window.addEventListener("resize", send);
  }
})();
