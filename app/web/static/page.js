// The editor's page: posts the article to the API, then shows it back with every quotation
// highlighted in its speaker's colour, the speakers beside it, details on hover and focus,
// and exports. Article text only ever reaches the DOM as text nodes, never as markup.

import { ApiError, postQuotes } from "./api.js";
import { download, exportFileName, toCsv, toJson } from "./export.js";
import { codePointToUtf16, nestSpans, renderTree } from "./spans.js";

// Below this confidence a quotation is drawn hatched and dashed: worth checking by hand.
// The engine gives 0.95 to a name governing "said" and about 0.6 or less to a speaker taken
// from elsewhere in the paragraph.
export const TENTATIVE_BELOW = 0.7;

// Among spans with the same extent, the lower rank is drawn outside.
const RANK = { indirect: 0, quote: 1, mention: 2, cue: 3 };
const UNATTRIBUTED = "";

const KIND_TEXT = {
  direct: "direct: the whole statement is in quotation marks",
  partial: "partial: a quoted fragment inside reported speech",
  indirect: "indirect: reported speech, without quotation marks",
};
const RESOLUTION_TEXT = {
  explicit: "named in the attributing clause",
  pronoun: "a pronoun, resolved to the name",
  alias: "a shorter or titled form of a name given earlier",
  nominal: "a description (such as “the minister”), resolved to a name",
  continuation: "no cue of its own: continues the previous quotation's speaker",
};
const LABEL_TEXT = { PERSON: "person", ORG: "organisation", GPE: "place", NORP: "group" };
// Words in quotation marks the engine attributes to no one (the answer's `unattributed`),
// drawn grey like a quotation without a speaker, so that the editor sees all the marks.
const REASON_TEXT = {
  no_speaker: "nobody in the text is found to say them",
  title: "the title of a show, book or film",
  broken_marks: "quotation marks that do not pair",
};

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("article-form"),
  textarea: $("article"),
  count: $("article-count"),
  indirect: $("include-indirect"),
  run: $("run"),
  cancel: $("cancel"),
  status: $("status"),
  error: $("error"),
  results: $("results"),
  summary: $("summary"),
  speakerList: $("speaker-list"),
  showAll: $("show-all"),
  articleView: $("article-view"),
  descriptions: $("descriptions"),
  tooltip: $("tooltip"),
  exportJson: $("export-json"),
  exportCsv: $("export-csv"),
  apiKeyRow: $("api-key-row"),
  apiKey: $("api-key"),
  threshold: $("tentative-threshold"),
};

const state = {
  controller: null, // the AbortController of the request in flight
  shown: null, // {text, includeIndirect, result, quotes: Map(id -> quote), colours: Map(speaker id -> colour)}
  filter: null, // the speaker id whose quotations alone are highlighted
  hideTimer: 0,
};

const palette = loadPalette();

async function loadPalette() {
  // One palette for this page and the notebook renderer (static/palette.json).
  try {
    const response = await fetch(new URL("palette.json", import.meta.url));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { speakers, unattributed } = await response.json();
    if (!Array.isArray(speakers) || speakers.length === 0) throw new Error("no speaker colours");
    return { speakers, unattributed };
  } catch (error) {
    console.warn("Speaker palette not loaded; every speaker is drawn grey.", error);
    return { speakers: ["#e0e0e0"], unattributed: "#e0e0e0" };
  }
}

// ---- running a request -------------------------------------------------------------

async function run() {
  const text = ui.textarea.value;
  const includeIndirect = ui.indirect.checked;
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  clearError();
  if (!ui.apiKeyRow.hidden) rememberApiKey();
  setBusy(true);
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  setStatus(`Finding quotations in ${formatCount(countCodePoints(text), "character")}…`);
  // Every 5 s, not more: screen readers read each change of the status out.
  const ticker = setInterval(() => setStatus(`Still working… ${Math.round(seconds())} s`), 5000);
  try {
    const [result, colours] = await Promise.all([
      postQuotes(text, includeIndirect, controller.signal, ui.apiKey.value.trim()),
      palette,
    ]);
    if (controller !== state.controller) return;
    showResult(text, includeIndirect, result, colours);
    // For the browser's performance tools and tests/web/bench_page.py.
    performance.mark("quote-attribution:result-drawn");
    setStatus(`${summaryText(result, includeIndirect)} Took ${seconds()} s.`);
  } catch (error) {
    if (controller !== state.controller) return;
    if (error.name === "AbortError") {
      setStatus("Cancelled.");
    } else {
      hideResult();
      showError(error);
    }
  } finally {
    clearInterval(ticker);
    if (controller === state.controller) {
      state.controller = null;
      setBusy(false);
    }
  }
}

