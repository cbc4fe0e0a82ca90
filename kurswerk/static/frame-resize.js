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

  function pageHeight() {
    var height = root.getBoundingClientRect().height;
    // A horizontal scroll bar takes height from the frame's viewport: ask for it too.
    var scrollbar = Math.max(0, window.innerHeight - root.clientHeight);
    return Math.ceil(height + scrollbar);
  }

  function send() {
    var height = pageHeight();
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
