package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"newsdex/internal/item"
	"newsdex/internal/jsonl"
)

// findChromium returns the browser the test drives: $NEWSDEX_CHROMIUM, else
// Debian's chromium, else another Chrome on PATH; "" when there is none.
func findChromium() string {
	if p := os.Getenv("NEWSDEX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserCorpus reads like a news wire: two years of stories over a few
// regions, many about oil, and one headline that tries to inject markup.
func browserCorpus() []item.Item {
	type story struct{ title, body string }
	stories := []story{
		{"Oil prices climb as OPEC weighs output cut", "Oil prices rose for a third day as OPEC ministers met to weigh a cut in output, traders said. Brent crude gained more than a dollar a barrel."},
		{"Central bank holds rates, signals patience on inflation", "The central bank left its key interest rate unchanged and said it would wait for clearer signs that inflation was easing."},
		{"Wheat harvest beats forecasts after mild spring", "Farmers brought in a larger wheat harvest than forecast, helped by a mild spring and late rains, the agriculture ministry said."},
		{"Refinery strike cuts oil exports", "A strike at the country's largest refinery cut oil exports by a third, port officials said, as unions pressed for higher pay."},
		{"Shares slip as bank earnings disappoint", "Stocks fell in early trading after two large banks reported weaker quarterly earnings than analysts had expected."},
		{"Government unveils budget with deficit target", "The finance minister presented a budget that aims to halve the deficit within three years through spending restraint and new taxes."},
		{"Tanker traffic resumes after oil spill cleanup", "Tanker traffic through the strait resumed after crews cleared most of an oil spill that had closed the channel for four days."},
		{"Trade talks stall over farm subsidies", "Negotiators failed to agree on farm subsidies, leaving the wider trade talks stalled ahead of next month's deadline."},
		{"Oil companies raise exploration budgets", "Several oil companies said they would raise spending on exploration next year as crude prices recovered from their lows."},
		{"Election campaign opens with pledge on jobs", "The opposition opened its election campaign with a pledge to create jobs through public works and lower payroll taxes."},
	}
	regions := []string{"Europe", "Americas", "Asia Pacific", "Middle East", "Africa"}
	datelines := []string{"LONDON", "NEW YORK", "TOKYO", "DUBAI", "LAGOS"}
	var items []item.Item
	for i := range 150 {
		s := stories[(i*7+i/10)%len(stories)]
		r := (i + i/len(regions)) % len(regions)
		it := item.Item{
			Kind:        item.Article,
			Title:       s.title,
			Region:      regions[r],
			Dateline:    datelines[r],
			Date:        day("1987-01-02").AddDate(0, 0, i*5),
			Body:        fmt.Sprintf("%s, %s (Reuters) - %s\n\nAnalysts said the outlook for the coming months remained uncertain.", datelines[r], "Jan 2", s.body),
			ReadMinutes: 1 + i%4,
			Source:      "Reuters",
		}
		if i%5 == 4 {
			it.Kind = item.Teaser
			it.Summary = s.body
			it.Body = ""
			it.Dateline = ""
			it.ReadMinutes = 0
			it.Pages = 1 + i%3
		}
		items = append(items, it)
	}
	items = append(items, item.Item{
		ID:     "a-xss",
		Kind:   item.Article,
		Title:  `Oil <img src=x onerror="window.__xss=1"> & <b>bold</b> claims`,
		Region: "Europe",
		Date:   day("1988-06-01"),
		Body:   `An oil story whose text carries <script>window.__xss=2</script> markup.`,
	})
	return items
}

// tenYearJSONL writes JSON lines of ten years of news, 2007 to 2016, with
// 130 regions and items without one, plus two archive items of 1990: oil
// and grain stories every few days, and one long story that mentions a
// needle only in its last paragraph.
func tenYearJSONL() string {
	var b strings.Builder
	enc := func(m map[string]any) {
		j, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	start := day("2007-01-01")
	for i := range 800 {
		word := "oil"
		if i%2 == 1 {
			word = "grain"
		}
		m := map[string]any{
			"kind":         "article",
			"title":        fmt.Sprintf("Bulletin %d on %s", i, word),
			"date":         start.AddDate(0, 0, i*3652/800).Format(time.DateOnly),
			"body":         fmt.Sprintf("Traders discussed %s on the day of bulletin %d.", word, i),
			"read_minutes": 1,
			"source":       "Wire",
		}
		if i%10 != 9 {
			m["region"] = fmt.Sprintf("Province %03d", i*37%130)
		}
		enc(m)
	}
	var long []string
	for i := range 14 {
		long = append(long, fmt.Sprintf("Paragraph %d of the long report says nothing of note about the harvest, the weather or the markets, at some length, again and again.", i+1))
	}
	long = append(long, "At the very end the report finds the needle, and the needle's owner.")
	enc(map[string]any{
		"id": "long-needle", "kind": "article", "title": "A long report from the provinces",
		"date": "2012-03-05", "region": "Province 001", "dateline": "SOUTH KESTERHAM-ON-THE-WOLD",
		"body": strings.Join(long, "\n\n"), "read_minutes": 1, "source": "Wire",
	})
	for _, d := range []string{"1990-05-01", "1990-06-01"} {
		enc(map[string]any{"kind": "article", "title": "From the archive", "date": d, "body": "An archive story.", "source": "Wire"})
	}
	return b.String()
}

// readJSONL reads items from JSON lines as index build does.
func readJSONL(t *testing.T, text string) []item.Item {
	t.Helper()
	r := jsonl.NewReader(strings.NewReader(text), "ten-years.jsonl")
	var items []item.Item
	for {
		it, err := r.Read()
		if err == io.EOF {
			return items
		}
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
}

// deepCorpus is one item more than ten pages past the server's window of
// 10,000 hits, each a minute apart, so that newest first is a known order.
func deepCorpus() []item.Item {
	items := make([]item.Item, 10025)
	for i := range items {
		items[i] = item.Item{
			ID:    fmt.Sprintf("d%05d", i),
			Kind:  item.Article,
			Title: fmt.Sprintf("Notice %d", i),
			Date:  day("2001-01-01").Add(time.Duration(i) * time.Minute),
		}
	}
	return items
}

// browser is one headless chromium the subtests share.
type browser struct {
	ctx   context.Context
	shots string
}

func (b *browser) step(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, c := context.WithTimeout(b.ctx, 30*time.Second)
	defer c()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(t *testing.T, js string) string {
	t.Helper()
	sctx, c := context.WithTimeout(b.ctx, 10*time.Second)
	defer c()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// evalJSON evaluates js, which returns JSON.stringify(...), into v.
func (b *browser) evalJSON(t *testing.T, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(b.eval(t, js)), v); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
}

func (b *browser) wait(t *testing.T, what, js string) {
	t.Helper()
	for try := 0; ; try++ {
		sctx, c := context.WithTimeout(b.ctx, 30*time.Second)
		err := chromedp.Do(sctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second)))
		c()
		// A poll that began just as a page was replaced finds no context: poll again.
		if err != nil && try < 2 && strings.Contains(err.Error(), "Cannot find context") {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return
	}
}

// clickUntil clicks the element of css until js holds, at most three
// times: on a loaded machine a click can land while the page is still
// wiring the element up, and is then lost.
func (b *browser) clickUntil(t *testing.T, what, css, js string) {
	t.Helper()
	var err error
	for range 3 {
		b.step(t, what, chromedp.Click(chromedp.CSS(css)))
		sctx, c := context.WithTimeout(b.ctx, 10*time.Second)
		err = chromedp.Do(sctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(8*time.Second)))
		c()
		if err == nil {
			return
		}
	}
	t.Fatalf("%s: %v", what, err)
}

func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	sctx, c := context.WithTimeout(b.ctx, 20*time.Second)
	defer c()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(b.shots, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// viewport sets the window size: a desktop or, at 390 px, a phone.
func (b *browser) viewport(t *testing.T, width int) {
	t.Helper()
	if width < 500 {
		b.step(t, "phone viewport", chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile))
	} else {
		b.step(t, "desktop viewport", chromedp.EmulateViewport(int64(width), 900))
	}
}

// open navigates to url and waits for the results.
func (b *browser) open(t *testing.T, url string) {
	t.Helper()
	b.step(t, "open "+url, chromedp.Navigate(url))
	b.wait(t, "results of "+url, `(() => { const r = document.querySelector("#results"), s = document.querySelector("#summary");
		return r !== null && s !== null && !r.hasAttribute("aria-busy") && s.textContent !== "Loading…"; })()`)
}

// geometry is the JavaScript the layout checks share: rectangles, whether
// two overlap, and whether an element's text fits in it.
const geometry = `
window.__rect = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
window.__overlap = (a, b) => { const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
  return p.width > 0 && q.width > 0 && p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5; };
window.__textWidth = (e, text) => { const c = document.createElement("canvas").getContext("2d"); const s = getComputedStyle(e);
  c.font = s.fontWeight + " " + s.fontSize + " " + s.fontFamily; return c.measureText(text).width; };
"ok"`

func startBrowser(t *testing.T) *browser {
	t.Helper()
	exe := findChromium()
	if exe == "" {
		t.Skip("skipping: no chromium found (apt-get install chromium, or set NEWSDEX_CHROMIUM)")
	}
	shots := os.Getenv("NEWSDEX_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancel)
	// Start the browser on a context without a deadline (see chromedp.Run),
	// then bound each step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return &browser{ctx: ctx, shots: shots}
}

// TestBrowser drives the search page in headless chromium at 1280 and 390
// px: searching, regions, paging, the URL, the histogram, the item dialog,
// the keyboard and the layout. It saves screenshots (to
// $NEWSDEX_SCREENSHOT_DIR when set).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; -short")
	}
	b := startBrowser(t)
	wire := httptest.NewServer(newTestServer(t, Options{}, browserCorpus()))
	defer wire.Close()
	ten := readJSONL(t, tenYearJSONL())
	decade := httptest.NewServer(newTestServer(t, Options{}, ten))
	defer decade.Close()

	t.Run("flow", func(t *testing.T) { testFlow(t, b, wire.URL) })
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b.viewport(t, width)
			t.Run("histogram", func(t *testing.T) { testHistogram(t, b, decade.URL, ten, width) })
			t.Run("regions", func(t *testing.T) { testRegions(t, b, decade.URL, ten, width) })
			t.Run("past-the-end", func(t *testing.T) { testPastEnd(t, b, wire.URL) })
			t.Run("item", func(t *testing.T) { testItem(t, b, decade.URL, width) })
			t.Run("layout", func(t *testing.T) { testLayout(t, b, decade.URL, width) })
			t.Run("keyboard", func(t *testing.T) { testKeyboard(t, b, decade.URL, width) })
		})
	}
	b.viewport(t, 1280)
	t.Run("story", func(t *testing.T) {
		st := httptest.NewServer(newTestServer(t, Options{}, storyFixture()))
		defer st.Close()
		testStory(t, b, st.URL)
	})
	t.Run("deep-paging", func(t *testing.T) {
		deep := httptest.NewServer(newTestServer(t, Options{}, deepCorpus()))
		defer deep.Close()
		testDeepPaging(t, b, deep.URL)
	})
}

