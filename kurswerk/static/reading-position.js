// Where the reader is in a lesson (progressive enhancement; course/progress).
//
// The lesson page names the headings of its table of contents and where to report
// (course/_reading_position.html). As the reader scrolls, the last of those headings that
// has passed the upper quarter of the window is "the section reached"; it is posted with
// the page's CSRF token, at most once every few seconds and once more when the page is
// left, so the course home can link back to it. Without JavaScript, or without
// IntersectionObserver, nothing is posted: the lesson page records the lesson itself.

const INTERVAL_MS = 5000;

function start() {
  const holder = document.querySelector("[data-kw-reading-position]");
  const meta = document.querySelector('meta[name="kw-csrf"]');
  if (!holder || !meta || !("IntersectionObserver" in window)) return;
  const url = holder.getAttribute("data-kw-reading-position");
  const token = meta.getAttribute("content");
  const headings = (holder.getAttribute("data-kw-sections") || "")
    .split(" ")
    .map((id) => (id ? document.getElementById(id) : null))
    .filter((element) => element !== null);
  if (!url || !token || headings.length === 0) return;

  let reached = "";
  let sent = "";
  let timer = null;
  let lastSent = 0;

  function send() {
    timer = null;
    if (!reached || reached === sent) return;
    sent = reached;
    lastSent = Date.now();
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRF-Token": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ section: reached }),
    }).catch(() => {
      sent = ""; // try again with the next report
    });
  }

  function schedule() {
    if (timer !== null) return;
    const wait = Math.max(0, lastSent + INTERVAL_MS - Date.now());
    timer = window.setTimeout(send, wait);
  }

  function update() {
    const line = window.innerHeight * 0.25;
    let current = "";
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top <= line) current = heading.id;
    }
    if (current && current !== reached) {
      reached = current;
      schedule();
    }
  }

  const observer = new IntersectionObserver(update, { rootMargin: "0px 0px -75% 0px" });
  headings.forEach((heading) => observer.observe(heading));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && timer !== null) {
      window.clearTimeout(timer);
      send();
    }
  });
  window.addEventListener("pagehide", () => {
    if (timer !== null) {
      window.clearTimeout(timer);
      send();
    }
  });
}

start();
