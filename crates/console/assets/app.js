// trailguard web console: findings, one finding, rules, audit log.
// Every piece of data reaches the page as text nodes (the `el` helper), never parsed as HTML.
"use strict";

const TOKEN_KEY = "trailguard.apiToken";

// ---- small helpers -------------------------------------------------------------------------

/** Creates an element; string children become text nodes, null/undefined are skipped. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) {
  return document.getElementById(id);
}

/** Reads a nested member, or undefined. */
function dig(value, ...path) {
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

/** Calls the API; resolves to the parsed JSON, rejects with the server's error message. */
async function api(path, options = {}) {
  const headers = { Accept: "application/json" };
  if (options.method === "POST") {
    const secret = token();
    if (secret) headers.Authorization = "Bearer " + secret;
  }
  const response = await fetch(path, { method: options.method || "GET", headers });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const reason = body && typeof body.error === "string" ? body.error : text || response.statusText;
    throw new Error(response.status + ": " + reason);
  }
  return body;
}

function setStatus(id, text, kind) {
  const node = $(id);
  node.textContent = text || "";
  node.className = "status" + (kind ? " " + kind : "");
}

// ---- formatting ----------------------------------------------------------------------------

/** GuardDuty's bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. */
function severityLabel(score) {
  if (score >= 9) return "Critical";
  if (score >= 7) return "High";
  if (score >= 4) return "Medium";
  return "Low";
}

function severityBadge(score) {
  const label = severityLabel(Number(score));
  return el("span", { class: "sev sev-" + label.toLowerCase(), title: "Severity " + score },
    el("span", { class: "dot", "aria-hidden": "true" }), label);
}