// testFlow: load, type a query, pick a region, page forward, reload from the
// URL, go back, open an item, markup shown as text, a bad parameter.
func testFlow(t *testing.T, b *browser, base string) {
	total := func() string { return b.eval(t, `(document.querySelector("#summary .total")||{}).textContent||""`) }

	// The page loads with the newest items.
	b.step(t, "open /", chromedp.Navigate(base+"/"))
	b.wait(t, "first results", `document.querySelectorAll("#hits .hit").length === 10`)
	all := total()
	if all != "151" {
		t.Errorf("total on load = %q, want 151", all)
	}
	// The count is announced to screen readers.
	if live := b.eval(t, `document.querySelector("#summary").getAttribute("aria-live") + " " + document.querySelector("#summary").textContent`); live != "polite 1–10 of 151 results" {
		t.Errorf("live region: %q", live)
	}

	// Type a query and press Enter.
	b.step(t, "type a query", chromedp.SendKeys(chromedp.CSS("#q"), "oil"+kb.Enter))
	b.wait(t, "query in the URL", `location.search === "?q=oil"`)
	b.wait(t, "highlighted hits", `document.querySelector("#hits .hit mark") !== null && document.querySelector("#summary .total").textContent !== "151"`)
	oil := total()
	if oil == all || oil == "" {
		t.Errorf("total after the query = %q (was %q)", oil, all)
	}
	if m := b.eval(t, `document.querySelector("#hits mark").textContent.toLowerCase()`); m != "oil" {
		t.Errorf("highlight marks %q", m)
	}

	// Pick a region from the facets.
	b.wait(t, "region facets", `document.querySelector('#regions input[value="Europe"]') !== null`)
	b.step(t, "pick Europe", chromedp.Click(chromedp.CSS(`#regions input[value="Europe"]`)))
	b.wait(t, "region in the URL", `location.search === "?q=oil&region=Europe"`)
	b.wait(t, "total changed", `document.querySelector("#summary .total").textContent !== `+fmt.Sprintf("%q", oil))
	europe := total()
	if regions := b.eval(t, `[...new Set([...document.querySelectorAll("#hits .region")].map(e => e.textContent))].join(",")`); regions != "Europe" {
		t.Errorf("regions of the hits after picking Europe: %q", regions)
	}
	if b.eval(t, `String(document.querySelector('#regions input[value="Europe"]').checked)`) != "true" {
		t.Error("Europe not checked")
	}
	b.wait(t, "other regions still offered", `document.querySelectorAll("#regions input").length === 5`)

	// Markup in the index is shown as text, never run or rendered.
	if n := b.eval(t, `String(document.querySelectorAll("#hits img, #hits b, #hits script").length)`); n != "0" {
		t.Errorf("%s elements from the index's text rendered as markup", n)
	}
	if n := b.eval(t, `String(document.querySelectorAll("#bars .bar").length)`); n == "0" {
		t.Error("no histogram")
	}
	b.shot(t, "search-europe.png")

	// Page forward.
	first := b.eval(t, `document.querySelector("#hits .hit h3 a").dataset.id`)
	b.step(t, "next page", chromedp.Click(chromedp.CSS("#next")))
	b.wait(t, "page 2 in the URL", `location.search === "?q=oil&region=Europe&page=2"`)
	b.wait(t, "page 2 shown", `document.querySelector("#hits .hit h3 a") && document.querySelector("#hits .hit h3 a").dataset.id !== `+fmt.Sprintf("%q", first))
	if info := b.eval(t, `document.querySelector("#pageinfo").textContent`); !strings.HasPrefix(info, "Page 2 of ") {
		t.Errorf("page info %q", info)
	}
	if total() != europe {
		t.Errorf("total changed when paging: %q, was %q", total(), europe)
	}
	if b.eval(t, `String(document.querySelector("#prev").disabled)`) != "false" {
		t.Error("Previous disabled on page 2")
	}

	// The URL holds the search: a reload shows the same page.
	b.step(t, "reload", chromedp.Reload())
	b.wait(t, "restored search", `document.querySelector("#q").value === "oil" && document.querySelector("#pageinfo").textContent.startsWith("Page 2 of ")`)
	if b.eval(t, `String(document.querySelector('#regions input[value="Europe"]').checked)`) != "true" {
		t.Error("Europe not checked after reload")
	}

	// Back goes to page 1.
	b.step(t, "back", chromedp.NavigateBack())
	b.wait(t, "back to page 1", `location.search === "?q=oil&region=Europe" && document.querySelector("#pageinfo").textContent.startsWith("Page 1 of ")`)

	// An item opens in a dialog with its whole body, as text.
	b.step(t, "open an item", chromedp.Click(chromedp.CSS("#hits .hit h3 a")))
	b.wait(t, "item dialog", `document.querySelector("#item").open && document.querySelector("#item-body").textContent.length > 20`)
	b.shot(t, "item.png")
	b.step(t, "close the item", chromedp.KeyEvent(kb.Escape))
	b.wait(t, "dialog closed", `!document.querySelector("#item").open && location.search === "?q=oil&region=Europe"`)

	// Markup in a headline and body is shown as text.
	b.step(t, "markup", chromedp.Navigate(base+"/?q=claims"))
	b.wait(t, "markup result", `document.querySelectorAll("#hits .hit").length === 1`)
	if got := b.eval(t, `document.querySelector("#hits .hit h3").textContent`); got != `Oil <img src=x onerror="window.__xss=1"> & <b>bold</b> claims` {
		t.Errorf("markup headline shown as %q", got)
	}
	if n := b.eval(t, `String(document.querySelectorAll("#hits img, #hits b, #hits script").length)`); n != "0" {
		t.Errorf("%s elements from the index's text rendered as markup", n)
	}
	if n := b.eval(t, `String(document.querySelectorAll("#hits h3 mark").length)`); n != "1" {
		t.Errorf("%s marks in the markup headline, want 1", n)
	}
	b.step(t, "open the markup item", chromedp.Click(chromedp.CSS("#hits .hit h3 a")))
	b.wait(t, "markup item", `document.querySelector("#item").open && document.querySelector("#item-body").textContent.includes("<script>")`)
	if n := b.eval(t, `String(document.querySelectorAll("#item img, #item b, #item script").length)`); n != "0" {
		t.Errorf("%s elements from the item's text rendered as markup", n)
	}
	b.step(t, "close the markup item", chromedp.KeyEvent(kb.Escape))
	b.wait(t, "markup item closed", `!document.querySelector("#item").open && location.search === "?q=claims"`)
	if xss := b.eval(t, `String(window.__xss)`); xss != "undefined" {
		t.Errorf("script from the index ran: window.__xss = %s", xss)
	}

	// A misspelt query offers the spelling the index knows, as a link that
	// runs it; what the server notes is shown.
	b.open(t, base+"/?q=refinary")
	b.wait(t, "did you mean", `!document.querySelector("#dym").hidden`)
	if dym := b.eval(t, `document.querySelector("#dym").textContent`); dym != "Did you mean refinery?" {
		t.Errorf("did you mean: %q", dym)
	}
	b.step(t, "follow the suggestion", chromedp.Click(chromedp.CSS("#dym a")))
	b.wait(t, "suggestion searched", `location.search === "?q=refinery" && document.querySelectorAll("#hits .hit").length > 0 && document.querySelector("#dym").hidden`)
	b.open(t, base+"/?q=oil&region=Eurpoe")
	b.wait(t, "notes", `!document.querySelector("#notes").hidden`)
	if note := b.eval(t, `document.querySelector("#notes li").textContent`); !strings.Contains(note, `"eurpoe"`) || !strings.Contains(note, "Europe") {
		t.Errorf("note for an unknown region: %q", note)
	}

	// A bad parameter shows the server's message.
	b.step(t, "bad date", chromedp.Navigate(base+"/?q=oil&from=1987-13-45"))
	b.wait(t, "error shown", `!document.querySelector("#error").hidden && document.querySelector("#error").textContent.startsWith("from: ")`)

	// The keyboard: "/" focuses the search box.
	b.open(t, base+"/?q=bank")
	b.step(t, "press /", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("/"))
	b.wait(t, "focus on q", `document.activeElement === document.querySelector("#q")`)
}