function setBusy(busy) {
  if (!busy && document.activeElement === ui.cancel) ui.run.focus();
  ui.cancel.hidden = !busy;
  ui.form.setAttribute("aria-busy", String(busy));
}

function setStatus(message) {
  ui.status.textContent = message;
}

// ---- errors ----------------------------------------------------------------------------

function errorHeading(error) {
  const status = error.status ?? 0;
  if (status === 0) return error.title || "Something went wrong";
  if (status === 413 || status === 422) return "The service did not accept the text";
  if (status === 401 || status === 403) return "The service needs a valid API key";
  if (status === 429 || status === 503) return "The service cannot take this request right now";
  if (status === 504) return "The service took too long to answer";
  if (status >= 500) return "The service failed";
  return "The service refused the request";
}

function showError(error) {
  const apiError =
    error instanceof ApiError ? error : new ApiError(0, "The page failed", String(error?.message ?? error));
  const heading = element("p", "error-title", errorHeading(apiError));
  const parts = [heading];
  if (apiError.status) parts.push(element("p", "error-status", `HTTP ${apiError.status} ${apiError.title}`));
  parts.push(element("p", "error-detail", apiError.detail));
  if (apiError.retryAfter) {
    const wait = /^\d+$/.test(apiError.retryAfter)
      ? formatCount(Number(apiError.retryAfter), "second")
      : apiError.retryAfter;
    parts.push(element("p", "error-retry", `The service asks to wait ${wait} before trying again.`));
  }
  if (apiError.status === 0 || apiError.status === 429 || apiError.status >= 500) {
    const retry = element("button", "secondary", "Try again");
    retry.type = "button";
    retry.addEventListener("click", () => ui.form.requestSubmit());
    parts.push(retry);
  }
  ui.error.replaceChildren(...parts);
  if (apiError.status === 401 || apiError.status === 403) askForApiKey();
  const aboutText = apiError.status === 413 || apiError.status === 422;
  ui.textarea.setAttribute("aria-invalid", String(aboutText));
  if (aboutText) ui.textarea.setAttribute("aria-errormessage", "error");
  setStatus("");
}

// A service run with API keys: the key is asked for when the service says so, and kept in
// this tab's session storage only (gone when the tab closes), never in the page's URL.
const API_KEY_STORAGE = "quote-attribution.api-key";

function askForApiKey() {
  ui.apiKeyRow.hidden = false;
  ui.apiKey.setAttribute("aria-invalid", String(ui.apiKey.value !== ""));
  ui.apiKey.focus();
}

function rememberApiKey() {
  const key = ui.apiKey.value.trim();
  ui.apiKey.removeAttribute("aria-invalid");
  try {
    if (key) sessionStorage.setItem(API_KEY_STORAGE, key);
    else sessionStorage.removeItem(API_KEY_STORAGE);
  } catch {
    // Storage can be off (private modes, policies): the key then lasts as long as the page.
  }
}

function restoreApiKey() {
  let key = null;
  try {
    key = sessionStorage.getItem(API_KEY_STORAGE);
  } catch {
    return;
  }
  if (key) {
    ui.apiKey.value = key;
    ui.apiKeyRow.hidden = false;
  }
}

function clearError() {
  ui.error.replaceChildren();
  ui.textarea.removeAttribute("aria-invalid");
  ui.textarea.removeAttribute("aria-errormessage");
}

// Whatever fails later (a bug, an answer this page did not foresee), the page says so.
window.addEventListener("error", (event) => showError(event.error ?? new Error(event.message)));
window.addEventListener("unhandledrejection", (event) => showError(event.reason));

// ---- the result ------------------------------------------------------------------------

