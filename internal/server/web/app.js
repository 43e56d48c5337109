// newsdex search page: reads the query from the URL, calls /api/search and
// renders hits, facets and a month histogram. Text from the index is always
// inserted as text; highlight fragments are rebuilt from their text and
// <mark> elements only.
"use strict";

(function () {
  const PAGE_SIZE = 10;
  const $ = (id) => document.getElementById(id);
  const form = $("search");
  const fields = { q: $("q"), from: $("from"), to: $("to"), kind: $("kind"), sort: $("sort") };
  const dateFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  const monthFmt = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  const numFmt = new Intl.NumberFormat("en");

  let state = readURL();
  let inflight = null;

  // ---- state <-> URL <-> form ----

  function readURL() {
    const p = new URLSearchParams(location.search);
    const page = parseInt(p.get("page") || "1", 10);
    return {
      q: p.get("q") || "",
      from: p.get("from") || "",
      to: p.get("to") || "",
      kind: p.get("kind") || "",
      sort: p.get("sort") || "",
      regions: p.getAll("region"),
      page: Number.isFinite(page) && page > 0 ? page : 1,
    };
  }

  function params(s, withLimit) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    for (const r of s.regions) p.append("region", r);
    if (s.kind) p.set("kind", s.kind);
    if (s.sort) p.set("sort", s.sort);
    if (s.page > 1) p.set("page", String(s.page));
    if (withLimit) {
      p.set("limit", String(PAGE_SIZE));
      p.set("facets", "region,month");
    }
    return p;
  }

  function toForm(s) {
    fields.q.value = s.q;
    fields.from.value = s.from;
    fields.to.value = s.to;
    fields.kind.value = s.kind;
    fields.sort.value = s.sort;
  }

  function fromForm() {
    return {
      q: fields.q.value.trim(),
      from: fields.from.value,
      to: fields.to.value,
      kind: fields.kind.value,
      sort: fields.sort.value,
      regions: state.regions.slice(),
      page: 1,
    };
  }

  // ---- safe rendering ----

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // appendHighlighted appends a highlight fragment to parent. The fragment
  // is HTML from the server in which only <mark> is meant to be markup; it
  // is parsed inert in a <template>, and only its text and <mark> elements
  // are rebuilt, so nothing else in it can become markup.
  function appendHighlighted(parent, html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    const walk = (node, into) => {
      for (const c of node.childNodes) {
        if (c.nodeType === Node.TEXT_NODE) {
          into.appendChild(document.createTextNode(c.nodeValue));
        } else if (c.nodeType === Node.ELEMENT_NODE) {
          if (c.nodeName === "MARK") {
            into.appendChild(el("mark", null, c.textContent));
          } else {
            walk(c, into);
          }
        }
      }
    };
    walk(tpl.content, parent);
  }

  function fmtDate(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const day = dateFmt.format(d);
    return d.getUTCHours() || d.getUTCMinutes() ? day + ", " + timeFmt.format(d) + " UTC" : day;
  }

  function safeURL(u) {
    try {
      const url = new URL(u);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- search ----

  async function search(push) {
    const url = params(state, false).toString();
    const target = url ? "?" + url : location.pathname;
    if (push) history.pushState(null, "", target);
    else history.replaceState(null, "", target);
    document.title = state.q ? state.q + " · newsdex" : "newsdex · news search";

    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    $("progress").hidden = false;
    $("results").setAttribute("aria-busy", "true");
    try {
      const get = async (p) => {
        const res = await fetch("/api/search?" + p.toString(), { signal: ctl.signal, headers: { Accept: "application/json" } });
        const body = await res.json().catch(() => ({ error: "the server sent a malformed answer (" + res.status + ")" }));
        return { ok: res.ok, status: res.status, body };
      };
      // With regions picked, the region choices come from the same search
      // without them, so that the other regions stay on offer.
      let regionFacet = null;
      if (state.regions.length) {
        const p = params({ ...state, regions: [], page: 1 }, false);
        p.set("limit", "0");
        p.set("facets", "region");
        regionFacet = get(p);
      }
      const main = await get(params(state, true));
      if (ctl !== inflight) return;
      if (!main.ok) {
        showError(main.body.error || "search failed (" + main.status + ")");
        return;
      }
      let regions = (main.body.facets && main.body.facets.region) || [];
      if (regionFacet) {
        const rf = await regionFacet;
        if (ctl !== inflight) return;
        if (rf.ok && rf.body.facets) regions = rf.body.facets.region || regions;
      }
      render(main.body, regions);
    } catch (err) {
      if (err.name === "AbortError") return;
      showError("Could not reach the server: " + err.message);
    } finally {
      if (ctl === inflight) {
        inflight = null;
        $("progress").hidden = true;
        $("results").removeAttribute("aria-busy");
      }
    }
  }

  function showError(msg) {
    const e = $("error");
    e.textContent = msg;
    e.hidden = false;
    $("summary").textContent = "";
    $("hits").replaceChildren();
    $("histogram").hidden = true;
    $("prev").disabled = true;
    $("next").disabled = true;
    $("pageinfo").textContent = "";
  }

  function render(r, regionFacet) {
    $("error").hidden = true;
    const total = r.total || 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const summary = $("summary");
    summary.replaceChildren();
    if (total === 0) {
      summary.append("No results");
    } else {
      const first = (state.page - 1) * PAGE_SIZE + 1;
      const last = first + (r.hits || []).length - 1;
      summary.append(total === 1 ? "" : numFmt.format(first) + "–" + numFmt.format(last) + " of ");
      summary.append(el("strong", "total", numFmt.format(total)));
      summary.append(total === 1 ? " result" : " results");
    }
    if (typeof r.took_ms === "number") summary.append(el("span", "muted", " · " + r.took_ms.toFixed(1) + " ms"));

    renderHits(r.hits || []);
    renderRegions(regionFacet);
    renderHistogram((r.facets && r.facets.month) || []);

    $("prev").disabled = state.page <= 1;
    $("next").disabled = state.page >= pages;
    $("pageinfo").textContent = total ? "Page " + numFmt.format(state.page) + " of " + numFmt.format(pages) : "";
  }

  function renderHits(hits) {
    const list = $("hits");
    list.replaceChildren();
    if (!hits.length) {
      const li = el("li", "empty", state.page > 1 ? "No more results." : "Nothing matches. Try fewer words or a wider date range.");
      list.append(li);
      return;
    }
    for (const h of hits) {
      const li = el("li", "hit");
      const meta = el("p", "meta");
      const t = el("time", null, fmtDate(h.date));
      t.dateTime = h.date;
      meta.append(t);
      if (h.region) meta.append(el("span", "region", h.region));
      if (h.dateline) meta.append(el("span", "dateline", h.dateline));
      meta.append(el("span", "tag " + (h.kind === "teaser" ? "teaser" : "article"), h.kind === "teaser" ? "Teaser" : "Article"));
      li.append(meta);

      const h3 = el("h3");
      const a = el("a");
      a.href = "/api/items/" + encodeURIComponent(h.id);
      a.dataset.id = h.id;
      const th = h.highlights && h.highlights.title;
      if (th && th.length) appendHighlighted(a, th[0]);
      else a.textContent = h.title || "(untitled)";
      h3.append(a);
      li.append(h3);

      const frag = el("p", "frag");
      const bh = h.highlights && (h.highlights.body || h.highlights.summary);
      if (bh && bh.length) appendHighlighted(frag, bh.join(" "));
      else if (h.summary) frag.textContent = h.summary;
      else if (h.caption) frag.textContent = h.caption;
      if (frag.childNodes.length) li.append(frag);
      list.append(li);
    }
  }

  function renderRegions(facet) {
    const box = $("regions");
    box.replaceChildren();
    const counts = new Map(facet.map((f) => [f.value, f.count]));
    const names = facet.map((f) => f.value);
    for (const r of state.regions) if (!counts.has(r)) names.unshift(r);
    if (!names.length) {
      box.append(el("p", "muted", "No regions in these results."));
      return;
    }
    names.forEach((name, i) => {
      const id = "region-" + i;
      const on = state.regions.includes(name);
      const label = el("label", on ? "on" : "");
      label.htmlFor = id;
      const cb = el("input");
      cb.type = "checkbox";
      cb.id = id;
      cb.checked = on;
      cb.value = name;
      cb.addEventListener("change", () => {
        state = fromForm();
        state.regions = cb.checked ? state.regions.concat(name) : state.regions.filter((x) => x !== name);
        search(true);
      });
      label.append(cb, el("span", "name", name), el("span", "count", counts.has(name) ? numFmt.format(counts.get(name)) : ""));
      box.append(label);
    });
  }

  // renderHistogram draws one bar per month from the first month with
  // results to the last, gaps included; over more than ten years, one bar a
  // year. A bar narrows the dates to its month or year.
  function renderHistogram(months) {
    const fig = $("histogram");
    const bars = $("bars");
    bars.replaceChildren();
    const data = months
      .filter((m) => /^\d{4}-\d{2}$/.test(m.value))
      .map((m) => [+m.value.slice(0, 4) * 12 + (+m.value.slice(5, 7) - 1), m.count]);
    const nonzero = data.filter((d) => d[1] > 0).map((d) => d[0]);
    if (!nonzero.length) {
      fig.hidden = true;
      return;
    }
    const lo = Math.min(...nonzero);
    const hi = Math.max(...nonzero);
    const yearly = hi - lo >= 120;
    const counts = new Map();
    for (const [k, n] of data) {
      const key = yearly ? Math.floor(k / 12) : k;
      counts.set(key, (counts.get(key) || 0) + n);
    }
    const first = yearly ? Math.floor(lo / 12) : lo;
    const last = yearly ? Math.floor(hi / 12) : hi;
    const series = [];
    for (let k = first; k <= last; k++) series.push([k, counts.get(k) || 0]);
    const max = Math.max(...series.map((s) => s[1]), 1);
    const span = (k) =>
      yearly
        ? [new Date(Date.UTC(k, 0, 1)), new Date(Date.UTC(k, 11, 31)), String(k)]
        : [new Date(Date.UTC(Math.floor(k / 12), k % 12, 1)), new Date(Date.UTC(Math.floor(k / 12), (k % 12) + 1, 0)),
           monthFmt.format(new Date(Date.UTC(Math.floor(k / 12), k % 12, 1)))];
    for (const [k, n] of series) {
      const [start, end, name] = span(k);
      const label = name + ": " + numFmt.format(n) + (n === 1 ? " result" : " results");
      const b = el("button", "bar" + (n ? "" : " zero"));
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", label + ". Show only " + name + ".");
      b.setAttribute("role", "listitem");
      const fill = el("span");
      fill.style.setProperty("height", (n ? Math.max(3, (100 * n) / max) : 1) + "%");
      b.append(fill);
      b.addEventListener("click", () => {
        state = fromForm();
        state.from = start.toISOString().slice(0, 10);
        state.to = end.toISOString().slice(0, 10);
        toForm(state);
        search(true);
      });
      bars.append(b);
    }
    let axis = fig.querySelector(".axis");
    if (!axis) {
      axis = el("div", "axis");
      fig.append(axis);
    }
    axis.replaceChildren(el("span", null, span(first)[2]), el("span", null, span(last)[2]));
    fig.querySelector("figcaption span").textContent = yearly ? "Results by year" : "Results by month";
    $("histo-range").textContent = "peak " + numFmt.format(max) + (yearly ? " a year" : " a month");
    fig.hidden = false;
  }

  // ---- item dialog ----

  async function openItem(id) {
    const dlg = $("item");
    try {
      const res = await fetch("/api/items/" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
      const it = await res.json();
      if (!res.ok) throw new Error(it.error || res.statusText);
      const meta = $("item-meta");
      meta.replaceChildren();
      const t = el("time", null, fmtDate(it.date));
      t.dateTime = it.date;
      meta.append(t);
      for (const v of [it.region, it.dateline, it.read_minutes ? it.read_minutes + " min read" : ""]) if (v) meta.append(el("span", null, v));
      meta.append(el("span", "tag " + it.kind, it.kind === "teaser" ? "Teaser" : "Article"));
      $("item-title").textContent = it.title || "(untitled)";
      const cap = $("item-caption");
      cap.textContent = it.caption || "";
      cap.hidden = !it.caption;
      const body = $("item-body");
      body.replaceChildren();
      const text = it.body || it.summary || "";
      for (const para of text.split(/\n\s*\n/)) if (para.trim()) body.append(el("p", null, para.trim()));
      const by = $("item-byline");
      by.textContent = it.byline || "";
      by.hidden = !it.byline;
      const links = $("item-links");
      links.replaceChildren();
      const href = it.url && safeURL(it.url);
      if (href) {
        const a = el("a", null, "Original " + (it.source ? "at " + it.source : "page"));
        a.href = href;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        links.append(a);
      }
      if (it.article_id) {
        const a = el("a", null, "Full article");
        a.href = "/api/items/" + encodeURIComponent(it.article_id);
        a.addEventListener("click", (e) => {
          e.preventDefault();
          openItem(it.article_id);
        });
        links.append(a);
      }
      if (it.file) links.append(el("span", "muted", it.file));
      if (!dlg.open) dlg.showModal();
      dlg.scrollTop = 0;
    } catch (err) {
      showError("Could not open the item: " + err.message);
    }
  }

  // ---- events ----

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    state = fromForm();
    search(true);
  });
  for (const f of [fields.from, fields.to, fields.kind, fields.sort]) {
    f.addEventListener("change", () => {
      state = fromForm();
      search(true);
    });
  }
  $("clear").addEventListener("click", () => {
    state = { q: "", from: "", to: "", kind: "", sort: "", regions: [], page: 1 };
    toForm(state);
    search(true);
    fields.q.focus();
  });
  $("prev").addEventListener("click", () => go(-1));
  $("next").addEventListener("click", () => go(+1));
  function go(d) {
    state.page = Math.max(1, state.page + d);
    search(true).then(() => {
      $("results").focus({ preventScroll: true });
      window.scrollTo({ top: 0 });
    });
  }
  $("hits").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-id]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    openItem(a.dataset.id);
  });
  window.addEventListener("popstate", () => {
    state = readURL();
    toForm(state);
    search(false);
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      fields.q.focus();
      fields.q.select();
    }
  });

  toForm(state);
  search(false);
  if (!state.q && matchMedia("(hover: hover)").matches) fields.q.focus();
})();
