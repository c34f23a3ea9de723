#include "stablepick/server/page.hpp"

namespace stablepick::server {

// Keys: j/k next and previous candidate, Enter opens it, t takes, d drops (asks the reason),
// s snoozes (asks the date), r reopens, Escape goes back to the queue.
std::string_view page_html() {
    return R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stablepick</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { background: #24384f; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
header a { color: #fff; text-decoration: none; font-weight: bold; }
#who { margin-left: auto; }
main { padding: 12px 16px; }
form.filters { display: flex; gap: 8px; margin-bottom: 8px; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
tr.current { background: #fff4c2; }
tr.row { cursor: pointer; }
.state { font-weight: bold; }
.mono, pre { font-family: ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; }
.banner { padding: 8px 16px; background: #fdd; color: #700; display: none; }
.actions button { margin-right: 6px; }
.muted { color: #777; }
</style></head>
<body>
<header><a href="/">stablepick</a><span>review queue</span><span id="who"></span>
<button id="signin" type="button">sign in</button></header>
<div class="banner" id="banner" role="alert"></div>
<main id="main"></main>
<script>
"use strict";
const token = () => localStorage.getItem("stablepick-token") || "";
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return e;
}
function banner(text) {
  const b = document.getElementById("banner");
  b.textContent = text || ""; b.style.display = text ? "block" : "none";
}
async function api(path, body) {
  const headers = {"Content-Type": "application/json"};
  if (token()) headers["Authorization"] = "Bearer " + token();
  let res;
  try {
    res = await fetch(path, body === undefined ? {headers} : {method: "POST", headers, body: JSON.stringify(body)});
  } catch (e) { banner("the server cannot be reached: " + e); throw e; }
  const data = await res.json().catch(() => ({error: "the server answered " + res.status}));
  if (res.status === 503) banner("the store cannot be reached: " + data.error);
  else if (res.status >= 400 && res.status !== 409) banner(data.error);
  else banner("");
  return {status: res.status, data};
}
document.getElementById("signin").onclick = () => {
  const t = prompt("Your reviewer token (stablepick serve --add-reviewer NAME):", token());
  if (t !== null) { localStorage.setItem("stablepick-token", t.trim()); route(); }
};
async function showWho() {
  const r = await fetch("/api/me", {headers: token() ? {"Authorization": "Bearer " + token()} : {}});
  const d = await r.json().catch(() => ({}));
  document.getElementById("who").textContent = r.ok ? "signed in as " + d.name : "not signed in";
}
const view = {rows: [], current: 0, page: 1};
function pct(p) { return p === null || p === undefined ? "" : (100 * p).toFixed(0) + "%"; }
function age(t) { const d = Math.floor((Date.now() / 1000 - t) / 86400); return d + "d"; }
async function act(commit, tree, action, version) {
  const body = {tree, seen_version: version};
  if (action === "drop") { const r = prompt("Why drop it?"); if (!r) return; body.reason = r; }
  if (action === "snooze") { const u = prompt("Snooze until (YYYY-MM-DD):"); if (!u) return; body.until = u; }
  const r = await api("/api/commits/" + commit + "/" + action, body);
  if (r.status === 409) {
    const c = r.data.current || {};
    banner(r.data.error + (c.state ? " — now " + c.state + " by " + c.changed_by : ""));
  }
  route(false);
}
async function showQueue(params) {
  const q = new URLSearchParams(params);
  const {status, data} = await api("/api/queue?" + q.toString());
  const main = document.getElementById("main");
  main.replaceChildren();
  const form = el("form", {class: "filters", onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(e.target); const p = new URLSearchParams();
    for (const [k, v] of f.entries()) if (v) p.set(k, v);
    history.pushState(null, "", "/?" + p.toString()); route();
  }},
    el("input", {name: "tree", placeholder: "tree", value: q.get("tree") || ""}),
    el("input", {name: "state", placeholder: "state", value: q.get("state") || ""}),
    el("input", {name: "q", placeholder: "text or commit", value: q.get("q") || ""}),
    el("button", {type: "submit"}, "filter"));
  main.append(form);
  if (status !== 200) return;
  if (q.get("tree")) {
    main.append(el("p", {}, el("button", {type: "button", id: "export", onclick: async () => {
      const r = await api("/api/export?tree=" + encodeURIComponent(q.get("tree")));
      if (r.status !== 200) return;
      const a = el("a", {href: URL.createObjectURL(new Blob([r.data.script], {type: "text/x-shellscript"})),
                         download: r.data.directory + ".sh"});
      document.body.append(a); a.click(); a.remove();
      banner("");
      document.getElementById("exported").textContent = r.data.patches.length + " patches in " + r.data.directory + "/series";
    }}, "export the queue of " + q.get("tree")), " ", el("span", {id: "exported", class: "muted"})));
  }
  main.append(el("p", {class: "muted"}, data.total + " candidates, page " + data.page));
  const table = el("table", {id: "queue"}, el("tr", {},
    ...["commit", "subject", "tree", "state", "probability", "reason", "changed by", "age", ""].map(h => el("th", {}, h))));
  view.rows = data.candidates;
  view.current = Math.min(view.current, Math.max(0, view.rows.length - 1));
  data.candidates.forEach((c, i) => {
    const tr = el("tr", {class: "row" + (i === view.current ? " current" : ""), "data-commit": c.commit, "data-tree": c.tree},
      el("td", {class: "mono"}, c.commit.slice(0, 12)), el("td", {}, c.subject), el("td", {}, c.tree),
      el("td", {class: "state"}, c.state), el("td", {}, pct(c.probability)), el("td", {}, c.reason),
      el("td", {}, c.changed_by), el("td", {}, age(c.proposed_time)),
      el("td", {class: "actions"},
        el("button", {type: "button", onclick: (e) => { e.stopPropagation(); act(c.commit, c.tree, "take", c.version); }}, "take"),
        el("button", {type: "button", onclick: (e) => { e.stopPropagation(); act(c.commit, c.tree, "drop", c.version); }}, "drop")));
    tr.addEventListener("click", () => open(c.commit));
    table.append(tr);
  });
  main.append(table);
  const nav = el("p", {});
  if (data.page > 1) nav.append(el("button", {type: "button", onclick: () => { q.set("page", data.page - 1); history.pushState(null, "", "/?" + q); route(); }}, "previous page"));
  if (data.page * data.per_page < data.total) nav.append(el("button", {type: "button", onclick: () => { q.set("page", data.page + 1); history.pushState(null, "", "/?" + q); route(); }}, "next page"));
  main.append(nav);
}
function open(commit) { history.pushState(null, "", "/commit/" + commit); route(); }
async function showCommit(id) {
  const {status, data} = await api("/api/commits/" + id);
  const main = document.getElementById("main");
  main.replaceChildren(el("p", {}, el("a", {href: "/"}, "← queue")));
  if (status !== 200) return;
  main.append(el("h2", {}, data.subject || data.commit), el("p", {class: "mono"}, data.commit + "  " + (data.author || "")),
    el("pre", {id: "message"}, data.body || ""));
  for (const c of data.candidates) {
    const box = el("section", {"data-tree": c.tree}, el("h3", {}, c.tree + ": ", el("span", {class: "state"}, c.state),
      " ", el("span", {class: "muted"}, pct(c.probability) + " " + c.reason)));
    box.append(el("div", {class: "actions"},
      ...["take", "drop", "snooze", "reopen"].map(a => el("button", {type: "button", onclick: () => act(c.commit, c.tree, a, c.version)}, a))));
    if (c.needs.length) box.append(el("p", {}, "needs first: " + c.needs.map(n => n.commit.slice(0, 12) + " (" + n.why + ")").join(", ")));
    const h = el("table", {}, el("tr", {}, ...["when", "who", "from", "to", "why"].map(x => el("th", {}, x))));
    for (const e of c.history) h.append(el("tr", {}, el("td", {}, new Date(e.time * 1000).toISOString().slice(0, 16)),
      el("td", {}, e.who), el("td", {}, e.from), el("td", {}, e.to), el("td", {}, e.reason)));
    box.append(h);
    main.append(box);
  }
  if (data.replies.length) {
    main.append(el("h3", {}, "replies on the list"));
    for (const r of data.replies) main.append(el("p", {}, el("b", {}, r.kind + " "), r.author + ": "), el("pre", {}, r.text));
  }
  view.commit = data;
}
function route() {
  showWho();
  const m = location.pathname.match(/^\/commit\/([0-9a-fA-F]+)$/);
  if (m) showCommit(m[1]); else { view.commit = null; showQueue(location.search.slice(1)); }
}
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT") return;
  if (view.commit && e.key === "Escape") { history.pushState(null, "", "/"); route(); return; }
  if (view.commit) {
    const c = view.commit.candidates[0];
    if (!c) return;
    const a = {t: "take", d: "drop", s: "snooze", r: "reopen"}[e.key];
    if (a) act(c.commit, c.tree, a, c.version);
    return;
  }
  const rows = document.querySelectorAll("#queue tr.row");
  if (!rows.length) return;
  if (e.key === "j" || e.key === "k") {
    view.current = Math.max(0, Math.min(rows.length - 1, view.current + (e.key === "j" ? 1 : -1)));
    rows.forEach((r, i) => r.classList.toggle("current", i === view.current));
  } else if (e.key === "Enter") { open(view.rows[view.current].commit); }
  else if (e.key === "t" || e.key === "d") {
    const c = view.rows[view.current]; act(c.commit, c.tree, e.key === "t" ? "take" : "drop", c.version);
  }
});
window.addEventListener("popstate", route);
route();
</script></body></html>
)html";
}

}  // namespace stablepick::server