function hideResult() {
  hideTooltip();
  state.shown = null;
  state.filter = null;
  ui.results.hidden = true;
}

function showResult(text, includeIndirect, result, colours) {
  hideTooltip();
  const speakerColours = new Map(
    result.speakers.map((speaker, i) => [speaker.id, colours.speakers[i % colours.speakers.length]]),
  );
  const marked = { ...result, quotes: [...result.quotes, ...unattributedQuotes(result)] };
  state.shown = {
    text,
    includeIndirect,
    result,
    quotes: new Map(marked.quotes.map((quote) => [quote.id, quote])),
    colour: (speakerId) => speakerColours.get(speakerId) ?? colours.unattributed,
  };
  state.filter = null;
  ui.summary.textContent = summaryText(result, includeIndirect);
  renderArticle(text, marked);
  renderSpeakers(marked);
  applyFilter();
  ui.results.hidden = false;
  const top = ui.results.getBoundingClientRect().top;
  if (top > window.innerHeight * 0.6) ui.results.scrollIntoView({ block: "start" });
}

// The answer's unattributed words as quotations without a speaker, cue or confidence.
function unattributedQuotes(result) {
  return (result.unattributed ?? []).map((words, i) => ({
    id: `u${i + 1}`,
    text: words.text,
    start: words.start,
    end: words.end,
    kind: "unattributed",
    reason: words.reason,
    speaker: null,
    cue: null,
    confidence: null,
  }));
}

function summaryText(result, includeIndirect) {
  const quotes = result.quotes;
  const unmarked = (result.unattributed ?? []).length;
  if (quotes.length === 0) {
    const none = includeIndirect ? "No quotations found, direct or indirect." : "No quotations found.";
    return unmarked ? `${none} ${formatCount(unmarked, "passage")} in quotation marks without a speaker.` : none;
  }
  const kinds = ["direct", "partial", "indirect"]
    .map((kind) => [kind, quotes.filter((q) => q.kind === kind).length])
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  const speakers = formatCount(result.speakers.length, "speaker");
  let summary = `${formatCount(quotes.length, "quotation")} (${kinds.join(", ")}) by ${speakers}.`;
  const unattributed = quotes.filter((q) => !q.speaker).length + unmarked;
  if (unattributed) summary += ` ${unattributed} without a speaker.`;
  if (includeIndirect && !quotes.some((q) => q.kind === "indirect")) {
    summary += " No indirect quotations found.";
  }
  return summary;
}

function renderArticle(text, result) {
  const toUtf16 = codePointToUtf16(text);
  const spans = [];
  const cues = new Map();
  const mentions = new Map();
  const addMention = (mention, speakerId, quoteId) => {
    const key = `${speakerId}:${mention.start}:${mention.end}`;
    let span = mentions.get(key);
    if (!span) {
      span = { type: "mention", rank: RANK.mention, speakerId, quoteIds: [], attribution: false };
      span.start = toUtf16(mention.start);
      span.end = toUtf16(mention.end);
      mentions.set(key, span);
    }
    if (quoteId) {
      span.attribution = true;
      span.quoteIds.push(quoteId);
    }
  };
  for (const quote of result.quotes) {
    const rank = quote.kind === "indirect" ? RANK.indirect : RANK.quote;
    spans.push({ type: "quote", rank, quote, start: toUtf16(quote.start), end: toUtf16(quote.end) });
    if (quote.cue) {
      const key = `${quote.cue.start}:${quote.cue.end}`;
      if (!cues.has(key)) {
        const span = { type: "cue", rank: RANK.cue, quoteIds: [], speakerIds: [] };
        span.start = toUtf16(quote.cue.start);
        span.end = toUtf16(quote.cue.end);
        cues.set(key, span);
      }
      cues.get(key).quoteIds.push(quote.id);
      cues.get(key).speakerIds.push(quote.speaker?.id ?? UNATTRIBUTED);
    }
    if (quote.speaker) addMention(quote.speaker.mention, quote.speaker.id, quote.id);
  }
  for (const speaker of result.speakers) {
    for (const mention of speaker.mentions) addMention(mention, speaker.id, null);
  }
  spans.push(...cues.values(), ...mentions.values());

  const descriptions = [];
  const tree = nestSpans(spans, text.length);
  ui.articleView.replaceChildren();
  renderTree(ui.articleView, text, tree, (node) => {
    const span = node.span;
    if (span.type === "quote") {
      if (node.piece === 0) descriptions.push(element("span", "", describeQuote(span.quote)));
      return quoteElement(span.quote, node.piece, descriptions.at(-1));
    }
    const el = element("span", span.type);
    el.dataset.quotes = span.quoteIds.join(" ");
    if (span.type === "cue") {
      el.dataset.speakers = span.speakerIds.join(" ");
    } else {
      el.dataset.speakers = span.speakerId;
      el.classList.toggle("is-attribution", span.attribution);
      el.style.setProperty("--c", state.shown.colour(span.speakerId));
    }
    return el;
  });
  ui.descriptions.replaceChildren(...descriptions);
}

