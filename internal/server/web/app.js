// newsdex search page: reads the search from the URL, calls /api/search and
// renders hits, notes, the region list, a date histogram, the pager and the
// item dialog. Text from the index is always inserted as text; highlight
// fragments are rebuilt from their text and <mark> elements only.
//
// Sections: helpers; state and URL; API; views (summary, notes, hits,
// regions, histogram, pager); overlays (the item dialog: each overlay has a
// URL parameter of its own, so a story view can join as "story"); events.
"use strict";

(function () {
  const PAGE_SIZE = 10;
  const WINDOW = 10000; // the server's page*limit cap (query.MaxWindow): deeper pages go through after cursors
  const JUMP = 1000; // the server's largest limit: hits skipped per request when walking cursors
  const REGIONS_SHOWN = matchMedia("(max-width: 760px)").matches ? 6 : 10; // regions listed before "more"
  const FACETS = "region,kind,month";
  const $ = (id) => document.getElementById(id);
  const form = $("search");
  const fields = { q: $("q"), from: $("from"), to: $("to"), kind: $("kind"), sort: $("sort") };
  // Dates are UTC, written "5 Mar 2012".
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n) => String(n).padStart(2, "0");
  const dateFmt = { format: (d) => d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() };
  const dayFmt = { format: (d) => d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] };
  const timeFmt = { format: (d) => two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) };
  const monthFmt = { format: (d) => MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear() };
  const monFmt = { format: (d) => MONTHS[d.getUTCMonth()] };
  const numFmt = new Intl.NumberFormat("en");
  const plural = (n, one, many) => numFmt.format(n) + " " + (n === 1 ? one : many);

  let state = readURL();
  let inflight = null;
  let facetsParam = true; // false once the server says it takes no facets parameter
  let regionsOpen = false; // "more" pressed
  let lastRegions = { facet: [], missing: null };

  // ---- helpers ----

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
          if (c.nodeName === "MARK") into.appendChild(el("mark", null, c.textContent));
          else walk(c, into);
        }
      }
    };
    walk(tpl.content, parent);
  }

  // markedWords returns the text of the <mark> elements of highlight fragments.
  function markedWords(highlights) {
    const out = [];
    for (const frags of Object.values(highlights || {})) {
      for (const html of frags) {
        const tpl = document.createElement("template");
        tpl.innerHTML = html;
        for (const m of tpl.content.querySelectorAll("mark")) out.push(m.textContent);
      }
    }
    return out;
  }

  function fmtDate(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const day = dateFmt.format(d);
    return d.getUTCHours() || d.getUTCMinutes() ? day + ", " + timeFmt.format(d) + " UTC" : day;
  }

  const isoDay = (d) => d.toISOString().slice(0, 10);
  const parseDay = (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(s + "T00:00:00Z") : null);
  const DAY = 86400000;

  function safeURL(u) {
    try {
      const url = new URL(u);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

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
      item: p.get("item") || "",
      story: p.get("story") || "",
    };
  }

  // searchParams are the API parameters of a search, without paging.
  function searchParams(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    for (const r of s.regions) p.append("region", r);
    if (s.kind) p.set("kind", s.kind);
    if (s.sort) p.set("sort", s.sort);
    return p;
  }

  // searchKey names a search without its page: what cursors and facets belong to.
  const searchKey = (s) => searchParams(s).toString();

  // pageURL is the address of the page showing s.
  function pageURL(s) {
    const p = searchParams(s);
    if (s.page > 1) p.set("page", String(s.page));
    if (s.item) p.set("item", s.item);
    else if (s.story) p.set("story", s.story);
    const qs = p.toString();
    return qs ? "?" + qs : location.pathname;
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
      item: "",
      story: "",
    };
  }

  // queryTerms are the words of a query that a match shows: not the
  // operators, field names, excluded words or modifiers. A prefix keeps its *.
  function queryTerms(q) {
    const out = [];
    const re = /(-?)(?:[a-z_]+:)?(?:"([^"]*)"|([^\s()"]+))/gi;
    let m;
    let not = false;
    while ((m = re.exec(q))) {
      const word = m[3];
      if (word && /^(AND|OR|NOT|&&|\|\|)$/.test(word)) {
        not = word === "NOT";
        continue;
      }
      if (!m[1] && !not) {
        const text = m[2] !== undefined ? m[2] : word.replace(/[~^][\d.]*$/, "");
        for (const w of text.split(/[^\p{L}\p{N}*']+/u)) if (w && w !== "*") out.push(w);
      }
      not = false;
    }
    return out;
  }

  // ---- API ----

  async function getJSON(path, signal) {
    const res = await fetch(path, { signal, headers: { Accept: "application/json" } });
    const body = await res.json().catch(() => ({ error: "the server sent a malformed answer (" + res.status + ")" }));
    return { ok: res.ok, status: res.status, body };
  }

  // apiSearch runs one /api/search request. facets names the facets to ask
  // for; a server without the facets parameter sends them all anyway.
  async function apiSearch(p, facets, signal) {
    if (facets && facetsParam) p.set("facets", facets);
    let r = await getJSON("/api/search?" + p.toString(), signal);
    if (!r.ok && r.status === 400 && r.body.param === "facets") {
      facetsParam = false;
      p.delete("facets");
      r = await getJSON("/api/search?" + p.toString(), signal);
    }
    return r;
  }

  // cursors remembers, per search, the after cursor that starts each page
  // past the server's window, so that Next and Back are one request each.
  const cursors = new Map();
  function cursorCache(key) {
    if (!cursors.has(key)) {
      let saved = {};
      try {
        saved = JSON.parse(sessionStorage.getItem("newsdex.cursors." + key) || "{}");
      } catch (e) {}
      cursors.set(key, new Map(Object.entries(saved).map(([k, v]) => [+k, v])));
    }
    return cursors.get(key);
  }
  function rememberCursor(key, page, cursor) {
    const c = cursorCache(key);
    c.set(page, cursor);
    try {
      sessionStorage.setItem("newsdex.cursors." + key, JSON.stringify(Object.fromEntries(c)));
    } catch (e) {}
  }

  // windowPages is the last page the server serves by number.
  const windowPages = () => Math.floor(WINDOW / PAGE_SIZE);

  // cursorFor returns the after cursor that starts page n (past the window),
  // walking from the nearest known one in jumps of JUMP hits; null when the
  // results end before page n.
  async function cursorFor(s, n, signal) {
    const key = searchKey(s);
    const cache = cursorCache(key);
    if (cache.has(n)) return cache.get(n);
    let page = 0;
    let cursor = null;
    for (const [p, c] of cache) if (p < n && p > page) [page, cursor] = [p, c];
    if (!cursor) {
      // The last hit the window reaches gives the cursor of the first page past it.
      const p = searchParams(s);
      p.set("limit", "1");
      p.set("page", String(WINDOW));
      const r = await apiSearch(p, "", signal);
      if (!r.ok) throw new Error(r.body.error || "search failed (" + r.status + ")");
      if (!r.body.next) return null;
      page = windowPages() + 1;
      cursor = r.body.next;
      rememberCursor(key, page, cursor);
    }
    while (page < n) {
      const pages = Math.min(n - page, JUMP / PAGE_SIZE);
      const p = searchParams(s);
      p.set("after", cursor);
      p.set("limit", String(pages * PAGE_SIZE));
      const r = await apiSearch(p, "", signal);
      if (!r.ok) throw new Error(r.body.error || "search failed (" + r.status + ")");
      if (!r.body.next) return null;
      page += pages;
      cursor = r.body.next;
      rememberCursor(key, page, cursor);
    }
    return cursor;
  }

  // The facets of a search do not change with its page: they are asked for
  // once per search.
  let facetCache = { key: null, total: 0, facets: null, regions: null };

  // ---- search ----

  async function search(push) {
    const target = pageURL(state);
    if (push) history.pushState(null, "", target);
    else history.replaceState(null, "", target);
    document.title = state.q ? state.q + " · newsdex" : "newsdex · news search";

    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    const s = { ...state, regions: state.regions.slice() };
    const key = searchKey(s);
    $("progress").hidden = false;
    $("results").setAttribute("aria-busy", "true");
    try {
      const needFacets = facetCache.key !== key;
      // With regions picked, the region choices come from the same search
      // without them, so that the other regions stay on offer.
      let regionReq = null;
      if (needFacets && s.regions.length) {
        const p = searchParams({ ...s, regions: [] });
        p.set("limit", "0");
        regionReq = apiSearch(p, "region", ctl.signal);
      }
      const p = searchParams(s);
      p.set("limit", String(PAGE_SIZE));
      let main;
      if (s.page <= windowPages()) {
        if (s.page > 1) p.set("page", String(s.page));
        main = await apiSearch(p, needFacets && FACETS, ctl.signal);
      } else {
        // Past the window: learn the total (and facets) first, then walk.
        let total = facetCache.key === key ? facetCache.total : null;
        if (total === null) {
          const c = searchParams(s);
          c.set("limit", "0");
          const r = await apiSearch(c, FACETS, ctl.signal);
          if (ctl !== inflight) return;
          if (!r.ok) return showError(r.body.error || "search failed (" + r.status + ")");
          total = r.body.total || 0;
          facetCache = { key, total, facets: r.body.facets || {}, regions: null };
        }
        const cursor = (s.page - 1) * PAGE_SIZE < total ? await cursorFor(s, s.page, ctl.signal) : null;
        if (ctl !== inflight) return;
        if (cursor) p.set("after", cursor);
        main = cursor ? await apiSearch(p, "", ctl.signal) : { ok: true, body: { total, hits: [] } };
      }
      if (ctl !== inflight) return;
      if (!main.ok) return showError(main.body.error || "search failed (" + main.status + ")");
      const r = main.body;
      if (r.next && s.page >= windowPages()) rememberCursor(key, s.page + 1, r.next);
      if (r.facets && Object.keys(r.facets).length) facetCache = { key, total: r.total || 0, facets: r.facets, regions: null };
      if (regionReq) {
        const rf = await regionReq;
        if (ctl !== inflight) return;
        if (rf.ok && rf.body.facets) facetCache.regions = { total: rf.body.total || 0, facet: rf.body.facets.region || [] };
      }
      const facets = facetCache.key === key ? facetCache.facets : r.facets || {};
      const regions = facetCache.regions || { total: r.total || 0, facet: facets.region || [] };
      render(s, r, facets, regions, ctl.signal);
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
    $("summary").textContent = "Search failed.";
    $("took").textContent = "";
    $("hits").replaceChildren();
    $("histogram").hidden = true;
    $("past-end").hidden = true;
    $("notes").hidden = true;
    $("dym").hidden = true;
    $("prev").disabled = true;
    $("next").disabled = true;
    $("pageinfo").textContent = "";
  }

  // ---- views ----

  let lastHits = new Map(); // id -> hit of the page shown, for the dialog's marks

  function render(s, r, facets, regions, signal) {
    $("error").hidden = true;
    const total = r.total || 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const hits = r.hits || [];
    const past = total > 0 && s.page > pages;
    renderSummary(s, total, hits.length, past);
    $("took").textContent = typeof r.took_ms === "number" ? r.took_ms.toFixed(1) + " ms" : "";
    // The page says "past the end" itself, with a link to the last page.
    const dym = Array.isArray(r.did_you_mean) ? r.did_you_mean[0] : r.did_you_mean;
    renderNotes((r.notes || []).filter((n) => !(past && n.includes("past the end"))), typeof dym === "string" ? dym : "");
    renderPastEnd(s, past, pages);
    lastHits = new Map(hits.map((h) => [h.id, h]));
    renderHits(s, hits, past);
    renderRegions(s, regions);
    renderHistogram(s, facets.month || [], signal);

    $("prev").disabled = s.page <= 1;
    $("next").disabled = s.page >= pages;
    $("pageinfo").textContent = total && !past ? "Page " + numFmt.format(s.page) + " of " + numFmt.format(pages) : "";
  }

  // renderSummary writes the count the live region announces.
  function renderSummary(s, total, shown, past) {
    const summary = $("summary");
    summary.replaceChildren();
    if (total === 0) {
      summary.append("No results");
    } else if (past) {
      summary.append(el("strong", "total", numFmt.format(total)), total === 1 ? " result" : " results", ", none on this page");
    } else {
      const first = (s.page - 1) * PAGE_SIZE + 1;
      const last = first + shown - 1;
      if (total > 1) summary.append(numFmt.format(first) + "–" + numFmt.format(last) + " of ");
      summary.append(el("strong", "total", numFmt.format(total)), total === 1 ? " result" : " results");
    }
  }

  // renderNotes shows what the server said about the search and its
  // spelling suggestion, as a link that runs it.
  function renderNotes(notes, dym) {
    const ul = $("notes");
    ul.replaceChildren(...notes.map((n) => el("li", null, n)));
    ul.hidden = !notes.length;
    const p = $("dym");
    p.replaceChildren();
    p.hidden = !dym;
    if (dym) {
      const a = el("a", null, dym);
      a.href = pageURL({ ...state, q: dym, page: 1, item: "" });
      a.addEventListener("click", (e) => {
        e.preventDefault();
        state = { ...state, q: dym, page: 1, item: "" };
        toForm(state);
        search(true);
      });
      p.append("Did you mean ", a, "?");
    }
  }

  function renderPastEnd(s, past, pages) {
    const box = $("past-end");
    box.replaceChildren();
    box.hidden = !past;
    if (!past) return;
    const a = el("a", null, "Go to page " + numFmt.format(pages));
    a.href = pageURL({ ...s, page: pages, item: "" });
    a.addEventListener("click", (e) => {
      e.preventDefault();
      goTo(pages);
    });
    box.append("Page " + numFmt.format(s.page) + " is past the end: the results end on page " + numFmt.format(pages) + ". ", a);
  }

  function renderHits(s, hits, past) {
    const list = $("hits");
    list.replaceChildren();
    if (!hits.length) {
      if (!past) list.append(el("li", "empty", s.page > 1 ? "No more results." : "Nothing matches. Try fewer words or a wider date range."));
      return;
    }
    for (const h of hits) list.append(renderHit(h));
  }

  // renderHit is one result card.
  function renderHit(h) {
    const li = el("li", "hit");
    const meta = el("p", "meta");
    const t = el("time", null, fmtDate(h.date));
    t.dateTime = h.date;
    meta.append(t);
    if (h.region) meta.append(el("span", "region", h.region));
    if (h.dateline) meta.append(el("span", "dateline", h.dateline));
    meta.append(el("span", "tag " + (h.kind === "teaser" ? "teaser" : "article"), h.kind === "teaser" ? "Teaser" : "Article"));
    if (h.story_id && (h.story_size > 1 || h.pages > 0)) {
      // "3 versions · listed on 6 pages": opens the story's timeline.
      const parts = [];
      if (h.story_size > 1) parts.push(h.story_size + " versions");
      if (h.pages > 0) parts.push("listed on " + h.pages + (h.pages === 1 ? " page" : " pages"));
      const st = el("a", "story-link", parts.join(" · "));
      st.href = pageURL({ ...state, item: "", story: h.story_id });
      st.dataset.story = h.story_id;
      meta.append(st);
    }
    li.append(meta);

    const h3 = el("h3");
    const a = el("a");
    a.href = pageURL({ ...state, item: h.id });
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
    return li;
  }

  // renderRegions lists the regions of the results by count: the picked
  // ones, then the top REGION_SHOWN (all after "more"), or those the filter
  // box matches; items without a region have their own line.
  function renderRegions(s, regions) {
    const facet = regions.facet || [];
    const sum = facet.reduce((n, f) => n + f.count, 0);
    lastRegions = { facet, missing: Math.max(0, (regions.total || 0) - sum) };
    drawRegions(s);
  }

  function drawRegions(s) {
    const { facet, missing } = lastRegions;
    const box = $("regions");
    const filterBox = $("region-filter");
    const more = $("region-more");
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.value : null;
    box.replaceChildren();
    const counts = new Map(facet.map((f) => [f.value, f.count]));
    const picked = s.regions.filter((r) => !counts.has(r));
    const all = picked.concat(facet.map((f) => f.value));
    filterBox.hidden = all.length <= REGIONS_SHOWN && !filterBox.value;
    const needle = filterBox.hidden ? "" : filterBox.value.trim().toLowerCase();
    let names = needle ? all.filter((n) => n.toLowerCase().includes(needle)) : all;
    const matching = names.length;
    if (!needle && !regionsOpen && names.length > REGIONS_SHOWN) {
      const top = names.slice(0, REGIONS_SHOWN);
      for (const r of s.regions) if (!top.includes(r)) top.push(r);
      names = top;
    }
    if (!all.length) box.append(el("p", "muted", "No regions in these results."));
    else if (!names.length) box.append(el("p", "muted", "No region matches “" + filterBox.value.trim() + "”."));
    names.forEach((name, i) => {
      const id = "region-" + i;
      const on = s.regions.includes(name);
      const label = el("label", on ? "on" : "");
      label.htmlFor = id;
      label.title = name; // a long name is cut with an ellipsis in the side list
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
    if (missing > 0 && !needle && !s.regions.length) {
      const none = el("p", "none");
      none.append(el("span", "name", "No region"), el("span", "count", numFmt.format(missing)));
      none.title = plural(missing, "result has", "results have") + " no region";
      box.append(none);
    }
    const hidden = needle ? 0 : all.length - names.length;
    more.hidden = needle ? true : !(regionsOpen || hidden > 0);
    more.textContent = regionsOpen ? "Show fewer" : numFmt.format(hidden) + " more";
    more.setAttribute("aria-expanded", String(regionsOpen));
    if (needle) box.setAttribute("aria-label", plural(matching, "region matches", "regions match"));
    else box.removeAttribute("aria-label");
    if (focused !== null) {
      const again = [...box.querySelectorAll("input")].find((i) => i.value === focused);
      if (again) again.focus();
    }
  }

  // ---- histogram ----

  // Buckets, chosen from the span of the results: at most about 40 bars.
  // Day and week counts come from count-only requests per bar (the month
  // facet is the finest the server counts); months, quarters and years add
  // up the month facet.
  const units = {
    day: { name: "day", start: (d) => d, next: (d) => new Date(+d + DAY), label: (d) => dayFmt.format(d), long: (d) => dateFmt.format(d) },
    week: {
      name: "week",
      start: (d) => new Date(+d - ((d.getUTCDay() + 6) % 7) * DAY), // Mondays
      next: (d) => new Date(+d + 7 * DAY),
      label: (d) => dayFmt.format(d),
      long: (d) => "week of " + dateFmt.format(d),
    },
    month: {
      name: "month",
      start: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
      next: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
      label: (d) => (d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : monFmt.format(d)),
      long: (d) => monthFmt.format(d),
    },
    quarter: {
      name: "quarter",
      start: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1)),
      next: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3) + 3, 1)),
      label: (d) => String(d.getUTCFullYear()),
      long: (d) => "Q" + (Math.floor(d.getUTCMonth() / 3) + 1) + " " + d.getUTCFullYear(),
    },
    year: {
      name: "year",
      start: (d) => new Date(Date.UTC(d.getUTCFullYear(), 0, 1)),
      next: (d) => new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1)),
      label: (d) => String(d.getUTCFullYear()),
      long: (d) => String(d.getUTCFullYear()),
    },
  };

  // chooseUnit picks the bucket for a span of days.
  function chooseUnit(days) {
    if (days <= 31) return units.day;
    if (days <= 92) return units.week;
    if (days <= 3 * 366) return units.month;
    if (days <= 10 * 366) return units.quarter;
    return units.year;
  }

  // A fine histogram (days, weeks) costs a request per bar: kept per search.
  const fineCache = new Map();
  let histoSeq = 0;

  async function renderHistogram(s, months, signal) {
    const seq = ++histoSeq;
    const fig = $("histogram");
    const data = months.filter((m) => /^\d{4}-\d{2}$/.test(m.value) && m.count > 0);
    if (!data.length) {
      fig.hidden = true;
      return;
    }
    const monthStart = (v) => new Date(Date.UTC(+v.slice(0, 4), +v.slice(5, 7) - 1, 1));
    let lo = monthStart(data[0].value);
    let hi = new Date(+units.month.next(monthStart(data[data.length - 1].value)) - DAY); // last day
    const from = parseDay(s.from);
    const to = parseDay(s.to);
    if (from && from > lo) lo = from;
    if (to && to < hi) hi = to;
    if (hi < lo) hi = lo;
    const unit = chooseUnit(Math.round((hi - lo) / DAY) + 1);
    const buckets = [];
    for (let d = unit.start(lo); d <= hi; d = unit.next(d)) {
      const end = new Date(+unit.next(d) - DAY);
      buckets.push({ start: d, end, first: d < lo ? lo : d, last: end > hi ? hi : end, count: 0 });
    }
    if (unit === units.day || unit === units.week) {
      const key = searchKey(s);
      let counts = fineCache.get(key);
      if (!counts) {
        drawHistogram(unit, buckets, true);
        try {
          counts = await Promise.all(
            buckets.map(async (b) => {
              const p = searchParams({ ...s, from: isoDay(b.first), to: isoDay(b.last) });
              p.set("limit", "0");
              const r = await getJSON("/api/search?" + p.toString(), signal);
              return r.ok ? r.body.total || 0 : 0;
            })
          );
        } catch (err) {
          return; // a newer search took over
        }
        if (seq !== histoSeq) return;
        fineCache.set(key, counts);
      }
      buckets.forEach((b, i) => (b.count = counts[i]));
    } else {
      for (const m of data) {
        const d = monthStart(m.value);
        const b = buckets.find((b) => d >= unit.start(b.start) && d <= b.end);
        if (b) b.count += m.count;
      }
    }
    if (seq === histoSeq) drawHistogram(unit, buckets, false);
  }

  // niceMax rounds a count up to 1, 2 or 5 times a power of ten.
  function niceMax(n) {
    if (n <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(n)));
    for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
    return 10 * p;
  }

  function drawHistogram(unit, buckets, loading) {
    const fig = $("histogram");
    fig.hidden = false;
    const bars = $("bars");
    const focusedIndex = bars.contains(document.activeElement) ? [...bars.children].indexOf(document.activeElement) : -1;
    bars.replaceChildren();
    const max = Math.max(...buckets.map((b) => b.count), 0);
    const top = niceMax(max);
    const title = "Results by " + unit.name;
    $("histo-title").textContent = title;
    bars.dataset.unit = unit.name;
    bars.setAttribute("aria-busy", String(loading));
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    $("histo-range").textContent = loading
      ? "counting…"
      : unit.long(first.start) + (buckets.length > 1 ? " – " + unit.long(last.start) : "") + " · peak " + numFmt.format(max) + " a " + unit.name;

    buckets.forEach((b, i) => {
      const name = unit.long(b.start);
      const label = name + ": " + plural(b.count, "result", "results");
      const bar = el("button", "bar" + (b.count ? "" : " zero"));
      bar.type = "button";
      bar.tabIndex = -1;
      bar.dataset.label = label;
      bar.dataset.count = String(b.count);
      bar.setAttribute("aria-label", label + ". Show only " + name + ".");
      const fill = el("span");
      fill.style.setProperty("height", (b.count ? Math.max(3, (100 * b.count) / top) : 1) + "%");
      bar.append(fill);
      bar.addEventListener("click", () => {
        state = fromForm();
        state.from = isoDay(b.first);
        state.to = isoDay(b.last);
        toForm(state);
        search(true);
      });
      bars.append(bar);
    });
    const roving = bars.children[Math.max(0, Math.min(focusedIndex, buckets.length - 1))] || bars.children[0];
    roving.tabIndex = 0;
    if (focusedIndex >= 0) roving.focus();

    // y axis: 0, half and the top, with grid lines.
    const yaxis = $("yaxis");
    yaxis.replaceChildren();
    for (const v of [top, top / 2, 0]) {
      if (v !== Math.round(v)) continue;
      const t = el("span", null, numFmt.format(v));
      t.style.setProperty("bottom", (100 * v) / top + "%");
      yaxis.append(t);
    }

    // x axis: labels at the start of years (months, quarters) or spaced out,
    // as many as fit.
    const xaxis = $("xaxis");
    xaxis.replaceChildren();
    const width = bars.clientWidth || 600;
    const room = Math.max(2, Math.floor(width / (unit === units.month || unit === units.year || unit === units.quarter ? 48 : 58)));
    let ticks = buckets.map((b, i) => i);
    if (unit === units.quarter || (unit === units.month && buckets.length > 12)) {
      ticks = ticks.filter((i) => buckets[i].start.getUTCMonth() === 0);
      if (!ticks.length) ticks = [0];
    }
    const step = Math.ceil(ticks.length / room);
    ticks = ticks.filter((_, k) => k % step === 0);
    for (const i of ticks) {
      const b = buckets[i];
      const t = el("span", null, unit === units.month && i === 0 && buckets.length <= 12 ? monthFmt.format(b.start) : unit.label(b.start));
      const at = ((i + 0.5) * 100) / buckets.length;
      t.style.setProperty("left", at + "%");
      if (at < 6) {
        t.className = "start";
        t.style.setProperty("left", "0");
      } else if (at > 94) {
        t.className = "end";
        t.style.setProperty("left", "100%");
      }
      xaxis.append(t);
    }
  }

  // The count of a bar shows on hover and on focus.
  function showTip(bar) {
    const tip = $("histo-tip");
    tip.textContent = bar.dataset.label;
    tip.hidden = false;
    const plot = tip.parentElement.getBoundingClientRect();
    const r = bar.getBoundingClientRect();
    const w = tip.offsetWidth;
    let left = r.left + r.width / 2 - plot.left - w / 2;
    left = Math.max(0, Math.min(left, plot.width - w));
    tip.style.setProperty("left", left + "px");
  }
  function hideTip() {
    $("histo-tip").hidden = true;
  }

  // ---- overlays: things opened over the results, each with a URL ----

  // markBody appends text to parent with the words of terms marked. A term
  // ending in * matches as a prefix; others match with common endings.
  function markText(parent, text, terms) {
    if (!terms.length) {
      parent.append(text);
      return;
    }
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const alts = [...new Set(terms.map((t) => t.toLowerCase()))].map((t) =>
      t.endsWith("*") ? esc(t.slice(0, -1)) + "[\\p{L}\\p{N}]*" : esc(t.length > 4 ? t.replace(/(es|s|ed|ing)$/, "") : t) + "(?:s|es|ed|ing|e|er|ers|'s)?"
    );
    const re = new RegExp("(?<![\\p{L}\\p{N}])(?:" + alts.join("|") + ")(?![\\p{L}\\p{N}])", "giu");
    let at = 0;
    for (const m of text.matchAll(re)) {
      if (m.index > at) parent.append(text.slice(at, m.index));
      parent.append(el("mark", null, m[0]));
      at = m.index + m[0].length;
    }
    if (at < text.length) parent.append(text.slice(at));
  }

  const dlg = $("item");
  let dialogPushed = false; // the open dialog added a history entry

  async function openItem(id, push) {
    const terms = queryTerms(state.q);
    const hit = lastHits.get(id);
    if (hit) terms.push(...markedWords(hit.highlights));
    try {
      const res = await fetch("/api/items/" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
      const it = await res.json().catch(() => ({ error: res.statusText }));
      if (!res.ok) throw new Error(it.error || res.statusText);
      const meta = $("item-meta");
      meta.replaceChildren();
      const t = el("time", null, fmtDate(it.date));
      t.dateTime = it.date;
      meta.append(t);
      for (const v of [it.region, it.dateline, it.read_minutes ? it.read_minutes + " min read" : ""]) if (v) meta.append(el("span", null, v));
      meta.append(el("span", "tag " + it.kind, it.kind === "teaser" ? "Teaser" : "Article"));
      const title = $("item-title");
      title.replaceChildren();
      markText(title, it.title || "(untitled)", terms);
      const cap = $("item-caption");
      cap.textContent = it.caption || "";
      cap.hidden = !it.caption;
      const body = $("item-body");
      body.replaceChildren();
      const text = it.body || it.summary || "";
      for (const para of text.split(/\n\s*\n/)) {
        if (!para.trim()) continue;
        const p = el("p");
        markText(p, para.trim(), terms);
        body.append(p);
      }
      const by = $("item-byline");
      by.textContent = it.byline || "";
      by.hidden = !it.byline;
      const links = $("item-links");
      links.replaceChildren();
      const self = el("a", null, "Link to this item");
      self.href = pageURL({ ...state, item: it.id });
      self.className = "permalink";
      links.append(self);
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
        a.href = pageURL({ ...state, item: it.article_id });
        a.dataset.id = it.article_id;
        links.append(a);
      }
      if (it.file) links.append(el("span", "muted", it.file));

      if (state.item !== id || push) {
        state = { ...state, item: id, story: "" };
        if (push) {
          history.pushState(null, "", pageURL(state));
          dialogPushed = true;
        } else history.replaceState(null, "", pageURL(state));
      }
      dlg.dataset.id = id;
      dlg.dataset.story = "";
      if (!dlg.open) dlg.showModal();
      dlg.scrollTop = 0;
      const mark = body.querySelector("mark");
      if (mark) mark.scrollIntoView({ block: "center" });
    } catch (err) {
      state = { ...state, item: "" };
      history.replaceState(null, "", pageURL(state));
      showError("Could not open the item: " + err.message);
    }
  }

  // openStory shows a story in the dialog: its timeline (items oldest
  // first, each opening the item) and its related stories.
  async function openStory(id, push) {
    try {
      const sr = await getJSON("/api/stories/" + encodeURIComponent(id));
      if (!sr.ok) throw new Error(sr.body.error || "status " + sr.status);
      const st = sr.body;
      const items = st.items || [];
      const lead = items.find((i) => i.kind === "article") || items[items.length - 1];
      const meta = $("item-meta");
      meta.replaceChildren(el("span", "tag story", "Story"), el("span", null, items.length === 1 ? "1 item" : st.story_size + " items"));
      $("item-title").textContent = (items.length && items[items.length - 1].title) || "(untitled)";
      $("item-caption").hidden = true;
      $("item-byline").hidden = true;
      const body = $("item-body");
      body.replaceChildren();
      const ol = el("ol", "timeline");
      for (const it of items) {
        const li = el("li");
        const t = el("time", null, fmtDate(it.date));
        t.dateTime = it.date;
        li.append(t, " ");
        for (const v of [it.source, it.kind === "teaser" ? "Teaser" : "Article", it.pages ? "listed on " + it.pages + (it.pages === 1 ? " page" : " pages") : ""]) if (v) li.append(el("span", "muted", v), " ");
        const a = el("a", null, it.title || "(untitled)");
        a.href = pageURL({ ...state, story: "", item: it.id });
        a.dataset.id = it.id;
        li.append(a);
        ol.append(li);
      }
      body.append(ol);
      const rel = el("section", "related");
      rel.append(el("h3", null, "Related stories"));
      const ul = el("ul");
      rel.append(ul);
      body.append(rel);
      const links = $("item-links");
      links.replaceChildren();
      const self = el("a", "permalink", "Link to this story");
      self.href = pageURL({ ...state, item: "", story: id });
      links.append(self);
      if (state.story !== id || state.item || push) {
        state = { ...state, item: "", story: id };
        if (push) {
          history.pushState(null, "", pageURL(state));
          dialogPushed = true;
        } else history.replaceState(null, "", pageURL(state));
      }
      dlg.dataset.id = "";
      dlg.dataset.story = id;
      if (!dlg.open) dlg.showModal();
      dlg.scrollTop = 0;
      if (lead) {
        const rr = await getJSON("/api/items/" + encodeURIComponent(lead.id) + "/related?limit=5").catch(() => ({ ok: false }));
        if (dlg.dataset.story !== id) return;
        for (const h of (rr.ok && rr.body.hits) || []) {
          const li = el("li");
          const a = el("a", null, h.title || "(untitled)");
          a.href = pageURL({ ...state, item: "", story: h.story_id });
          if (h.story_id) a.dataset.story = h.story_id;
          else a.dataset.id = h.id;
          const t = el("time", "muted", fmtDate(h.date));
          t.dateTime = h.date;
          li.append(a, " ", t);
          ul.append(li);
        }
        if (!ul.children.length) ul.append(el("li", "muted", "None."));
      }
    } catch (err) {
      state = { ...state, story: "" };
      history.replaceState(null, "", pageURL(state));
      showError("Could not open the story: " + err.message);
    }
  }
  $("item-body").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-id], a[data-story]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (a.dataset.story) openStory(a.dataset.story, false);
    else openItem(a.dataset.id, false);
  });

  dlg.addEventListener("close", () => {
    if (!state.item && !state.story) return;
    state = { ...state, item: "", story: "" };
    if (dialogPushed) {
      dialogPushed = false;
      history.back();
    } else history.replaceState(null, "", pageURL(state));
  });
  $("item-links").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-id]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    openItem(a.dataset.id, false);
  });

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
    state = { q: "", from: "", to: "", kind: "", sort: "", regions: [], page: 1, item: "", story: "" };
    $("region-filter").value = "";
    toForm(state);
    search(true);
    fields.q.focus();
  });
  $("region-filter").addEventListener("input", () => drawRegions(state));
  $("region-more").addEventListener("click", () => {
    regionsOpen = !regionsOpen;
    drawRegions(state);
  });
  $("prev").addEventListener("click", () => goTo(state.page - 1));
  $("next").addEventListener("click", () => goTo(state.page + 1));
  function goTo(page) {
    state = { ...state, page: Math.max(1, page), item: "", story: "" };
    search(true).then(() => {
      $("results").focus({ preventScroll: true });
      window.scrollTo({ top: 0 });
    });
  }
  $("hits").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-id], a[data-story]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (a.dataset.story) openStory(a.dataset.story, true);
    else openItem(a.dataset.id, true);
  });
  const bars = $("bars");
  bars.addEventListener("mouseover", (e) => {
    const b = e.target.closest(".bar");
    if (b) showTip(b);
  });
  bars.addEventListener("mouseleave", () => {
    if (!bars.contains(document.activeElement)) hideTip();
  });
  bars.addEventListener("focusin", (e) => showTip(e.target.closest(".bar")));
  bars.addEventListener("focusout", hideTip);
  bars.addEventListener("keydown", (e) => {
    const list = [...bars.children];
    const i = list.indexOf(document.activeElement);
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: list.length - 1 }[e.key];
    if (i < 0 || to === undefined) return;
    e.preventDefault();
    const next = list[Math.max(0, Math.min(to, list.length - 1))];
    list[i].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  window.addEventListener("popstate", () => {
    const before = searchKey(state) + "&page=" + state.page;
    state = readURL();
    toForm(state);
    if (searchKey(state) + "&page=" + state.page !== before) search(false);
    if (state.item && (!dlg.open || dlg.dataset.id !== state.item)) openItem(state.item, false);
    if (state.story && !state.item && (!dlg.open || dlg.dataset.story !== state.story)) openStory(state.story, false);
    if (!state.item && !state.story && dlg.open) {
      dialogPushed = false;
      dlg.close();
    }
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && !dlg.open) {
      e.preventDefault();
      fields.q.focus();
      fields.q.select();
    }
  });

  toForm(state);
  search(false);
  if (state.item) openItem(state.item, false);
  else if (state.story) openStory(state.story, false);
  else if (!state.q && matchMedia("(hover: hover)").matches) fields.q.focus();
})();