// bucketCounts counts the items matching keep by the start of their bucket.
func bucketCounts(items []item.Item, keep func(item.Item) bool, bucket func(time.Time) string) map[string]int {
	m := map[string]int{}
	for _, it := range items {
		if keep(it) {
			m[bucket(it.Date.UTC())]++
		}
	}
	return m
}

type bar struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// testHistogram: the bucket follows the span (years over the whole index,
// quarters over the ten years of oil, months over a year, weeks over two
// months, days over three weeks); each bar's count is right; the axes are
// labelled; the count shows on hover and on focus.
func testHistogram(t *testing.T, b *browser, base string, items []item.Item, width int) {
	oil := func(it item.Item) bool { return strings.HasSuffix(it.Title, " on oil") }
	in := func(from, to string) func(item.Item) bool {
		f, l := day(from), day(to).AddDate(0, 0, 1)
		return func(it item.Item) bool { return oil(it) && !it.Date.Before(f) && it.Date.Before(l) }
	}
	quarter := func(d time.Time) string { return fmt.Sprintf("Q%d %d", (int(d.Month())-1)/3+1, d.Year()) }
	cases := []struct {
		url   string
		unit  string
		bars  int
		keep  func(item.Item) bool
		label func(time.Time) string
	}{
		{"/", "year", 27, func(item.Item) bool { return true }, func(d time.Time) string { return fmt.Sprint(d.Year()) }},
		{"/?q=oil", "quarter", 40, oil, quarter},
		{"/?q=oil&from=2012-01-01&to=2012-12-31", "month", 12, in("2012-01-01", "2012-12-31"), func(d time.Time) string { return d.Format("Jan 2006") }},
		{"/?q=oil&from=2012-03-01&to=2012-04-30", "week", 10, in("2012-03-01", "2012-04-30"), func(d time.Time) string {
			return "week of " + d.AddDate(0, 0, -(int(d.Weekday())+6)%7).Format("2 Jan 2006")
		}},
		{"/?q=oil&from=2012-03-01&to=2012-03-21", "day", 21, in("2012-03-01", "2012-03-21"), func(d time.Time) string { return d.Format("2 Jan 2006") }},
	}
	for _, c := range cases {
		b.open(t, base+c.url)
		b.wait(t, "histogram of "+c.url, `!document.querySelector("#histogram").hidden && document.querySelector("#bars").getAttribute("aria-busy") === "false"`)
		if unit := b.eval(t, `document.querySelector("#bars").dataset.unit`); unit != c.unit {
			t.Errorf("%s: histogram by %s, want by %s", c.url, unit, c.unit)
		}
		var bars []bar
		b.evalJSON(t, `JSON.stringify([...document.querySelectorAll("#bars .bar")].map(b => ({label: b.dataset.label, count: +b.dataset.count})))`, &bars)
		if len(bars) != c.bars {
			t.Errorf("%s: %d bars, want %d", c.url, len(bars), c.bars)
		}
		want := bucketCounts(items, c.keep, c.label)
		sum := 0
		for _, br := range bars {
			name, _, _ := strings.Cut(br.Label, ": ")
			sum += br.Count
			if br.Count != want[name] {
				t.Errorf("%s: bar %q counts %d, want %d", c.url, br.Label, br.Count, want[name])
			}
			noun := " results"
			if br.Count == 1 {
				noun = " result"
			}
			if br.Label != name+": "+fmt.Sprint(br.Count)+noun {
				t.Errorf("%s: bar label %q", c.url, br.Label)
			}
		}
		if n := len(bucketCounts(items, c.keep, func(time.Time) string { return "" })); n > 0 && sum != bucketCounts(items, c.keep, func(time.Time) string { return "" })[""] {
			t.Errorf("%s: the bars add up to %d", c.url, sum)
		}
		// Axes: the y axis starts at 0 and ends at or above the peak; the x
		// axis has labels that do not overlap and stay inside the chart.
		var axes struct {
			Y     []string `json:"y"`
			X     []string `json:"x"`
			Clash bool     `json:"clash"`
			Out   bool     `json:"out"`
		}
		b.eval(t, geometry)
		b.evalJSON(t, `(() => { const xs = [...document.querySelectorAll("#xaxis span")]; const fig = document.querySelector("#histogram").getBoundingClientRect();
			return JSON.stringify({y: [...document.querySelectorAll("#yaxis span")].map(e => e.textContent), x: xs.map(e => e.textContent),
				clash: xs.some((e, i) => i > 0 && __overlap(xs[i-1], e)), out: xs.some(e => { const r = e.getBoundingClientRect(); return r.left < fig.left || r.right > fig.right; })}); })()`, &axes)
		if len(axes.Y) < 2 || axes.Y[len(axes.Y)-1] != "0" {
			t.Errorf("%s: y axis %q", c.url, axes.Y)
		}
		if len(axes.X) < 2 || axes.Clash || axes.Out {
			t.Errorf("%s: x axis %q (overlapping: %v, outside the chart: %v)", c.url, axes.X, axes.Clash, axes.Out)
		}
		if c.unit == "quarter" && (axes.X[0] != "2007" || width >= 1000 && len(axes.X) < 10) {
			t.Errorf("%s: x axis %q, want the years from 2007", c.url, axes.X)
		}
	}
	if width >= 1000 {
		b.shot(t, "histogram-days.png")
	}

	// The count of a bar on hover, then on focus (and arrow keys move it).
	b.open(t, base+"/?q=oil")
	b.wait(t, "bars", `document.querySelectorAll("#bars .bar").length === 40`)
	var at struct{ X, Y float64 }
	b.evalJSON(t, `(() => { const r = document.querySelector("#bars .bar:nth-child(22)").getBoundingClientRect(); return JSON.stringify({X: r.left + r.width / 2, Y: r.bottom - 2}); })()`, &at)
	b.step(t, "hover a bar", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at.X, at.Y))
	b.wait(t, "tip on hover", `!document.querySelector("#histo-tip").hidden`)
	if tip, label := b.eval(t, `document.querySelector("#histo-tip").textContent`), b.eval(t, `document.querySelector("#bars .bar:nth-child(22)").dataset.label`); tip != label || !strings.HasPrefix(tip, "Q2 2012: ") {
		t.Errorf("hover tip %q, bar %q", tip, label)
	}
	b.step(t, "focus the bars", chromedp.Evaluate[chromedp.Void](`document.querySelector('#bars .bar[tabindex="0"]').focus()`), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.ArrowLeft))
	b.wait(t, "tip on focus", `document.activeElement.matches("#bars .bar:nth-child(39)") && document.querySelector("#histo-tip").textContent.startsWith("Q3 2016: ")`)
	if width < 500 {
		b.shot(t, "phone-histogram-focus.png")
	}
	// Enter narrows the dates to the bar.
	b.step(t, "press Enter on a bar", chromedp.KeyEvent(kb.Enter))
	b.wait(t, "dates of the bar", `location.search === "?q=oil&from=2016-07-01&to=2016-09-30"`)
}