function quoteElement(quote, piece, description) {
  const el = element("mark", `quote kind-${quote.kind}`);
  el.dataset.quote = quote.id;
  el.dataset.speakers = quote.speaker?.id ?? UNATTRIBUTED;
  el.style.setProperty("--c", state.shown.colour(quote.speaker?.id));
  if (quote.confidence !== null && quote.confidence < TENTATIVE_BELOW) el.classList.add("is-tentative");
  if (!quote.speaker) el.classList.add("is-unattributed");
  if (piece === 0) {
    // The first piece of a quotation is its one stop in the keyboard order.
    el.tabIndex = 0;
    el.id = `quote-${quote.id}`;
    description.id = `quote-description-${quote.id}`;
    el.setAttribute("aria-describedby", description.id);
  }
  return el;
}

function describeQuote(quote) {
  if (quote.kind === "unattributed") {
    return `In quotation marks, attributed to no one: ${REASON_TEXT[quote.reason] ?? quote.reason}.`;
  }
  const who = quote.speaker ? `${quote.speaker.name} (mention “${quote.speaker.mention.text}”)` : "no speaker found";
  const cue = quote.cue ? `cue “${quote.cue.text}”` : "no cue";
  const resolution = quote.speaker ? `, speaker ${RESOLUTION_TEXT[quote.speaker.resolution] ?? quote.speaker.resolution}` : "";
  return (
    `${capitalise(quote.kind)} quotation by ${who}, ${cue}${resolution}, ` +
    `confidence ${formatConfidence(quote.confidence)}${quote.confidence < TENTATIVE_BELOW ? ", tentative" : ""}.`
  );
}

function renderSpeakers(result) {
  const items = result.speakers.map((speaker) =>
    speakerItem(speaker.id, speaker.name, LABEL_TEXT[speaker.label] ?? speaker.label.toLowerCase(), speaker.quote_ids, speaker.mentions),
  );
  const unattributed = result.quotes.filter((quote) => !quote.speaker).map((quote) => quote.id);
  if (unattributed.length) items.push(speakerItem(UNATTRIBUTED, "No speaker found", "", unattributed, []));
  if (items.length === 0) items.push(element("li", "hint", "Nobody is quoted in this text."));
  ui.speakerList.replaceChildren(...items);
}

function speakerItem(id, name, label, quoteIds, mentions) {
  const quotes = quoteIds.map((quoteId) => state.shown.quotes.get(quoteId)).filter(Boolean);
  const indirect = quotes.filter((quote) => quote.kind === "indirect").length;
  let count = formatCount(quotes.length, "quotation");
  if (indirect) count += `, ${indirect} indirect`;

  const swatch = element("span", "swatch");
  swatch.setAttribute("aria-hidden", "true");
  swatch.style.setProperty("--c", state.shown.colour(id));
  const button = element("button", "speaker-button");
  button.type = "button";
  button.dataset.speaker = id;
  button.setAttribute("aria-pressed", "false");
  button.append(
    swatch,
    element("span", "speaker-name", name),
    element("span", "speaker-count", label ? `${label} · ${count}` : count),
  );
  button.addEventListener("click", () => {
    state.filter = state.filter === id ? null : id;
    applyFilter();
    announceFilter(name, quotes.length);
  });
  const item = element("li", "speaker");
  item.append(button);
  if (mentions.length) item.append(element("p", "mentions", `Mentions: ${mentionSummary(mentions)}`));
  return item;
}

