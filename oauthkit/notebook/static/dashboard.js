// oauthkit dashboard: the browser side of oauthkit/notebook/dashboard_widget.py.
//
// The contract is docs/dashboard-view.md. Python syncs facts, every instant a Unix time on the
// kernel's clock; this module keeps the time. Once a second it recomputes each countdown from
// those instants, corrected by skew = clock - Date.now()/1000 (measured whenever `clock` changes),
// and rewrites only the text nodes whose words changed. No imports, no network, no framework.
// Every string from Python goes in as text (textContent), except the QR code's SVG markup.

const DEFAULT_PAGE_SIZE = 25;
const SUMMARY_CHARS = 140;
const GROUP_MEMBERS_SHOWN = 200;
const SVG_NS = "http://www.w3.org/2000/svg";
const PRESETS = [
  ["5m", "5 min", 300],
  ["1h", "1 h", 3600],
  ["24h", "24 h", 86400],
  ["all", "all", null],
];
const TICK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
  172800, 604800, 2592000,
];
const STATE_WORDS = {
  valid: "valid",
  expiring: "expiring",
  expired: "expired",
  none: "no access token yet",
};
// History columns; `sort` marks the ones a header click sorts by.
const COLUMNS = [
  { key: "at", label: "at", sort: true },
  { key: "key", label: "connection", sort: true },
  { key: "trigger", label: "trigger", sort: true },
  { key: "outcome", label: "outcome", sort: true },
  { key: "error", label: "error", sort: false },
  { key: "status", label: "status", sort: true },
  { key: "latency_ms", label: "latency", sort: true },
  { key: "lifetime_s", label: "lifetime", sort: true },
  { key: "access_fp", label: "token", sort: false },
];
const ROW_FIELDS = [
  "at", "key", "trigger", "outcome", "attempt", "status", "latency_ms", "expires_at",
  "lifetime_s", "access_fp", "error", "detail",
];

let highestNonce = 0; // shared by every view in the page: a nonce only ever grows
let viewCount = 0; // for ids unique in the document (aria-controls)

// ---- small helpers ------------------------------------------------------------------------------
function num(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
function list(v) {
  return Array.isArray(v) ? v : [];
}
function obj(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : null;
}
function str(v) {
  return v === null || v === undefined ? "" : String(v);
}
function pad2(n) {
  return String(n).padStart(2, "0");
}
function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

function h(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}
function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  return node;
}
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
function setShown(node, on) {
  if (node.hidden === on) node.hidden = !on;
}
function setClass(node, cls, on) {
  if (node.classList.contains(cls) !== on) node.classList.toggle(cls, on);
}
function setAttr(node, name, value) {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}
function setDisabled(node, on) {
  if (node.disabled !== on) node.disabled = on;
}