// testRegions: the top regions, "N more", the filter box, items without a
// region in their own line.
func testRegions(t *testing.T, b *browser, base string, items []item.Item, width int) {
	regions := map[string]int{}
	missing := 0
	for _, it := range items {
		if it.Region == "" {
			missing++
		} else {
			regions[it.Region]++
		}
	}
	shown := 10 // a phone shows 6
	if width < 500 {
		shown = 6
	}
	b.open(t, base+"/")
	b.wait(t, "regions", `document.querySelectorAll("#regions input").length > 0`)
	if n := b.eval(t, `String(document.querySelectorAll("#regions input").length)`); n != fmt.Sprint(shown) {
		t.Errorf("%s regions listed before more, want %d", n, shown)
	}
	if more := b.eval(t, `document.querySelector("#region-more").textContent`); more != fmt.Sprintf("%d more", len(regions)-shown) {
		t.Errorf("more button %q, want %d more", more, len(regions)-shown)
	}
	if none := b.eval(t, `document.querySelector("#regions .none").textContent`); none != fmt.Sprintf("No region%d", missing) {
		t.Errorf("no-region line %q, want %d", none, missing)
	}
	b.step(t, "more", chromedp.Click(chromedp.CSS("#region-more")))
	b.wait(t, "all regions", fmt.Sprintf(`document.querySelectorAll("#regions input").length === %d`, len(regions)))
	b.step(t, "fewer", chromedp.Click(chromedp.CSS("#region-more")))
	b.wait(t, "top regions again", fmt.Sprintf(`document.querySelectorAll("#regions input").length === %d`, shown))

	// The filter box finds any region, and picking one searches it.
	b.step(t, "filter", chromedp.SendKeys(chromedp.CSS("#region-filter"), "province 12"))
	b.wait(t, "filtered", `[...document.querySelectorAll("#regions .name")].every(e => e.textContent.startsWith("Province 12"))`)
	var listed []string
	b.evalJSON(t, `JSON.stringify([...document.querySelectorAll("#regions .name")].map(e => e.textContent))`, &listed)
	want := 0
	for r := range regions {
		if strings.HasPrefix(r, "Province 12") {
			want++
		}
	}
	if len(listed) != want {
		t.Errorf("filter lists %q, want %d regions", listed, want)
	}
	if width < 500 {
		b.shot(t, "phone-regions.png")
	}
	b.step(t, "pick Province 125", chromedp.Click(chromedp.CSS(`#regions input[value="Province 125"]`)))
	// The search starts on the click (the URL changes and the results are busy).
	b.wait(t, "region picked", `location.search === "?region=Province+125" && !document.querySelector("#results").hasAttribute("aria-busy")`)
	if got, want := b.eval(t, `document.querySelector("#summary .total").textContent`), fmt.Sprint(regions["Province 125"]); got != want {
		t.Errorf("Province 125: %s results, want %s", got, want)
	}
	if b.eval(t, `String(document.querySelector('#regions input[value="Province 125"]').checked)`) != "true" {
		t.Error("Province 125 not checked")
	}
	b.step(t, "clear the filter", chromedp.Evaluate[chromedp.Void](`document.querySelector("#region-filter").value = ""; document.querySelector("#region-filter").dispatchEvent(new Event("input"))`))
}

