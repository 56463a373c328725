// "Sync now" on the integrations page: start a background sync through the API, then poll its job
// until it finishes, showing progress and the result in place (no reload, no inline script).
(function () {
  "use strict";
  if (window.syncNowReady) return; // loaded once even if the tag appears twice
  window.syncNowReady = true;

  const POLL_MS = 1500;
  const GIVE_UP_AFTER_MS = 45 * 60 * 1000;
  const ACTIVE = new Set(["queued", "running"]);

  function show(box, text, state) {
    box.querySelector(".sync-now-status").textContent = text;
    box.dataset.state = state;
  }

  async function call(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error((body.error && body.error.message) || "HTTP " + response.status);
    }
    return body;
  }

  function describe(job, seconds) {
    switch (job.status) {
      case "queued": return "Waiting to start…";
      case "running": return "Syncing… " + seconds + " s";
      case "ok": return "Done: " + job.rows + " rows written.";
      case "deferred": return "Partly done (" + job.rows + " rows); the rest follows in the next sync. " + (job.message || "");
      case "skipped": return "Skipped: " + (job.message || "another sync is running.");
      default: return "Failed: " + (job.message || "unknown error");
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function start(box) {
    const button = box.querySelector("button");
    const began = Date.now();
    button.disabled = true;
    show(box, "Starting…", "running");
    try {
      let { job } = await call(box.dataset.syncUrl, {
        method: "POST",
        headers: { "X-CSRFToken": box.dataset.csrfToken, Accept: "application/json" },
      });
      while (ACTIVE.has(job.status) && Date.now() - began < GIVE_UP_AFTER_MS) {
        show(box, describe(job, Math.round((Date.now() - began) / 1000)), "running");
        await sleep(POLL_MS);
        ({ job } = await call(job.url, { headers: { Accept: "application/json" } }));
      }
      show(box, describe(job, 0), job.status);
    } catch (error) {
      show(box, "Could not sync: " + error.message, "failed");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".sync-now button");
    if (button) start(button.closest(".sync-now"));
  });
})();