/** ISO-8601 (or epoch seconds) → `2026-05-12 16:15:42 UTC`. */
function formatTime(value) {
  if (value === null || value === undefined || value === "") return "—";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function roleName(finding) {
  return dig(finding, "resource", "accessKeyDetails", "userName");
}

function instanceId(finding) {
  return dig(finding, "resource", "instanceDetails", "instanceId");
}

function pretty(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

// ---- pages ---------------------------------------------------------------------------------

const pages = ["findings", "finding", "rules", "actions"];

function show(page) {
  for (const name of pages) $("page-" + name).hidden = name !== page;
  const section = page === "finding" ? "findings" : page;
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", link.dataset.nav === section);
  }
}

let findingsCache = [];

async function loadFindings() {
  show("findings");
  const archived = $("archived").checked;
  setStatus("findings-status", "Loading…");
  try {
    findingsCache = await api("/v1/findings?archived=" + archived);
    renderFindings();
  } catch (error) {
    findingsCache = [];
    renderFindings();
    setStatus("findings-status", "Could not load findings: " + error.message, "error");
  }
}

function matchesFilter(finding, needle) {
  if (!needle) return true;
  const haystack = [finding.type, roleName(finding), instanceId(finding), finding.title]
    .filter(Boolean).join(" ").toLowerCase();
  return haystack.includes(needle);
}

function renderFindings() {
  const needle = $("filter").value.trim().toLowerCase();
  const shown = findingsCache.filter((finding) => matchesFilter(finding, needle));
  const rows = shown.map((finding) => {
    const open = () => { location.hash = "#/findings/" + encodeURIComponent(finding.id); };
    const row = el("tr", { "data-id": finding.id, tabindex: 0, onclick: open },
      el("td", {}, severityBadge(finding.severity)),
      el("td", { class: "type" }, finding.type),
      el("td", {},
        el("div", { class: "resource-role" }, roleName(finding) || "—"),
        instanceId(finding) ? el("div", { class: "resource-instance muted" }, instanceId(finding)) : null),
      el("td", { class: "num" }, dig(finding, "service", "count") ?? "—"),
      el("td", { class: "col-time" }, formatTime(dig(finding, "service", "eventLastSeen"))));
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
    return row;
  });
  if (rows.length === 0) {
    const what = $("archived").checked ? "archived" : "active";
    const text = findingsCache.length === 0 ? "No " + what + " findings." : "No finding matches the filter.";
    rows.push(el("tr", { class: "empty" }, el("td", { colspan: 5 }, text)));
  }
  $("findings-table").tBodies[0].replaceChildren(...rows);
  const total = findingsCache.length;
  setStatus("findings-status", shown.length === total
    ? total + (total === 1 ? " finding" : " findings")
    : shown.length + " of " + total + " findings");
}

// ---- one finding ---------------------------------------------------------------------------

function field(label, value, id) {
  return [el("dt", {}, label), el("dd", { id }, value === undefined || value === null || value === "" ? "—" : value)];
}

function card(title, ...body) {
  return el("section", { class: "card" }, el("h2", {}, title), ...body);
}

/** `service.additionalInfo.apiCalls`, directly or inside the `value` JSON text GuardDuty uses. */
function apiCalls(finding) {
  const info = dig(finding, "service", "additionalInfo") || {};
  if (Array.isArray(info.apiCalls)) return info.apiCalls;
  if (typeof info.value === "string") {
    try {
      const inner = JSON.parse(info.value);
      if (inner && Array.isArray(inner.apiCalls)) return inner.apiCalls;
    } catch (_) {
      return null;
    }
  }
  return null;
}

function apiCallsCard(finding) {
  const calls = apiCalls(finding);
  if (calls && calls.length > 0) {
    return card("API calls",
      el("table", { class: "grid compact", id: "api-calls" },
        el("thead", {}, el("tr", {}, el("th", {}, "API"), el("th", { class: "num" }, "Count"),
          el("th", {}, "First seen"), el("th", {}, "Last seen"))),
        el("tbody", {}, calls.map((call) => el("tr", {},
          el("td", { class: "mono" }, call.name),
          el("td", { class: "num" }, call.count),
          el("td", {}, formatTime(call.firstSeen)),
          el("td", {}, formatTime(call.lastSeen)))))));
  }
  const action = dig(finding, "service", "action", "awsApiCallAction") || {};
  return card("API call",
    el("dl", { class: "fields" },
      field("API", action.api),
      field("Service", action.serviceName),
      field("Error code", action.errorCode),
      field("User agent", action.userAgent)));
}

function remoteIpCard(finding) {
  const action = dig(finding, "service", "action", "awsApiCallAction") || {};
  const ip = action.remoteIpDetails || {};
  const org = ip.organization || {};
  const organization = [org.asnOrg || org.org || org.isp, org.asn ? "AS" + org.asn : null]
    .filter(Boolean).join(", ");
  const country = dig(ip, "country", "countryName") || dig(ip, "country", "countryCode");
  const remoteAccount = dig(action, "remoteAccountDetails", "accountId");
  return card("Remote IP",
    el("dl", { class: "fields" },
      field("IP address", ip.ipAddressV4 || ip.ipAddressV6, "finding-remote-ip"),
      field("Organization", organization),
      field("Country", country),
      field("City", dig(ip, "city", "cityName")),
      remoteAccount ? field("Remote account", remoteAccount) : null,
      field("Caller type", action.callerType)));
}

function actionEntry(record) {
  return el("li", { class: "action" },
    el("div", { class: "action-head" },
      el("span", { class: "mono" }, record.action),
      el("span", { class: "pill" }, record.mode),
      el("span", { class: "pill status-" + record.status }, record.status),
      el("span", { class: "muted" }, formatTime(record.createdAt))),
    el("details", {}, el("summary", {}, "Plan"), el("pre", {}, pretty(record.plan))),
    record.result === null || record.result === undefined ? null
      : el("details", {}, el("summary", {}, "Result"), el("pre", {}, pretty(record.result))));
}

async function loadFinding(id) {
  show("finding");
  const page = $("page-finding");
  page.replaceChildren(el("p", { class: "status" }, "Loading…"));
  let finding;
  try {
    finding = await api("/v1/findings/" + encodeURIComponent(id));
  } catch (error) {
    page.replaceChildren(el("a", { href: "#/findings", class: "back" }, "← Findings"),
      el("p", { class: "status error" }, "Could not load the finding: " + error.message));
    return;
  }
  const actions = Array.isArray(finding.actions) ? finding.actions : [];
  const raw = Object.assign({}, finding);
  delete raw.actions;
  const archived = Boolean(dig(finding, "service", "archived"));
  const archiveButton = el("button", { id: "archive-button", type: "button", class: "primary" },
    archived ? "Unarchive" : "Archive");
  archiveButton.addEventListener("click", () => setArchived(finding.id, !archived, archiveButton));

  page.replaceChildren(
    el("a", { href: "#/findings", class: "back" }, "← Findings"),
    el("div", { class: "detail-head" },
      el("div", {},
        el("div", { class: "detail-badges" }, severityBadge(finding.severity),
          archived ? el("span", { class: "pill" }, "archived") : null),
        el("h1", { id: "finding-title" }, finding.title),
        el("p", { class: "type mono" }, finding.type)),
      el("div", { class: "detail-actions" }, archiveButton,
        el("p", { id: "archive-status", class: "status", role: "status" }))),
    el("p", { class: "description" }, finding.description),
    el("div", { class: "cards" },
      card("Summary",
        el("dl", { class: "fields" },
          field("Severity", severityLabel(finding.severity) + " (" + finding.severity + ")"),
          field("Role", roleName(finding), "finding-role"),
          field("Instance", instanceId(finding), "finding-instance"),
          field("Access key", dig(finding, "resource", "accessKeyDetails", "accessKeyId")),
          field("Account", finding.accountId),
          field("Region", finding.region),
          field("First seen", formatTime(dig(finding, "service", "eventFirstSeen"))),
          field("Last seen", formatTime(dig(finding, "service", "eventLastSeen"))),
          field("Count", dig(finding, "service", "count")),
          field("Finding ID", finding.id))),
      remoteIpCard(finding)),
    apiCallsCard(finding),
    card("Actions taken",
      actions.length === 0
        ? el("p", { class: "muted" }, "No action was taken for this finding.")
        : el("ul", { class: "actions", id: "finding-actions" }, actions.map(actionEntry))),
    card("Finding JSON",
      el("details", {}, el("summary", {}, "Show the GuardDuty JSON"), el("pre", { id: "finding-json" }, pretty(raw)))));
}

async function setArchived(id, archived, button) {
  if (!token()) {
    setStatus("archive-status", "Enter the API token at the top right first.", "error");
    return;
  }
  button.disabled = true;
  setStatus("archive-status", archived ? "Archiving…" : "Unarchiving…");
  try {
    await api("/v1/findings/" + encodeURIComponent(id) + (archived ? "/archive" : "/unarchive"), { method: "POST" });
    location.hash = "#/findings";
  } catch (error) {
    setStatus("archive-status", error.message, "error");
    button.disabled = false;
  }
}

// ---- rules and audit log -------------------------------------------------------------------

async function loadRules() {
  show("rules");
  setStatus("rules-status", "Loading…");
  let rules;
  try {
    rules = await api("/v1/rules");
  } catch (error) {
    setStatus("rules-status", "Could not load the rules: " + error.message, "error");
    return;
  }
  rules = Array.isArray(rules) ? rules : [];
  const rows = rules.map((rule) => el("tr", {},
    el("td", { class: "mono" }, rule.name),
    el("td", {}, el("span", { class: "pill " + (rule.enabled === false ? "status-refused" : "status-applied") },
      rule.enabled === false ? "disabled" : "enabled")),
    el("td", {}, el("pre", { class: "inline" },
      typeof rule.pattern === "string" ? rule.pattern : JSON.stringify(rule.pattern))),
    el("td", { class: "targets" }, el("ul", { class: "plain" }, (Array.isArray(rule.targets) ? rule.targets : []).map((target) =>
      el("li", {}, el("span", { class: "pill" }, target.type), " ", target.id))))));
  if (rows.length === 0) rows.push(el("tr", { class: "empty" }, el("td", { colspan: 4 }, "No rules are configured.")));
  $("rules-table").tBodies[0].replaceChildren(...rows);
  setStatus("rules-status", rules.length + (rules.length === 1 ? " rule" : " rules"));
}

async function loadActions() {
  show("actions");
  setStatus("actions-status", "Loading…");
  let records;
  try {
    records = await api("/v1/actions");
  } catch (error) {
    setStatus("actions-status", "Could not load the audit log: " + error.message, "error");
    return;
  }
  const rows = records.map((record) => el("tr", {},
    el("td", { class: "col-time" }, formatTime(record.createdAt)),
    el("td", { class: "mono" }, record.action),
    el("td", {}, record.mode),
    el("td", {}, el("span", { class: "pill status-" + record.status }, record.status)),
    el("td", { class: "mono" }, record.findingId
      ? el("a", { href: "#/findings/" + encodeURIComponent(record.findingId) }, record.findingId)
      : "—"),
    el("td", {},
      el("details", {}, el("summary", {}, "Plan"), el("pre", {}, pretty(record.plan))),
      record.result === null ? null : el("details", {}, el("summary", {}, "Result"), el("pre", {}, pretty(record.result))),
      record.undo === null ? null : el("details", {}, el("summary", {}, "Undo"), el("pre", {}, pretty(record.undo))))));
  if (rows.length === 0) rows.push(el("tr", { class: "empty" }, el("td", { colspan: 6 }, "The audit log is empty.")));
  $("actions-table").tBodies[0].replaceChildren(...rows);
  setStatus("actions-status", records.length + (records.length === 1 ? " entry" : " entries"));
}

// ---- routing -------------------------------------------------------------------------------

function route() {
  const hash = location.hash || "#/findings";
  const finding = hash.match(/^#\/findings\/(.+)$/);
  if (finding) return loadFinding(decodeURIComponent(finding[1]));
  if (hash === "#/rules") return loadRules();
  if (hash === "#/actions") return loadActions();
  return loadFindings();
}

document.addEventListener("DOMContentLoaded", () => {
  const tokenInput = $("token");
  tokenInput.value = token();
  tokenInput.addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value));
  $("filter").addEventListener("input", renderFindings);
  $("archived").addEventListener("change", loadFindings);
  $("refresh").addEventListener("click", loadFindings);
  window.addEventListener("hashchange", route);
  route();
});