// testPastEnd: a page past the last says so and links to the last.
func testPastEnd(t *testing.T, b *browser, base string) {
	b.open(t, base+"/?q=oil&page=500")
	var got struct {
		Summary, PastEnd, PageInfo string
		Hits                       int
	}
	b.evalJSON(t, `JSON.stringify({Summary: document.querySelector("#summary").textContent, PastEnd: document.querySelector("#past-end").hidden ? "" : document.querySelector("#past-end").textContent,
		PageInfo: document.querySelector("#pageinfo").textContent, Hits: document.querySelectorAll("#hits .hit").length})`, &got)
	total := b.eval(t, `document.querySelector("#summary .total").textContent`)
	n, _ := strconv.Atoi(total)
	last := (n + 9) / 10
	if got.Summary != total+" results, none on this page" || got.Hits != 0 || got.PageInfo != "" ||
		got.PastEnd != fmt.Sprintf("Page 500 is past the end: the results end on page %d. Go to page %d", last, last) {
		t.Errorf("page 500 of %d: %+v", n, got)
	}
	b.step(t, "go to the last page", chromedp.Click(chromedp.CSS("#past-end a")))
	b.wait(t, "last page", fmt.Sprintf(`location.search === "?q=oil&page=%d" && document.querySelectorAll("#hits .hit").length > 0`, last))
	if info := b.eval(t, `document.querySelector("#pageinfo").textContent`); info != fmt.Sprintf("Page %d of %d", last, last) {
		t.Errorf("page info %q", info)
	}
	if b.eval(t, `String(document.querySelector("#next").disabled)`) != "true" {
		t.Error("Next enabled on the last page")
	}
}