function mentionSummary(mentions) {
  const counts = new Map();
  for (const mention of mentions) counts.set(mention.text, (counts.get(mention.text) ?? 0) + 1);
  return [...counts].map(([text, n]) => (n > 1 ? `${text} ×${n}` : text)).join(", ");
}

function applyFilter() {
  const filter = state.filter;
  ui.articleView.classList.toggle("is-filtered", filter !== null);
  for (const el of ui.articleView.querySelectorAll("[data-speakers]")) {
    const speakers = el.dataset.speakers.split(" ");
    el.classList.toggle("is-muted", filter !== null && !speakers.includes(filter));
  }
  for (const button of ui.speakerList.querySelectorAll(".speaker-button")) {
    button.setAttribute("aria-pressed", String(button.dataset.speaker === filter));
  }
  ui.showAll.disabled = filter === null;
}

function announceFilter(name, count) {
  if (state.filter === null) {
    setStatus(`Showing all ${formatCount(state.shown.result.quotes.length, "quotation")}.`);
  } else {
    setStatus(`Showing only ${name}: ${formatCount(count, "quotation")}.`);
  }
}

// ---- details on hover and focus -------------------------------------------------------

function showTooltip(quoteElement) {
  const quote = state.shown?.quotes.get(quoteElement.dataset.quote);
  if (!quote) return;
  clearTimeout(state.hideTimer);
  if (!ui.tooltip.hidden && ui.tooltip.dataset.quote === quote.id) return;
  ui.tooltip.dataset.quote = quote.id;
  setActive(quote.id);
  ui.tooltip.replaceChildren(...tooltipContent(quote));
  ui.tooltip.style.setProperty("--c", state.shown.colour(quote.speaker?.id));
  ui.tooltip.hidden = false;

  // Under the quotation's last line, so that it hides neither the quotation nor, usually,
  // its cue and speaker; above its first line when there is no room below.
  const rects = [...ui.articleView.querySelectorAll(`[data-quote="${quote.id}"]`)].flatMap((el) => [
    ...el.getClientRects(),
  ]);
  const first = rects[0];
  const last = rects.at(-1);
  const box = ui.tooltip.getBoundingClientRect();
  const margin = 8;
  const fitsBelow = last.bottom + margin + box.height <= window.innerHeight;
  const top = fitsBelow || first.top - margin - box.height < 0 ? last.bottom + margin : first.top - margin - box.height;
  const anchor = fitsBelow ? last : first;
  const maxLeft = document.documentElement.clientWidth - box.width - margin;
  const left = Math.max(margin, Math.min(anchor.left, maxLeft));
  ui.tooltip.style.top = `${top + window.scrollY}px`;
  ui.tooltip.style.left = `${left + window.scrollX}px`;
}

function tooltipContent(quote) {
  const rows = [
    ["Speaker", quote.speaker ? quote.speaker.name : "none found"],
    ["Mention", quote.speaker ? `“${quote.speaker.mention.text}”` : "—"],
    ["Found as", quote.speaker ? RESOLUTION_TEXT[quote.speaker.resolution] ?? quote.speaker.resolution : "—"],
    ["Cue", quote.cue ? (quote.cue.lemma && quote.cue.lemma !== quote.cue.text ? `${quote.cue.text} (${quote.cue.lemma})` : quote.cue.text) : "none"],
    ["Kind", quote.kind === "unattributed" ? `in quotation marks, attributed to no one: ${REASON_TEXT[quote.reason] ?? quote.reason}` : (KIND_TEXT[quote.kind] ?? quote.kind)],
    ["Confidence", quote.confidence === null ? "—" : formatConfidence(quote.confidence) + (quote.confidence < TENTATIVE_BELOW ? " · tentative, check it" : "")],
  ];
  const title = element("p", "tooltip-title");
  const swatch = element("span", "swatch");
  swatch.setAttribute("aria-hidden", "true");
  title.append(swatch, `${quote.id} · ${quote.speaker ? quote.speaker.name : "no speaker"}`);
  const list = element("dl", "tooltip-details");
  for (const [name, value] of rows) {
    const row = element("div", `row row-${name.toLowerCase().replace(/\W+/g, "-")}`);
    row.append(element("dt", "", name), element("dd", "", value));
    list.append(row);
  }
  return [title, list];
}