// ---- words for durations --------------------------------------------------------------------------
function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${pad2(s % 60)} s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${pad2(m % 60)} m`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}
const left = (seconds) => span(Math.ceil(seconds)); // a countdown reaches "1 s left", then ends
const ago = (seconds) => span(Math.floor(seconds));
const soon = (seconds) => (seconds < 10 ? `${Math.max(0, seconds).toFixed(1)} s` : left(seconds));
function words(seconds) {
  const s = Math.abs(seconds);
  const unit = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
  if (s < 90) return unit(Math.round(s), "second");
  if (s < 90 * 60) return unit(Math.round(s / 60), "minute");
  if (s < 48 * 3600) return unit(Math.round(s / 3600), "hour");
  return unit(Math.round(s / 86400), "day");
}

/** `text` on one line, at most `limit` characters, cut between words (an ellipsis says so); only
 * a text without any space (one long token) is cut inside it. */
function cutAtWord(text, limit = SUMMARY_CHARS) {
  const flat = str(text).split(/\s+/).filter(Boolean).join(" ");
  if (flat.length <= limit) return flat;
  let head = flat.slice(0, limit - 1);
  const space = head.lastIndexOf(" ");
  if (space > 0) head = head.slice(0, space);
  return head.replace(/[\s,;:.]+$/, "") + "\u2026";
}

function tokenState(token, leeway, now) {
  if (!token) return "none";
  const exp = num(token.expires_at);
  if (exp === null) return "valid";
  const rem = exp - now;
  if (rem <= 0) return "expired";
  return rem <= leeway ? "expiring" : "valid";
}

function safeUrl(value) {
  try {
    const url = new URL(str(value));
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function parseRgb(text) {
  const m = /rgba?\(([^)]+)\)/.exec(text || "");
  if (!m) return null;
  const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
}
function luminance(c) {
  const f = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // no permission (or no focus): fall back to a selected textarea
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.left = "-9999px";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// ---- one card ---------------------------------------------------------------------------------------
class CardView {
  constructor(view, id) {
    this.view = view;
    this.id = id;
    this.card = null;
    this.authKey = undefined;
    this.authCountdown = null;
    this.authExpires = null;

    this.title = h("span", { class: "oauthkit-title" });
    this.key = h("code", { class: "oauthkit-key" });
    this.state = h("span", { class: "oauthkit-state" });
    this.outcome = h("span", { class: "oauthkit-outcome oauthkit-live" });
    this.fill = h("div", { class: "oauthkit-bar-fill" });
    this.bar = h(
      "div",
      {
        class: "oauthkit-bar",
        role: "progressbar",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-label": "access token lifetime left",
      },
      this.fill,
    );
    this.countdown = h("div", { class: "oauthkit-countdown oauthkit-live" });
    this.next = h("div", { class: "oauthkit-next oauthkit-live", hidden: true });
    this.retry = h("div", { class: "oauthkit-retry oauthkit-live", hidden: true });
    this.fp = h("code", { class: "oauthkit-fp" });
    this.lifetime = h("dd", { class: "oauthkit-lifetime" });
    this.refreshExp = h("dd", { class: "oauthkit-refresh-expiry oauthkit-live" });
    this.rotations = h("dd", { class: "oauthkit-rotations" });
    const facts = h(
      "dl",
      { class: "oauthkit-facts" },
      h("dt", { text: "access token" }),
      h("dd", null, this.fp),
      h("dt", { text: "granted lifetime" }),
      this.lifetime,
      h("dt", { text: "refresh token" }),
      this.refreshExp,
      h("dt", { text: "rotations" }),
      this.rotations,
    );

    this.errSummary = h("div", { class: "oauthkit-error-summary" });
    this.errHint = h("div", { class: "oauthkit-hint" });
    this.errDetail = h("pre", { class: "oauthkit-error-detail" });
    this.errMore = h(
      "details",
      { class: "oauthkit-error-more" },
      h("summary", { text: "full error" }),
      this.errDetail,
    );
    this.copyBtn = h("button", { type: "button", class: "oauthkit-copy", text: "Copy" });
    this.copyBtn.addEventListener("click", () => view.copy(this.errorText(), this.copyBtn));
    this.error = h(
      "div",
      { class: "oauthkit-error", hidden: true },
      this.errSummary,
      this.errHint,
      h("div", { class: "oauthkit-error-tools" }, this.errMore, this.copyBtn),
    );

    this.auth = h("div", { class: "oauthkit-authorize", hidden: true });

    this.refreshBtn = h("button", { type: "button", class: "oauthkit-refresh", text: "Refresh now" });
    this.refreshBtn.addEventListener("click", () => this.command("refresh"));
    this.autoBox = h("input", { type: "checkbox", class: "oauthkit-auto" });
    this.autoBox.addEventListener("change", () => this.command("auto", { on: this.autoBox.checked }));
    this.autoText = h("span", { text: "auto-refresh" });
    this.autoLabel = h("label", { class: "oauthkit-auto-label" }, this.autoBox, this.autoText);
    this.reauthBtn = h("button", {
      type: "button",
      class: "oauthkit-reauthorize",
      text: "Re-authorize",
      hidden: true,
    });
    this.reauthBtn.addEventListener("click", () => this.command("reauthorize"));

    this.root = h(
      "div",
      { class: "oauthkit-card", "data-id": id, role: "group" },
      h("div", { class: "oauthkit-card-head" }, this.title, this.key),
      h(
        "div",
        { class: "oauthkit-status" },
        this.state,
        h("span", { class: "oauthkit-sep", text: " \u00b7 " }),
        this.outcome,
      ),
      this.bar,
      this.countdown,
      this.next,
      this.retry,
      facts,
      this.error,
      this.auth,
      h("div", { class: "oauthkit-actions" }, this.refreshBtn, this.autoLabel, this.reauthBtn),
    );
  }

  command(cmd, extra) {
    if (this.view.inactive()) return;
    this.view.send(cmd, this.id, extra);
    this.updateButtons();
  }

  errorText() {
    const last = obj(this.card && this.card.last) || {};
    const text = str(last.detail) || str(last.summary) || str(last.error);
    return last.hint ? `${text}\n${str(last.hint)}` : text;
  }

  update(c) {
    this.card = c;
    const title = str(c.title) || str(c.key);
    setText(this.title, title);
    setText(this.key, str(c.key));
    setAttr(this.root, "aria-label", `${title} ${str(c.key)}`);
    const tok = obj(c.token);
    setText(this.fp, tok ? str(tok.fp) || "-" : "none");
    const life = tok ? num(tok.lifetime) : null;
    setText(this.lifetime, !tok ? "-" : life === null ? "the provider does not say" : span(life));
    setText(this.rotations, String(num(c.rotations) ?? 0));

    const last = obj(c.last);
    const failed = !!last && last.outcome === "error";
    setShown(this.error, failed);
    if (failed) {
      const full = str(last.detail) || str(last.summary) || str(last.error) || "the refresh failed";
      setText(this.errSummary, cutAtWord(str(last.summary) || full));
      setText(this.errDetail, full);
      setText(this.errHint, str(last.hint));
      setShown(this.errHint, !!last.hint);
    }
    const authKey = JSON.stringify(c.authorize ?? null);
    if (authKey !== this.authKey) {
      this.authKey = authKey;
      this.renderAuthorize(obj(c.authorize));
    }
    this.tick(this.view.now());
  }

  renderAuthorize(a) {
    const box = this.auth;
    box.replaceChildren();
    this.authCountdown = null;
    this.authExpires = null;
    const kind = a ? str(a.kind) : "";
    setAttr(box, "data-kind", kind || null);
    if (kind === "link") {
      const url = safeUrl(a.url);
      box.append(
        h("div", { class: "oauthkit-authorize-title", text: "authorize in your browser:" }),
        url
          ? h("a", {
              class: "oauthkit-authorize-link",
              href: url,
              target: "_blank",
              rel: "noopener",
              title: url,
              text: "open the authorization page",
            })
          : h("span", { text: str(a.url) }),
        h("div", { class: "oauthkit-muted", text: "waiting for the provider to send you back..." }),
      );
    } else if (kind === "device") {
      const code = h("code", { class: "oauthkit-user-code", text: str(a.user_code) });
      const copy = h("button", { type: "button", class: "oauthkit-copy", text: "Copy" });
      copy.addEventListener("click", () => this.view.copy(str(a.user_code), copy));
      const href = safeUrl(a.verification_uri_complete) || safeUrl(a.verification_uri);
      const shown = str(a.verification_uri_complete) || str(a.verification_uri);
      box.append(
        h("div", { class: "oauthkit-authorize-title", text: "enter this code at the provider:" }),
        h("div", { class: "oauthkit-device-row" }, code, copy),
        href
          ? h("a", {
              class: "oauthkit-verify",
              href,
              target: "_blank",
              rel: "noopener",
              text: shown,
            })
          : h("div", { class: "oauthkit-verify", text: shown }),
      );
      const qr = str(a.qr_svg).trim();
      if (qr.startsWith("<svg")) {
        const holder = h("div", { class: "oauthkit-qr", role: "img", "aria-label": "QR code of the link" });
        holder.innerHTML = qr; // trusted: made by Python's segno from the verification link
        box.append(holder);
      }
      this.authExpires = num(a.expires_at);
      this.authCountdown = h("div", { class: "oauthkit-device-countdown oauthkit-live" });
      box.append(this.authCountdown);
    } else if (kind === "done") {
      box.append(h("div", { class: "oauthkit-authorize-done", text: "authorized: new tokens stored" }));
    } else if (kind === "failed") {
      box.append(
        h("div", { class: "oauthkit-authorize-failed", text: str(a.message) || "authorization failed" }),
      );
    }
    setShown(box, box.childElementCount > 0);
  }

  tick(now) {
    const c = this.card;
    if (!c) return;
    const v = this.view;
    const tok = obj(c.token);
    const state = tokenState(tok, num(c.leeway) ?? 0, now);
    setText(this.state, STATE_WORDS[state]);
    setAttr(this.state, "data-state", state);
    setAttr(this.root, "data-state", state);

    // the token: how long it has left
    const exp = tok ? num(tok.expires_at) : null;
    let pct = null;
    if (tok && exp !== null) {
      const rem = exp - now;
      setText(
        this.countdown,
        rem > 0 ? `${left(rem)} left \u00b7 expires at ${v.hms(exp)}` : `expired ${ago(-rem)} ago`,
      );
      const issued = num(tok.issued_at);
      const life = num(tok.lifetime) ?? (issued !== null ? exp - issued : null);
      if (life !== null && life > 0) pct = clamp((rem / life) * 100, 0, 100);
    } else {
      setText(this.countdown, tok ? "the provider gives no expiry" : "");
    }
    setShown(this.countdown, !!tok);
    setShown(this.bar, pct !== null);
    if (pct !== null) {
      const width = `${pct.toFixed(1)}%`;
      if (this.fill.style.width !== width) this.fill.style.width = width;
      setAttr(this.bar, "aria-valuenow", String(Math.round(pct)));
    }

    // the last refresh: what it did, apart from the token's state
    const last = obj(c.last);
    let out = "no refresh yet";
    const failed = !!last && last.outcome === "error";
    if (last) {
      const at = num(last.at);
      const when = at === null ? "" : now - at < 1 ? " just now" : ` ${ago(now - at)} ago`;
      const trigger = str(last.trigger);
      let verb = failed ? "last refresh failed" : "last refresh ok";
      if (trigger === "revoke") verb = failed ? "revocation failed" : "revoked";
      else if (trigger === "authorize" || trigger === "device" || trigger === "login")
        verb = failed ? "authorization failed" : "authorized";
      const failures = num(c.failures) ?? 0;
      out = verb + when + (failed && failures > 1 ? ` (${failures} in a row)` : "");
    }
    setText(this.outcome, out);
    setClass(this.outcome, "oauthkit-outcome-error", failed);
    setClass(this.outcome, "oauthkit-outcome-ok", !!last && !failed);

    // auto-refresh: when the next one comes
    setShown(this.next, c.auto === true);
    if (c.auto === true) {
      const at = num(c.next_refresh_at);
      let text = "auto-refresh on \u00b7 no refresh scheduled";
      if (at !== null) {
        const wait = at - now;
        text = `next refresh at ${v.hms(at)} (${wait > 0 ? `in ${left(wait)}` : "due now"})`;
      }
      setText(this.next, text);
    }

    // retries
    const retry = obj(c.retry);
    setShown(this.retry, !!retry);
    if (retry) {
      const at = num(retry.next_at);
      const head = `attempt ${str(retry.attempt)} of ${str(retry.of)}`;
      const tail = at === null ? "" : at - now > 0 ? `, retrying in ${soon(at - now)}` : ", retrying now";
      setText(this.retry, head + tail);
    }

    // the refresh token's expiry, in words
    let refresh = "-";
    if (tok) {
      const rexp = num(tok.refresh_expires_at);
      if (rexp === null) refresh = "the provider does not say";
      else refresh = rexp > now ? `expires in ${words(rexp - now)}` : `expired ${words(now - rexp)} ago`;
    }
    setText(this.refreshExp, refresh);

    if (this.authCountdown) {
      const at = this.authExpires;
      const text =
        at === null ? "" : at - now > 0 ? `the code expires in ${left(at - now)}` : "the code has expired";
      setText(this.authCountdown, text);
      setShown(this.authCountdown, at !== null);
    }
    this.updateButtons();
  }

  updateButtons() {
    const c = this.card;
    if (!c) return;
    const v = this.view;
    const off = v.inactive();
    const phase = str(c.phase);
    const busy = phase === "refreshing" || phase === "retrying" || phase === "authorizing";

    const pRefresh = v.pending.get(`refresh|${this.id}`);
    let text = "Refresh now";
    if (phase === "refreshing") text = "refreshing...";
    else if (phase === "retrying") text = "retrying...";
    else if (pRefresh) text = "Refresh now \u00b7 queued";
    setText(this.refreshBtn, text);
    setClass(this.refreshBtn, "queued", !!pRefresh && !busy);
    setDisabled(this.refreshBtn, off || busy || !!pRefresh);

    const pAuto = v.pending.get(`auto|${this.id}`);
    const checked = pAuto ? pAuto.on === true : c.auto === true;
    if (this.autoBox.checked !== checked) this.autoBox.checked = checked;
    setDisabled(this.autoBox, off);
    setText(this.autoText, pAuto ? "auto-refresh \u00b7 queued" : "auto-refresh");
    setClass(this.autoLabel, "queued", !!pAuto);

    const pRe = v.pending.get(`reauthorize|${this.id}`);
    setShown(this.reauthBtn, c.can_reauthorize === true);
    let re = "Re-authorize";
    if (phase === "authorizing") re = "authorizing...";
    else if (pRe) re = "Re-authorize \u00b7 queued";
    setText(this.reauthBtn, re);
    setClass(this.reauthBtn, "queued", !!pRe && phase !== "authorizing");
    setDisabled(this.reauthBtn, off || busy || !!pRe);
  }
}

// ---- the dashboard view --------------------------------------------------------------------------
class DashboardView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.uid = `oauthkit-d${++viewCount}`;
    this.disposers = [];
    this.timers = new Set();
    this.skew = 0;
    this.clockSeenAt = Date.now();
    this.frozenAt = null; // the kernel instant the view froze at (kernel gone or view closed)
    this.stale = false;
    this.closed = false;
    this.gone = false;
    this.pending = new Map(); // "cmd|id" -> {nonce, on?}: clicks the kernel has not taken up yet
    this.cardViews = new Map();
    this.cardsList = [];
    this.tab = "history";
    this.hist = { key: "", outcome: "", sort: "at", dir: -1, page: 0, open: new Set(), dirty: true };
    this.tl = { preset: "all", fixed: null, dirty: true, cache: null, geom: null, frame: 0 };
    this.theme = null;

    this.build();
    this.readClock();
    this.renderNotes();
    this.onCards();
    this.showTab("history");
    this.tick();

    const on = (name, fn) => {
      const event = `change:${name}`;
      const callback = () => fn.call(this);
      model.on(event, callback);
      this.disposers.push(() => model.off(event, callback));
    };
    on("clock", this.onClock);
    on("heartbeat_s", this.tick);
    on("closed", this.tick);
    on("notes", this.renderNotes);
    on("cards", this.onCards);
    on("events", this.onEvents);
    on("events_total", this.onEvents);
    on("page_size", this.onEvents);
    on("handled", this.onHandled);
    this.interval = setInterval(() => this.tick(), 1000);
    if (typeof ResizeObserver === "function") {
      this.resize = new ResizeObserver(() => {
        if (this.tab === "timeline") this.scheduleTimeline();
      });
      this.resize.observe(this.tlWrap);
    }
  }

  destroy() {
    clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.tl.frame) cancelAnimationFrame(this.tl.frame);
    if (this.resize) this.resize.disconnect();
    for (const dispose of this.disposers) dispose();
    this.disposers = [];
    this.root.remove();
  }

  later(fn, ms) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // ---- time ----
  readClock() {
    const clock = num(this.model.get("clock"));
    if (clock !== null && clock > 0) this.skew = clock - Date.now() / 1000;
    this.clockSeenAt = Date.now();
  }
  onClock() {
    this.readClock();
    this.tick();
  }
  now() {
    return this.frozenAt ?? Date.now() / 1000 + this.skew;
  }
  local(t) {
    return new Date((t - this.skew) * 1000);
  }
  hms(t) {
    const d = this.local(t);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }
  stamp(t) {
    const d = this.local(t);
    const today = new Date();
    const time = this.hms(t);
    if (d.toDateString() === today.toDateString()) return time;
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time}`;
  }
  inactive() {
    return this.stale;
  }

  tick() {
    let hb = num(this.model.get("heartbeat_s"));
    if (hb === null || hb <= 0) hb = 5;
    this.closed = this.model.get("closed") === true;
    this.gone = !this.closed && Date.now() - this.clockSeenAt > 3 * hb * 1000;
    const stale = this.closed || this.gone;
    if (stale && this.frozenAt === null) this.frozenAt = Date.now() / 1000 + this.skew;
    if (!stale) this.frozenAt = null;
    this.stale = stale;
    setClass(this.root, "oauthkit-stale", stale);
    if (this.closed) {
      setText(
        this.banner,
        "this dashboard was closed or replaced by a newer one: its buttons no longer act (run the cell again for a live view)",
      );
    } else if (this.gone) {
      const d = new Date(this.clockSeenAt);
      setText(
        this.banner,
        `kernel disconnected \u2014 last known state at ${pad2(d.getHours())}:${pad2(d.getMinutes())}`,
      );
    }
    setShown(this.banner, stale);
    this.updateTheme();
    const now = this.now();
    this.updateHeader(now);
    for (const cv of this.cardViews.values()) cv.tick(now);
    if (this.tab === "timeline" && (this.tl.dirty || !stale)) this.renderTimeline();
  }

  // The palette follows JupyterLab's body attribute; elsewhere (Notebook 7 without it, VS Code,
  // Colab) the background actually behind the view decides.
  updateTheme() {
    let dark = false;
    const marked = this.el.closest ? this.el.closest("[data-jp-theme-light]") : null;
    if (marked) dark = marked.getAttribute("data-jp-theme-light") === "false";
    else {
      const style = getComputedStyle(this.root);
      const jp = style.getPropertyValue("--jp-layout-color1").trim();
      let found = null;
      if (jp) found = parseRgb(style.backgroundColor);
      for (let n = this.el; !found && n && n.nodeType === 1; n = n.parentElement) {
        const c = parseRgb(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0.5) found = c;
      }
      dark = !!found && found.a > 0 && luminance(found) < 0.3;
    }
    const theme = dark ? "dark" : "light";
    if (theme !== this.theme) {
      this.theme = theme;
      this.root.setAttribute("data-okd-theme", theme);
      this.tl.dirty = true;
    }
  }

  // ---- commands ----
  send(cmd, id, extra) {
    const handled = num(this.model.get("handled")) ?? 0;
    const nonce = Math.max(highestNonce, handled) + 1;
    highestNonce = nonce;
    this.model.send({ cmd, id, ...(extra || {}), nonce });
    this.pending.set(`${cmd}|${id}`, { nonce, ...(extra || {}) });
  }
  onHandled() {
    const handled = num(this.model.get("handled")) ?? 0;
    for (const [k, p] of this.pending) if (p.nonce <= handled) this.pending.delete(k);
    for (const cv of this.cardViews.values()) cv.updateButtons();
  }
  copy(text, button) {
    copyText(text).then((ok) => {
      if (!button.isConnected) return;
      const label = button.dataset.label || button.textContent;
      button.dataset.label = label;
      button.textContent = ok ? "copied" : "select and copy by hand";
      this.later(() => {
        button.textContent = label;
      }, 1500);
    });
  }

  // ---- layout ----
  build() {
    this.root = h("div", { class: "oauthkit-dashboard" });
    this.banner = h("div", { class: "oauthkit-banner", role: "status", hidden: true });
    this.headerLine = h("span", { class: "oauthkit-summary" });
    this.header = h(
      "div",
      { class: "oauthkit-header" },
      h("span", { class: "oauthkit-brand", text: "oauthkit" }),
      this.headerLine,
    );
    this.notesBox = h("div", { class: "oauthkit-notes", hidden: true });
    this.grid = h("div", { class: "oauthkit-cards" });
    this.empty = h("div", { class: "oauthkit-empty oauthkit-muted", text: "no connections to show", hidden: true });

    const tablist = h("div", { class: "oauthkit-tabs", role: "tablist", "aria-label": "refresh log" });
    this.tabButtons = {};
    this.panels = {};
    const names = ["history", "timeline"];
    for (const [name, label] of [["history", "History"], ["timeline", "Timeline"]]) {
      const id = `${this.uid}-${name}`;
      const button = h("button", {
        type: "button",
        class: "oauthkit-tab",
        role: "tab",
        id: `${id}-tab`,
        "aria-controls": id,
        "data-tab": name,
        text: label,
      });
      button.addEventListener("click", () => this.showTab(name));
      button.addEventListener("keydown", (ev) => {
        if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
        const other = names[(names.indexOf(name) + 1) % names.length];
        this.showTab(other);
        this.tabButtons[other].focus();
        ev.preventDefault();
      });
      tablist.append(button);
      this.tabButtons[name] = button;
    }
    this.panels.history = this.buildHistory();
    this.panels.timeline = this.buildTimeline();
    for (const name of names) {
      const panel = this.panels[name];
      panel.id = `${this.uid}-${name}`;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", `${this.uid}-${name}-tab`);
    }
    this.root.append(
      this.banner,
      this.header,
      this.notesBox,
      this.grid,
      this.empty,
      tablist,
      this.panels.history,
      this.panels.timeline,
    );
    this.el.append(this.root);
  }

  showTab(name) {
    this.tab = name;
    for (const [n, button] of Object.entries(this.tabButtons)) {
      setAttr(button, "aria-selected", n === name ? "true" : "false");
      setAttr(button, "tabindex", n === name ? "0" : "-1");
      setShown(this.panels[n], n === name);
    }
    if (name === "history") this.renderHistory();
    else this.renderTimeline();
  }

  renderNotes() {
    const notes = list(this.model.get("notes")).map(str).filter(Boolean);
    this.notesBox.replaceChildren(...notes.map((n) => h("div", { class: "oauthkit-note", text: n })));
    setShown(this.notesBox, notes.length > 0);
  }

  updateHeader(now) {
    const cards = this.cardsList;
    let valid = 0;
    let failing = 0;
    for (const c of cards) {
      const state = tokenState(obj(c.token), num(c.leeway) ?? 0, now);
      if (state === "valid" || state === "expiring") valid += 1;
      if (obj(c.last) && c.last.outcome === "error") failing += 1;
    }
    const n = cards.length;
    setText(
      this.headerLine,
      ` \u00b7 ${n} connection${n === 1 ? "" : "s"} \u00b7 ${valid} valid \u00b7 ${failing} failing`,
    );
  }

  onCards() {
    const seen = new Set();
    const cards = [];
    for (const c of list(this.model.get("cards"))) {
      if (!obj(c) || typeof c.id !== "string" || seen.has(c.id)) continue;
      seen.add(c.id);
      cards.push(c);
    }
    this.cardsList = cards;
    let prev = null;
    for (const c of cards) {
      let cv = this.cardViews.get(c.id);
      if (!cv) {
        cv = new CardView(this, c.id);
        this.cardViews.set(c.id, cv);
      }
      cv.update(c);
      const want = prev ? prev.nextSibling : this.grid.firstChild;
      if (cv.root !== want) this.grid.insertBefore(cv.root, want);
      prev = cv.root;
    }
    for (const [id, cv] of this.cardViews) {
      if (!seen.has(id)) {
        cv.root.remove();
        this.cardViews.delete(id);
      }
    }
    setShown(this.empty, cards.length === 0);
    this.updateHeader(this.now());
    this.updateKeyFilter();
    this.tl.cache = null;
    this.tl.dirty = true;
    this.renderHistory();
  }

  onEvents() {
    this.tl.cache = null;
    this.tl.dirty = true;
    this.hist.dirty = true;
    this.updateKeyFilter();
    this.renderHistory();
  }

  // ---- history ----
  buildHistory() {
    const option = (value, label) => h("option", { value, text: label });
    this.fKey = h("select", { class: "oauthkit-filter-key" });
    this.fOutcome = h(
      "select",
      { class: "oauthkit-filter-outcome" },
      option("", "all"),
      option("ok", "ok"),
      option("error", "error"),
    );
    this.fKey.addEventListener("change", () => {
      this.hist.key = this.fKey.value;
      this.hist.page = 0;
      this.renderHistory();
    });
    this.fOutcome.addEventListener("change", () => {
      this.hist.outcome = this.fOutcome.value;
      this.hist.page = 0;
      this.renderHistory();
    });
    this.keyOptions = null;
    const filters = h(
      "div",
      { class: "oauthkit-filters" },
      h("label", null, h("span", { text: "connection " }), this.fKey),
      h("label", null, h("span", { text: "outcome " }), this.fOutcome),
    );
    this.hCount = h("div", { class: "oauthkit-history-count", "aria-live": "polite" });
    this.prevBtn = h("button", { type: "button", class: "oauthkit-page-prev", text: "previous" });
    this.nextBtn = h("button", { type: "button", class: "oauthkit-page-next", text: "next" });
    this.pageInfo = h("span", { class: "oauthkit-page-info" });
    this.prevBtn.addEventListener("click", () => {
      this.hist.page -= 1;
      this.renderHistory();
    });
    this.nextBtn.addEventListener("click", () => {
      this.hist.page += 1;
      this.renderHistory();
    });
    this.pager = h("div", { class: "oauthkit-pager" }, this.prevBtn, this.pageInfo, this.nextBtn);

    const headRow = h("tr");
    this.sortHeads = {};
    for (const col of COLUMNS) {
      const th = h("th", { scope: "col", "data-col": col.key });
      if (col.sort) {
        const mark = h("span", { class: "oauthkit-sort-mark", "aria-hidden": "true" });
        const button = h("button", { type: "button", class: "oauthkit-sort" }, col.label, mark);
        button.addEventListener("click", () => this.sortBy(col.key));
        th.append(button);
        this.sortHeads[col.key] = { th, mark };
      } else th.textContent = col.label;
      headRow.append(th);
    }
    this.tbody = h("tbody");
    this.tbody.addEventListener("click", (ev) => {
      const row = ev.target.closest && ev.target.closest("tr[data-row]");
      if (row && this.tbody.contains(row)) this.toggleRow(row.getAttribute("data-row"));
    });
    this.tbody.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      const row = ev.target.closest && ev.target.closest("tr[data-row]");
      if (!row) return;
      ev.preventDefault();
      this.toggleRow(row.getAttribute("data-row"), true);
    });
    this.table = h("table", { class: "oauthkit-history-table" }, h("thead", null, headRow), this.tbody);
    this.scroll = h(
      "div",
      { class: "oauthkit-scroll", tabindex: "0", role: "region", "aria-label": "refresh history" },
      this.table,
    );
    return h("div", { class: "oauthkit-panel oauthkit-history" }, filters, this.hCount, this.pager, this.scroll);
  }

  updateKeyFilter() {
    const keys = [];
    const seen = new Set();
    for (const c of this.cardsList) {
      const k = str(c.key);
      if (k && !seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
    if (this.hist.key && !seen.has(this.hist.key)) keys.push(this.hist.key);
    const sig = JSON.stringify(keys);
    if (sig === this.keyOptions) return;
    this.keyOptions = sig;
    this.fKey.replaceChildren(
      h("option", { value: "", text: "all" }),
      ...keys.map((k) => h("option", { value: k, text: k })),
    );
    this.fKey.value = this.hist.key;
  }

  sortBy(col) {
    const hs = this.hist;
    if (hs.sort === col) hs.dir = -hs.dir;
    else {
      hs.sort = col;
      hs.dir = col === "at" ? -1 : 1;
    }
    hs.page = 0;
    this.renderHistory();
  }

  toggleRow(id, keepFocus) {
    const open = this.hist.open;
    if (open.has(id)) open.delete(id);
    else open.add(id);
    this.renderHistory();
    if (keepFocus) {
      for (const row of this.tbody.querySelectorAll("tr[data-row]")) {
        if (row.getAttribute("data-row") === id) row.focus();
      }
    }
  }

  historyItems(rows) {
    // consecutive failures of one connection with the same error and detail are one item
    const items = [];
    const open = new Map();
    for (const r of rows) {
      const key = str(r.key);
      if (r.outcome === "error") {
        const sig = `${str(r.error)}\u0000${str(r.detail)}`;
        const run = open.get(key);
        if (run && run.sig === sig) {
          run.rows.push(r);
          continue;
        }
        const item = { rows: [r], sig };
        items.push(item);
        open.set(key, item);
      } else {
        open.delete(key);
        items.push({ rows: [r] });
      }
    }
    return items;
  }

  renderHistory() {
    if (this.tab !== "history") {
      this.hist.dirty = true;
      return;
    }
    this.hist.dirty = false;
    const hs = this.hist;
    const events = list(this.model.get("events")).filter((r) => obj(r));
    const total = events.length;
    const logTotal = Math.max(num(this.model.get("events_total")) ?? 0, total);
    const matched = events.filter(
      (r) => (!hs.key || str(r.key) === hs.key) && (!hs.outcome || r.outcome === hs.outcome),
    );
    let sorted = true;
    for (let i = 1; i < matched.length && sorted; i++) {
      if ((num(matched[i].at) ?? 0) < (num(matched[i - 1].at) ?? 0)) sorted = false;
    }
    const byTime = sorted ? matched : matched.slice().sort((a, b) => (num(a.at) ?? 0) - (num(b.at) ?? 0));
    const items = this.historyItems(byTime);
    const col = hs.sort;
    const dir = hs.dir;
    const value = (item) => item.rows[item.rows.length - 1][col];
    items.sort((x, y) => {
      const a = value(x);
      const b = value(y);
      const an = a === null || a === undefined || a === "";
      const bn = b === null || b === undefined || b === "";
      if (an || bn) return an === bn ? 0 : an ? 1 : -1; // missing values last, either way
      if (typeof a === "number" && typeof b === "number") return (a - b) * dir;
      return str(a).localeCompare(str(b)) * dir;
    });

    let size = num(this.model.get("page_size"));
    size = size !== null && size >= 1 ? Math.floor(size) : DEFAULT_PAGE_SIZE;
    const pages = Math.max(1, Math.ceil(items.length / size));
    hs.page = clamp(hs.page, 0, pages - 1);
    const first = hs.page * size;
    const shown = items.slice(first, first + size);

    const capped = logTotal > total ? `${logTotal} in the log, newest ${total} shown` : `${total} in the log`;
    let count;
    if (total === 0 && logTotal === 0) count = "no refreshes logged yet";
    else if (items.length === 0) count = `no events match this filter (${capped})`;
    else {
      count = `rows ${first + 1}\u2013${first + shown.length} of ${items.length}`;
      if (items.length !== matched.length) count += ` (${matched.length} events, repeats grouped)`;
      if (matched.length !== total || logTotal > total) count += ` \u00b7 ${capped}`;
    }
    setText(this.hCount, count);
    setShown(this.pager, pages > 1);
    setText(this.pageInfo, `page ${hs.page + 1} of ${pages}`);
    setDisabled(this.prevBtn, hs.page === 0);
    setDisabled(this.nextBtn, hs.page >= pages - 1);
    for (const [key, { th, mark }] of Object.entries(this.sortHeads)) {
      const on = key === col;
      setAttr(th, "aria-sort", on ? (dir < 0 ? "descending" : "ascending") : null);
      setText(mark, on ? (dir < 0 ? " \u2193" : " \u2191") : "");
    }

    const frag = document.createDocumentFragment();
    for (const item of shown) {
      if (item.rows.length > 1) this.groupRows(item, frag);
      else this.rowWithDetail(item.rows[0], frag, "");
    }
    this.tbody.replaceChildren(frag);
    if (this.scroll.clientWidth)
      this.scroll.style.setProperty("--okd-scroll-w", `${this.scroll.clientWidth}px`);
  }

  rowId(r) {
    return [r.at, r.key, r.trigger, r.attempt, r.outcome, r.access_fp].map(str).join("|");
  }

  cell(col, r) {
    const v = r[col];
    if (v === null || v === undefined || v === "") return "";
    if (col === "at") return num(v) === null ? str(v) : this.stamp(v);
    if (col === "latency_ms") return num(v) === null ? str(v) : `${Math.round(v)} ms`;
    if (col === "lifetime_s") return num(v) === null ? str(v) : span(v);
    return str(v);
  }

  rowWithDetail(r, frag, extraClass) {
    const id = this.rowId(r);
    const open = this.hist.open.has(id);
    const cls = r.outcome === "ok" ? "oauthkit-row-ok" : "oauthkit-row-error";
    const tr = h("tr", {
      class: `oauthkit-row ${cls}${extraClass}`,
      tabindex: "0",
      "data-row": id,
      "aria-expanded": open ? "true" : "false",
    });
    for (const col of COLUMNS) tr.append(h("td", { "data-col": col.key, text: this.cell(col.key, r) }));
    frag.append(tr);
    if (open) frag.append(this.detailRow(r));
  }

  detailRow(r) {
    const dl = h("dl", { class: "oauthkit-row-detail" });
    const fields = [...ROW_FIELDS, ...Object.keys(r).filter((k) => !ROW_FIELDS.includes(k))];
    for (const f of fields) {
      const v = r[f];
      let text = v === null || v === undefined || v === "" ? "-" : str(v);
      if ((f === "at" || f === "expires_at") && num(v) !== null) {
        const d = this.local(v);
        text = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${this.hms(v)} (${v})`;
      } else if (f === "latency_ms" && num(v) !== null) text = `${v} ms`;
      else if (f === "lifetime_s" && num(v) !== null) text = `${span(v)} (${v} s)`;
      const dd = f === "detail" ? h("dd", null, h("pre", { text })) : h("dd", { text });
      dl.append(h("dt", { text: f }), dd);
    }
    return h(
      "tr",
      { class: "oauthkit-detail-row" },
      h("td", { colspan: String(COLUMNS.length) }, h("div", { class: "oauthkit-row-detail-box" }, dl)),
    );
  }

  groupRows(item, frag) {
    const rows = item.rows;
    const oldest = rows[0];
    const newest = rows[rows.length - 1];
    const id = `group|${this.rowId(oldest)}`;
    const open = this.hist.open.has(id);
    const same = (f) => (rows.every((r) => str(r[f]) === str(oldest[f])) ? this.cell(f, oldest) : "mixed");
    const tr = h("tr", {
      class: "oauthkit-row oauthkit-row-error oauthkit-group",
      tabindex: "0",
      "data-row": id,
      "aria-expanded": open ? "true" : "false",
    });
    const text = {
      at: `${this.stamp(oldest.at)} \u2013 ${this.hms(newest.at)}`,
      key: str(oldest.key),
      trigger: same("trigger"),
      outcome: "error",
      status: same("status"),
      error: `${str(newest.error) || "error"} \u00d7${rows.length}`,
    };
    for (const col of COLUMNS) tr.append(h("td", { "data-col": col.key, text: text[col.key] ?? "" }));
    frag.append(tr);
    if (!open) return;
    const members = this.hist.sort === "at" && this.hist.dir > 0 ? rows : rows.slice().reverse();
    for (const r of members.slice(0, GROUP_MEMBERS_SHOWN)) this.rowWithDetail(r, frag, " oauthkit-group-member");
    if (members.length > GROUP_MEMBERS_SHOWN) {
      frag.append(
        h(
          "tr",
          { class: "oauthkit-group-more" },
          h("td", {
            colspan: String(COLUMNS.length),
            text: `and ${members.length - GROUP_MEMBERS_SHOWN} more of the same`,
          }),
        ),
      );
    }
  }

  // ---- timeline ----
  buildTimeline() {
    const controls = h("div", { class: "oauthkit-tl-controls" });
    this.presetButtons = {};
    for (const [name, label] of PRESETS) {
      const button = h("button", { type: "button", class: "oauthkit-tl-preset", "data-preset": name, text: label });
      button.addEventListener("click", () => {
        this.tl.preset = name;
        this.tl.fixed = null;
        this.renderTimeline();
      });
      this.presetButtons[name] = button;
      controls.append(button);
    }
    this.resetBtn = h("button", { type: "button", class: "oauthkit-tl-reset", text: "reset zoom" });
    this.resetBtn.addEventListener("click", () => {
      this.tl.fixed = null;
      this.renderTimeline();
    });
    controls.append(
      this.resetBtn,
      h("span", { class: "oauthkit-muted oauthkit-tl-help", text: "wheel: zoom \u00b7 shift+wheel: pan" }),
    );
    this.tlSvg = svgEl("svg", {
      class: "oauthkit-timeline",
      role: "img",
      "aria-label": "access tokens of each connection, from issue to expiry",
    });
    this.tip = h("div", { class: "oauthkit-tip", role: "tooltip", hidden: true });
    this.tlEmpty = h("div", { class: "oauthkit-tl-empty oauthkit-muted", hidden: true });
    this.tlWrap = h("div", { class: "oauthkit-tl-wrap" }, this.tlSvg, this.tip, this.tlEmpty);
    const swatch = (cls, label) =>
      h("span", { class: "oauthkit-tl-key" }, h("span", { class: `oauthkit-swatch ${cls}` }), label);
    const legend = h(
      "div",
      { class: "oauthkit-tl-legend" },
      swatch("oauthkit-swatch-current", "current token"),
      swatch("oauthkit-swatch-old", "earlier tokens"),
      swatch("oauthkit-swatch-agg", "many tokens (zoom in)"),
      swatch("oauthkit-swatch-fail", "failed attempt"),
    );
    this.tlSvg.addEventListener("mousemove", (ev) => this.onTimelineHover(ev));
    this.tlSvg.addEventListener("mouseleave", () => setShown(this.tip, false));
    this.tlSvg.addEventListener("wheel", (ev) => this.onTimelineWheel(ev), { passive: false });
    return h("div", { class: "oauthkit-panel oauthkit-timeline-panel", hidden: true }, controls, this.tlWrap, legend);
  }

  scheduleTimeline() {
    if (this.tl.frame) return;
    this.tl.frame = requestAnimationFrame(() => {
      this.tl.frame = 0;
      this.renderTimeline();
    });
  }

  timelineData() {
    if (this.tl.cache) return this.tl.cache;
    const order = [];
    const lanes = new Map();
    const lane = (key) => {
      let l = lanes.get(key);
      if (!l) {
        l = { key, bars: [], fails: [], maxLife: 0, current: null };
        lanes.set(key, l);
        order.push(l);
      }
      return l;
    };
    for (const c of this.cardsList) if (str(c.key)) lane(str(c.key));
    let minT = Infinity;
    for (const r of list(this.model.get("events"))) {
      if (!obj(r)) continue;
      const at = num(r.at);
      if (at === null) continue;
      if (r.outcome === "ok") {
        const exp = num(r.expires_at);
        if (exp === null || exp <= at || r.trigger === "revoke") continue;
        lane(str(r.key)).bars.push({ s: at, e: exp, r, sub: 0 });
      } else if (r.outcome === "error") lane(str(r.key)).fails.push({ t: at, r });
      else continue;
      if (at < minT) minT = at;
    }
    for (const l of order) {
      l.bars.sort((a, b) => a.s - b.s);
      l.fails.sort((a, b) => a.t - b.t);
      // overlapping tokens of one connection take turns in two sub-rows, so each stays visible
      const ends = [-Infinity, -Infinity];
      for (const b of l.bars) {
        const sub = b.s >= ends[0] ? 0 : b.s >= ends[1] ? 1 : ends[0] <= ends[1] ? 0 : 1;
        b.sub = sub;
        ends[sub] = Math.max(ends[sub], b.e);
        l.maxLife = Math.max(l.maxLife, b.e - b.s);
      }
      l.current = l.bars.length ? l.bars[l.bars.length - 1] : null;
    }
    this.tl.cache = { order, minT };
    return this.tl.cache;
  }

  timelineWindow(now, data) {
    if (this.tl.fixed) return this.tl.fixed;
    const preset = PRESETS.find((p) => p[0] === this.tl.preset);
    if (preset && preset[2]) return [now - preset[2] * 0.85, now + preset[2] * 0.15];
    const start = Number.isFinite(data.minT) ? Math.min(data.minT, now - 60) : now - 300;
    const range = now - start;
    return [start - range * 0.02, now + Math.max(range * 0.1, 10)];
  }

  renderTimeline() {
    if (this.tab !== "timeline") return;
    const wrapWidth = this.tlWrap.clientWidth;
    if (!wrapWidth) return;
    const started = performance.now();
    this.tl.dirty = false;
    for (const [name, button] of Object.entries(this.presetButtons))
      setAttr(button, "aria-pressed", !this.tl.fixed && name === this.tl.preset ? "true" : "false");
    setDisabled(this.resetBtn, !this.tl.fixed);

    const data = this.timelineData();
    const now = this.now();
    const [a, b] = this.timelineWindow(now, data);
    const W = Math.max(200, Math.floor(wrapWidth));
    const labelW = Math.round(clamp(W * 0.22, 64, 160));
    const x0 = labelW + 6;
    const x1 = W - 12;
    const pw = x1 - x0;
    const top = 18;
    const laneH = 32; // two sub-rows of bars, then a strip for the failed attempts
    const subH = 9;
    const failY = 25;
    const failH = 6;
    const lanes = data.order;
    const plotBottom = top + Math.max(1, lanes.length) * laneH;
    const H = plotBottom + 24;
    const xs = (t) => x0 + ((t - a) / (b - a)) * pw;
    const frag = document.createDocumentFragment();

    // the time axis: clock times only, all in one format
    const range = b - a;
    const stepFor = (labelPx) => {
      const target = Math.max(2, Math.floor(pw / labelPx));
      let step = TICK_STEPS.find((s) => range / s <= target) ?? TICK_STEPS[TICK_STEPS.length - 1];
      while (range / step > target) step *= 2;
      return step;
    };
    let step = stepFor(80);
    let format = step < 60 ? "hms" : "hm";
    if (step >= 60 && range > 36 * 3600) {
      format = "dhm";
      step = Math.max(3600, stepFor(118));
    }
    const label = (t) => {
      const d = this.local(t);
      const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
      if (format === "hms") return `${hm}:${pad2(d.getSeconds())}`;
      if (format === "dhm") return `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
      return hm;
    };
    const shownA = a - this.skew;
    const offset = -new Date(shownA * 1000).getTimezoneOffset() * 60;
    frag.append(svgEl("line", { class: "oauthkit-tl-axis", x1: x0, x2: x1, y1: plotBottom, y2: plotBottom }));
    for (let d = Math.ceil((shownA + offset) / step) * step - offset; d <= b - this.skew; d += step) {
      const x = xs(d + this.skew);
      if (x < x0 - 0.5 || x > x1 + 0.5) continue;
      frag.append(svgEl("line", { class: "oauthkit-tl-grid", x1: x, x2: x, y1: top - 2, y2: plotBottom + 4 }));
      const text = svgEl("text", {
        class: "oauthkit-tl-tick",
        x: clamp(x, x0 + 20, x1 - 20),
        y: plotBottom + 17,
        "text-anchor": "middle",
      });
      text.textContent = label(d + this.skew);
      frag.append(text);
    }

    const drawn = [];
    const maxChars = Math.max(4, Math.floor((labelW - 8) / 6.6));
    lanes.forEach((l, i) => {
      const y = top + i * laneH;
      frag.append(svgEl("line", { class: "oauthkit-tl-lane", x1: 0, x2: W, y1: y + laneH, y2: y + laneH }));
      const name = svgEl("text", { class: "oauthkit-tl-label", x: 4, y: y + laneH / 2 + 4 });
      name.textContent = l.key.length > maxChars ? `${l.key.slice(0, maxChars - 1)}\u2026` : l.key;
      const title = svgEl("title", {});
      title.textContent = l.key;
      name.append(title);
      frag.append(name);

      // the tokens issued before the window that may still be alive in it
      let lo = 0;
      let hi = l.bars.length;
      const from = a - l.maxLife;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (l.bars[mid].s < from) lo = mid + 1;
        else hi = mid;
      }
      const visible = [];
      for (let k = lo; k < l.bars.length && l.bars[k].s <= b; k++) if (l.bars[k].e >= a) visible.push(l.bars[k]);
      const info = { lane: l, y, bars: visible, fails: [], agg: null, failBins: null };
      const barY = (sub) => y + 3 + sub * (subH + 2);
      const rect = (s, e, yy, hh, cls) => {
        const sx = Math.max(x0, xs(s));
        const ex = Math.min(x1, xs(e));
        frag.append(svgEl("rect", { class: cls, x: sx.toFixed(1), y: yy, width: Math.max(1.5, ex - sx).toFixed(1), height: hh }));
      };
      if (visible.length > pw / 3) {
        // dense: per pixel, how much of it some token covers (a gap stays visible however short)
        // and how many tokens are alive in it (for the tooltip); runs of one shade become one rect
        const bins = Math.max(1, Math.floor(pw));
        const bw = range / bins;
        const diff = new Int32Array(bins + 1);
        const cover = new Float64Array(bins);
        const addCover = (s, e) => {
          const from = Math.max(s, a) - a;
          const to = Math.min(e, b) - a;
          if (to <= from) return;
          const i0 = Math.min(bins - 1, Math.floor(from / bw));
          const i1 = Math.min(bins - 1, Math.floor(to / bw));
          if (i0 === i1) {
            cover[i0] += to - from;
            return;
          }
          cover[i0] += (i0 + 1) * bw - from;
          for (let k = i0 + 1; k < i1; k++) cover[k] = bw;
          cover[i1] += to - i1 * bw;
        };
        let us = -Infinity;
        let ue = -Infinity;
        for (const bar of visible) {
          const i0 = clamp(Math.floor((bar.s - a) / bw), 0, bins - 1);
          const i1 = clamp(Math.floor((bar.e - a) / bw), 0, bins - 1);
          diff[i0] += 1;
          diff[i1 + 1] -= 1;
          if (bar.s > ue) {
            addCover(us, ue);
            us = bar.s;
            ue = bar.e;
          } else if (bar.e > ue) ue = bar.e;
        }
        addCover(us, ue);
        const counts = new Int32Array(bins);
        let run = 0;
        for (let k = 0; k < bins; k++) {
          run += diff[k];
          counts[k] = run;
        }
        const level = (k) => {
          const f = cover[k] / bw;
          return f <= 0.001 ? 0 : f < 0.5 ? 1 : f < 0.999 ? 2 : 3;
        };
        const px = pw / bins;
        let start = 0;
        for (let k = 1; k <= bins; k++) {
          if (k < bins && level(k) === level(start)) continue;
          const lv = level(start);
          if (lv) {
            frag.append(
              svgEl("rect", {
                class: `oauthkit-tl-agg oauthkit-tl-agg${lv}`,
                x: (x0 + start * px).toFixed(1),
                y: y + 3,
                width: ((k - start) * px).toFixed(1),
                height: 2 * subH + 2,
              }),
            );
          }
          start = k;
        }
        info.agg = { counts, cover, bins, bw };
        if (l.current && l.current.e >= a && l.current.s <= b)
          rect(l.current.s, l.current.e, y + 3, 2 * subH + 2, "oauthkit-tl-bar oauthkit-tl-current");
      } else {
        for (const bar of visible) {
          const cls = bar === l.current ? "oauthkit-tl-bar oauthkit-tl-current" : "oauthkit-tl-bar oauthkit-tl-old";
          rect(bar.s, bar.e, barY(bar.sub), subH, cls);
        }
      }

      // failed attempts: a red mark at their instant (runs of 2-px bins when dense)
      const fails = l.fails.filter((f) => f.t >= a && f.t <= b);
      info.fails = fails;
      if (fails.length > pw / 3) {
        const bins = Math.max(1, Math.floor(pw / 2));
        const marked = new Uint8Array(bins);
        for (const f of fails) marked[clamp(Math.floor(((f.t - a) / range) * bins), 0, bins - 1)] = 1;
        const px = pw / bins;
        for (let k = 0; k < bins; k++) {
          if (!marked[k]) continue;
          let end = k;
          while (end + 1 < bins && marked[end + 1]) end += 1;
          frag.append(
            svgEl("rect", {
              class: "oauthkit-tl-fail",
              x: (x0 + k * px).toFixed(1),
              y: y + failY,
              width: Math.max(2, (end - k + 1) * px).toFixed(1),
              height: failH,
            }),
          );
          k = end;
        }
        info.failBins = { marked, bins };
      } else {
        for (const f of fails)
          frag.append(
            svgEl("rect", { class: "oauthkit-tl-fail", x: (xs(f.t) - 1.5).toFixed(1), y: y + failY, width: 3, height: failH }),
          );
      }
      drawn.push(info);
    });

    if (now >= a && now <= b) {
      const x = xs(now);
      frag.append(svgEl("line", { class: "oauthkit-tl-now", x1: x, x2: x, y1: top - 4, y2: plotBottom }));
      const text = svgEl("text", { class: "oauthkit-tl-now-label", x: clamp(x, x0 + 12, x1 - 12), y: top - 7, "text-anchor": "middle" });
      text.textContent = "now";
      frag.append(text);
    }

    this.tlSvg.setAttribute("width", String(W));
    this.tlSvg.setAttribute("height", String(H));
    this.tlSvg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    this.tlSvg.replaceChildren(frag);
    const empty = !lanes.some((l) => l.bars.length || l.fails.length);
    setText(this.tlEmpty, empty ? "no tokens in the log yet" : "");
    setShown(this.tlEmpty, empty);
    this.tl.geom = { a, b, x0, x1, pw, top, laneH, subH, drawn };
    this.tlSvg.setAttribute("data-render-ms", (performance.now() - started).toFixed(1));
  }

  onTimelineHover(ev) {
    const g = this.tl.geom;
    if (!g) return;
    const box = this.tlSvg.getBoundingClientRect();
    const x = ev.clientX - box.left;
    const y = ev.clientY - box.top;
    const d = g.drawn[Math.floor((y - g.top) / g.laneH)];
    if (!d || x < g.x0 || x > g.x1) {
      setShown(this.tip, false);
      return;
    }
    const perPx = (g.b - g.a) / g.pw;
    const t = g.a + (x - g.x0) * perPx;
    let lines = null;
    let near = null;
    for (const f of d.fails) {
      if (Math.abs(f.t - t) <= 4 * perPx && (!near || Math.abs(f.t - t) < Math.abs(near.t - t))) near = f;
    }
    if (near) {
      const r = near.r;
      lines = [
        `failed attempt: ${str(r.error) || "error"}`,
        `at ${this.stamp(near.t)}`,
        `trigger ${str(r.trigger) || "-"}${r.status !== null && r.status !== undefined ? ` \u00b7 status ${str(r.status)}` : ""}`,
      ];
      if (r.detail) lines.push(cutAtWord(r.detail, 120));
    } else {
      const cur = d.lane.current;
      const onCurrent = cur && cur.s <= t && cur.e >= t;
      let bar = null;
      if (!d.agg || onCurrent) {
        const sub = y - d.y - 3 < g.subH + 1 ? 0 : 1;
        const pool = d.agg ? [cur] : d.bars;
        for (const b of pool) {
          if (b.s - 2 * perPx > t || b.e + 2 * perPx < t) continue;
          if (!bar || (b.sub === sub && bar.sub !== sub) || (b.sub === bar.sub && b.s > bar.s)) bar = b;
        }
      }
      if (bar) {
        const r = bar.r;
        lines = [
          `${bar === cur ? "current token" : "token"} ${str(r.access_fp) || "-"}`,
          `issued ${this.stamp(bar.s)}`,
          `expires ${this.stamp(bar.e)}`,
          `lifetime ${span(bar.e - bar.s)} \u00b7 trigger ${str(r.trigger) || "-"}`,
        ];
      } else if (d.agg) {
        const k = clamp(Math.floor(((x - g.x0) / g.pw) * d.agg.bins), 0, d.agg.bins - 1);
        const n = d.agg.counts[k];
        if (n) {
          const from = g.a + k * d.agg.bw;
          const covered = Math.round((d.agg.cover[k] / d.agg.bw) * 100);
          lines = [
            `${n} token${n === 1 ? "" : "s"} alive, covering ${covered}% of`,
            `${this.hms(from)} \u2013 ${this.hms(from + d.agg.bw)}`,
            "zoom in (mouse wheel) to see each one",
          ];
        }
      }
    }
    if (!lines) {
      setShown(this.tip, false);
      return;
    }
    this.tip.replaceChildren(...lines.map((text) => h("div", { text })));
    setShown(this.tip, true);
    const wrap = this.tlWrap.getBoundingClientRect();
    const px = ev.clientX - wrap.left;
    const py = ev.clientY - wrap.top;
    const tw = this.tip.offsetWidth;
    const lx = px + 14 + tw > wrap.width ? Math.max(0, px - 14 - tw) : px + 14;
    this.tip.style.left = `${lx}px`;
    this.tip.style.top = `${py + 14}px`;
  }

  onTimelineWheel(ev) {
    const g = this.tl.geom;
    if (!g) return;
    const box = this.tlSvg.getBoundingClientRect();
    const x = ev.clientX - box.left;
    if (x < g.x0 || x > g.x1) return;
    ev.preventDefault();
    const range = g.b - g.a;
    let a;
    let b;
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      const shift = ((ev.deltaX || ev.deltaY) / g.pw) * range;
      a = g.a + shift;
      b = g.b + shift;
    } else {
      const t = g.a + ((x - g.x0) / g.pw) * range;
      const f = ev.deltaY > 0 ? 1.25 : 0.8;
      const next = clamp(range * f, 5, 20 * 365 * 86400);
      a = t - (t - g.a) * (next / range);
      b = a + next;
    }
    this.tl.fixed = [a, b];
    setShown(this.tip, false);
    this.scheduleTimeline();
  }
}

export default {
  render({ model, el }) {
    const view = new DashboardView(model, el);
    return () => view.destroy();
  },
};