// testItem: an item opens under a URL of its own, which opens it again; its
// body has the query's words marked and is scrolled to the first mark.
func testItem(t *testing.T, b *browser, base string, width int) {
	b.open(t, base+"/?q=needle")
	b.wait(t, "the long report", `document.querySelectorAll("#hits .hit").length === 1`)
	b.clickUntil(t, "open it", "#hits .hit h3 a", `document.querySelector("#item").open && document.querySelector("#item-body mark") !== null`)
	if u := b.eval(t, `location.search`); u != "?q=needle&item=long-needle" {
		t.Errorf("item URL %q", u)
	}
	check := func(when string) {
		t.Helper()
		var m struct {
			Marks    []string
			Visible  bool
			Scrolled bool
		}
		b.evalJSON(t, `(() => { const d = document.querySelector("#item"), k = d.querySelector("#item-body mark"), r = k.getBoundingClientRect(), v = d.getBoundingClientRect();
			return JSON.stringify({Marks: [...d.querySelectorAll("#item-body mark")].map(e => e.textContent), Visible: r.top >= v.top && r.bottom <= v.bottom, Scrolled: d.scrollTop > 0}); })()`, &m)
		if strings.Join(m.Marks, ",") != "needle,needle's" {
			t.Errorf("%s: marks %q, want needle and needle's", when, m.Marks)
		}
		if !m.Visible || !m.Scrolled {
			t.Errorf("%s: first mark in view %v, dialog scrolled %v", when, m.Visible, m.Scrolled)
		}
	}
	check("from the results")
	if width < 500 {
		b.shot(t, "phone-item-marked.png")
	} else {
		b.shot(t, "item-marked.png")
	}
	// The URL opens the item again, with its marks.
	b.step(t, "reload the item URL", chromedp.Reload())
	b.wait(t, "dialog from the URL", `document.querySelector("#item").open && document.querySelector("#item-body mark") !== null && document.querySelector("#item-title").textContent === "A long report from the provinces"`)
	check("from its URL")
	b.step(t, "close", chromedp.KeyEvent(kb.Escape))
	b.wait(t, "closed, URL of the search", `!document.querySelector("#item").open && location.search === "?q=needle"`)
	// Back and forward close and reopen it.
	b.step(t, "open again", chromedp.Click(chromedp.CSS("#hits .hit h3 a")))
	b.wait(t, "open", `document.querySelector("#item").open && location.search.includes("item=long-needle")`)
	b.step(t, "back", chromedp.NavigateBack())
	b.wait(t, "back closes it", `!document.querySelector("#item").open && location.search === "?q=needle"`)
	b.step(t, "forward", chromedp.NavigateForward())
	b.wait(t, "forward opens it", `document.querySelector("#item").open && location.search === "?q=needle&item=long-needle"`)
	b.step(t, "close", chromedp.KeyEvent(kb.Escape))
	// An excluded word is not marked.
	b.open(t, base+"/?q=report+-harvest&item=long-needle")
	b.wait(t, "dialog", `document.querySelector("#item").open && document.querySelector("#item-body p") !== null`)
	if marks := b.eval(t, `[...new Set([...document.querySelectorAll("#item mark")].map(e => e.textContent.toLowerCase()))].join(",")`); marks != "report" {
		t.Errorf("marks for report -harvest: %q", marks)
	}
	b.step(t, "close", chromedp.KeyEvent(kb.Escape))
}