function hideTooltip() {
  clearTimeout(state.hideTimer);
  ui.tooltip.hidden = true;
  setActive(null);
}

function hideTooltipSoon() {
  clearTimeout(state.hideTimer);
  state.hideTimer = setTimeout(() => {
    // Focus keeps it: a keyboard user reading it is not interrupted by a stray pointer.
    const focused = document.activeElement?.closest?.(".quote");
    if (focused && ui.articleView.contains(focused)) showTooltip(focused);
    else hideTooltip();
  }, 200);
}

function setActive(quoteId) {
  for (const el of ui.articleView.querySelectorAll(".is-active")) el.classList.remove("is-active");
  if (quoteId === null) return;
  for (const el of ui.articleView.querySelectorAll(`[data-quote="${quoteId}"]`)) el.classList.add("is-active");
  for (const el of ui.articleView.querySelectorAll("[data-quotes]")) {
    if (el.dataset.quotes.split(" ").includes(quoteId)) el.classList.add("is-active");
  }
}

/** The quotation (or the piece of one) that `el` is in, within the article. */
function quoteAt(el) {
  const quote = el?.closest?.(".quote");
  if (!quote || !ui.articleView.contains(quote)) return null;
  return quote;
}

// ---- wiring ----------------------------------------------------------------------------

function element(tag, className = "", text = null) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== null) el.textContent = text;
  return el;
}

function countCodePoints(text) {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function formatCount(n, noun) {
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
}

function formatConfidence(confidence) {
  return confidence.toFixed(2);
}

function capitalise(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function exportResult(extension) {
  const shown = state.shown;
  if (!shown) return;
  if (extension === "json") {
    download(exportFileName("json"), toJson(shown.text, shown.result), "application/json");
  } else {
    download(exportFileName("csv"), toCsv(shown.result), "text/csv;charset=utf-8");
  }
  setStatus(`Downloaded ${formatCount(shown.result.quotes.length, "quotation")} as ${extension.toUpperCase()}.`);
}

ui.threshold.textContent = formatConfidence(TENTATIVE_BELOW);
palette.then((colours) => {
  for (const sample of document.querySelectorAll(".key .sample")) {
    sample.style.setProperty("--c", colours.speakers[0]);
  }
});
ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
ui.textarea.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});
const updateCount = () => {
  ui.count.textContent = formatCount(countCodePoints(ui.textarea.value), "character");
};
ui.textarea.addEventListener("input", updateCount);
updateCount();
ui.indirect.addEventListener("change", () => {
  // The option changes what the service returns: ask again for the result on show.
  if (state.shown) ui.form.requestSubmit();
});
ui.cancel.addEventListener("click", () => state.controller?.abort());
ui.apiKey.addEventListener("change", rememberApiKey);
restoreApiKey();
ui.showAll.addEventListener("click", () => {
  state.filter = null;
  applyFilter();
  announceFilter("", 0);
  ui.speakerList.querySelector(".speaker-button")?.focus();
});
ui.exportJson.addEventListener("click", () => exportResult("json"));
ui.exportCsv.addEventListener("click", () => exportResult("csv"));

ui.articleView.addEventListener("mouseover", (event) => {
  const quote = quoteAt(event.target);
  if (quote) showTooltip(quote);
});
ui.articleView.addEventListener("mouseout", (event) => {
  if (quoteAt(event.target) && !quoteAt(event.relatedTarget)) hideTooltipSoon();
});
ui.articleView.addEventListener("focusin", (event) => {
  const quote = quoteAt(event.target);
  if (quote) showTooltip(quote);
});
ui.articleView.addEventListener("focusout", () => hideTooltipSoon());
ui.tooltip.addEventListener("mouseenter", () => clearTimeout(state.hideTimer));
ui.tooltip.addEventListener("mouseleave", () => hideTooltipSoon());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !ui.tooltip.hidden) hideTooltip();
});