// testLayout: nothing overflows the window, the dialog's close button
// overlaps nothing, the selects show their whole text, the region chips are
// whole.
func testLayout(t *testing.T, b *browser, base string, width int) {
	b.open(t, base+"/?q=needle&item=long-needle")
	b.wait(t, "dialog", `document.querySelector("#item").open && document.querySelector("#item-meta span") !== null`)
	b.eval(t, geometry)
	if s := b.eval(t, `document.querySelector("#item-meta").textContent`); !strings.Contains(s, "1 min read") {
		t.Errorf("item meta %q", s)
	}
	// The close button stays in view as the body scrolls.
	if top := b.eval(t, `(() => { const d = document.querySelector("#item"); return String(d.scrollTop > 0 && document.querySelector(".item-close button").getBoundingClientRect().top >= d.getBoundingClientRect().top); })()`); top != "true" {
		t.Error("the close button scrolled out of the dialog")
	}
	b.step(t, "scroll to the top", chromedp.Evaluate[chromedp.Void](`document.querySelector("#item").scrollTop = 0`))
	if clash := b.eval(t, `[...document.querySelectorAll("#item-meta > *, #item-title")].filter(e => __overlap(e, document.querySelector(".item-close button"))).map(e => e.textContent).join(" | ")`); clash != "" {
		t.Errorf("the close button overlaps %q", clash)
	}
	if out := b.eval(t, `(() => { const v = document.querySelector("#item").getBoundingClientRect(); return [...document.querySelectorAll("#item-meta > *, .item-close button")].filter(e => { const r = e.getBoundingClientRect(); return r.left < v.left || r.right > v.right; }).map(e => e.textContent).join(" | "); })()`); out != "" {
		t.Errorf("outside the dialog: %q", out)
	}
	if width < 500 {
		b.shot(t, "phone-item.png")
	}
	b.step(t, "close", chromedp.KeyEvent(kb.Escape))

	b.open(t, base+"/")
	b.wait(t, "regions", `document.querySelectorAll("#regions label").length > 0`)
	b.eval(t, geometry)
	if w := b.eval(t, `String(document.documentElement.scrollWidth)`); w != fmt.Sprint(width) {
		t.Errorf("the page is %s px wide in a %d px window", w, width)
	}
	// Every option of the selects fits: text, padding and the arrow.
	if clipped := b.eval(t, `[...document.querySelectorAll("select")].flatMap(s => { const cs = getComputedStyle(s); const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16;
		return [...s.options].filter(o => __textWidth(s, o.textContent) > room).map(o => s.id + ": " + o.textContent); }).join(" | ")`); clipped != "" {
		t.Errorf("clipped select options: %q", clipped)
	}
	// Region chips: inside the window, whole names, not on top of each other.
	if cut := b.eval(t, `(() => { const ls = [...document.querySelectorAll("#regions label")]; return ls.filter((l, i) => { const r = l.getBoundingClientRect(); const n = l.querySelector(".name");
		return r.left < 0 || r.right > innerWidth || n.scrollWidth > n.clientWidth + 1 || ls.some((m, j) => j !== i && __overlap(l, m)); }).map(l => l.textContent).join(" | "); })()`); cut != "" {
		t.Errorf("cut or overlapping region chips: %q", cut)
	}
	if width < 500 {
		b.shot(t, "phone.png")
	} else {
		b.shot(t, "wide.png")
	}
}

// testKeyboard: Tab reaches every control, each visibly focused.
func testKeyboard(t *testing.T, b *browser, base string, width int) {
	b.open(t, base+"/?q=oil")
	b.wait(t, "bars", `document.querySelectorAll("#bars .bar").length > 0 && document.querySelectorAll("#regions input").length > 0`)
	b.step(t, "start", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0, 0)`))
	seen := map[string]bool{}
	var invisible []string
	for range 70 {
		b.step(t, "tab", chromedp.KeyEvent(kb.Tab))
		var f struct {
			Name    string
			Visible bool
			Ring    bool
		}
		b.evalJSON(t, `(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
			const ring = (x) => { if (!x) return false; const s = getComputedStyle(x); return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none"; };
			const name = e.matches("#regions input") ? "region" : e.id ? "#" + e.id : e.matches("#bars .bar") ? "bar" : e.matches("#hits a") ? "hit" : e.matches(".skip") ? "skip" : e.matches(".brand") ? "brand" : e.tagName + "." + e.className;
			return JSON.stringify({Name: name, Visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
				Ring: ring(e) || ring(e.closest("label")) || e === document.body}); })()`, &f)
		seen[f.Name] = true
		if f.Name != "BODY." && (!f.Visible || !f.Ring) {
			invisible = append(invisible, fmt.Sprintf("%s (in view %v, focus ring %v)", f.Name, f.Visible, f.Ring))
		}
	}
	for _, want := range []string{"skip", "brand", "#q", "BUTTON.primary", "#from", "#to", "#kind", "#sort", "#clear", "#region-filter", "region", "#region-more", "bar", "hit", "#next"} {
		if !seen[want] {
			t.Errorf("Tab never reached %s (reached %v)", want, seen)
		}
	}
	if len(invisible) > 0 {
		t.Errorf("focused but not visibly: %q", invisible)
	}
}

// testDeepPaging: past the server's window of 10,000 hits the page pages
// with after cursors by itself; Next and the end still work.
func testDeepPaging(t *testing.T, b *browser, base string) {
	// Newest first: page p starts with item 10024 - 10*(p-1).
	first := func(page int) string { return fmt.Sprintf("d%05d", 10024-10*(page-1)) }
	b.open(t, base+"/?page=1002")
	b.wait(t, "page 1002", `document.querySelectorAll("#hits .hit").length === 10`)
	if got := b.eval(t, `document.querySelector("#hits .hit h3 a").dataset.id`); got != first(1002) {
		t.Errorf("page 1002 starts with %s, want %s", got, first(1002))
	}
	if s := b.eval(t, `document.querySelector("#summary").textContent`); s != "10,011–10,020 of 10,025 results" {
		t.Errorf("summary %q", s)
	}
	b.step(t, "next", chromedp.Click(chromedp.CSS("#next")))
	b.wait(t, "page 1003", `location.search === "?page=1003" && document.querySelectorAll("#hits .hit").length === 5`)
	if got := b.eval(t, `document.querySelector("#hits .hit h3 a").dataset.id`); got != first(1003) {
		t.Errorf("page 1003 starts with %s, want %s", got, first(1003))
	}
	if b.eval(t, `String(document.querySelector("#next").disabled)`) != "true" {
		t.Error("Next enabled on the last page")
	}
	b.open(t, base+"/?page=1004")
	b.wait(t, "past the end", `!document.querySelector("#past-end").hidden`)
	if s := b.eval(t, `document.querySelector("#past-end").textContent`); !strings.HasPrefix(s, "Page 1,004 is past the end: the results end on page 1,003.") {
		t.Errorf("page 1004: %q", s)
	}
	// From the window's last page, Next continues with the cursor.
	b.open(t, base+"/?page=1000")
	b.wait(t, "page 1000", `document.querySelectorAll("#hits .hit").length === 10`)
	b.step(t, "next", chromedp.Click(chromedp.CSS("#next")))
	b.wait(t, "page 1001", `location.search === "?page=1001" && document.querySelector("#hits .hit h3 a").dataset.id === "`+first(1001)+`"`)
}

// testStory: a card of a story of several items says "3 versions"; clicking
// it opens the story's timeline (oldest first) and its related stories under
// a URL of its own (?story=ID), which opens it again; a related story opens
// in its place.
func testStory(t *testing.T, b *browser, base string) {
	b.open(t, base+"/?q=zembara")
	b.wait(t, "story cards", `document.querySelector('#hits a.story-link[data-story="sc"]') !== null`)
	if txt := b.eval(t, `document.querySelector('#hits a.story-link[data-story="sc"]').textContent`); !strings.HasPrefix(txt, "3 versions") {
		t.Errorf("story link %q, want 3 versions", txt)
	}
	b.step(t, "open the story", chromedp.Click(chromedp.CSS(`#hits a.story-link[data-story="sc"]`)))
	timeline := `document.querySelector("#item").open && document.querySelectorAll("#item-body .timeline li").length === 3`
	b.wait(t, "timeline", timeline)
	if u := b.eval(t, `location.search`); u != "?q=zembara&story=sc" {
		t.Errorf("story URL %q", u)
	}
	order := `[...document.querySelectorAll("#item-body .timeline a[data-id]")].map(a => a.dataset.id).join(",")`
	if got := b.eval(t, order); got != "coffee-1,coffee-2,coffee-t" {
		t.Errorf("timeline %q, want oldest first", got)
	}
	related := `document.querySelector('#item-body .related a[data-story="sd"]') !== null && document.querySelector('#item-body .related a[data-story="sc"]') === null`
	b.wait(t, "related stories", related)
	b.shot(t, "story.png")

	b.open(t, base+"/?q=zembara&story=sc")
	b.wait(t, "timeline from the URL", timeline)
	b.wait(t, "related from the URL", related)
	b.step(t, "open a related story", chromedp.Click(chromedp.CSS(`#item-body .related a[data-story="sd"]`)))
	b.wait(t, "the related story", `document.querySelector("#item").dataset.story === "sd" && location.search === "?q=zembara&story=sd" && document.querySelectorAll("#item-body .timeline li").length === 1`)
	b.step(t, "close", chromedp.KeyEvent(kb.Escape))
	b.wait(t, "closed", `!document.querySelector("#item").open && location.search === "?q=zembara"`)
}
