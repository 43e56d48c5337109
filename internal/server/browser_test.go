package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"newsdex/internal/item"
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

// TestBrowser drives the search page in headless chromium: load, type a
// query, pick a region, page forward, reload from the URL; it saves
// screenshots (to $NEWSDEX_SCREENSHOT_DIR when set).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; -short")
	}
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

	s := newTestServer(t, Options{}, browserCorpus())
	hs := httptest.NewServer(s)
	defer hs.Close()

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
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	defer cancel()
	// Start the browser on a context without a deadline (see chromedp.Run),
	// then bound each step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, c := context.WithTimeout(ctx, 20*time.Second)
		defer c()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		sctx, c := context.WithTimeout(ctx, 10*time.Second)
		defer c()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	waitJS := func(what, js string) {
		t.Helper()
		step(what, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(15*time.Second)))
	}
	shot := func(name string) {
		t.Helper()
		sctx, c := context.WithTimeout(ctx, 20*time.Second)
		defer c()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		p := filepath.Join(shots, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	total := func() string { return eval(`(document.querySelector("#summary .total")||{}).textContent||""`) }

	// The page loads with the newest items.
	step("open /", chromedp.Navigate(hs.URL+"/"))
	waitJS("first results", `document.querySelectorAll("#hits .hit").length === 10`)
	all := total()
	if all != "151" {
		t.Errorf("total on load = %q, want 151", all)
	}

	// Type a query and press Enter.
	step("type a query", chromedp.SendKeys(chromedp.CSS("#q"), "oil"+kb.Enter))
	waitJS("query in the URL", `location.search === "?q=oil"`)
	waitJS("highlighted hits", `document.querySelector("#hits .hit mark") !== null && document.querySelector("#summary .total").textContent !== "151"`)
	oil := total()
	if oil == all || oil == "" {
		t.Errorf("total after the query = %q (was %q)", oil, all)
	}
	if m := eval(`document.querySelector("#hits mark").textContent.toLowerCase()`); m != "oil" {
		t.Errorf("highlight marks %q", m)
	}

	// Pick a region from the facets.
	waitJS("region facets", `document.querySelector('#regions input[value="Europe"]') !== null`)
	step("pick Europe", chromedp.Click(chromedp.CSS(`#regions input[value="Europe"]`)))
	waitJS("region in the URL", `location.search === "?q=oil&region=Europe"`)
	waitJS("total changed", `document.querySelector("#summary .total").textContent !== `+fmt.Sprintf("%q", oil))
	europe := total()
	if regions := eval(`[...new Set([...document.querySelectorAll("#hits .region")].map(e => e.textContent))].join(",")`); regions != "Europe" {
		t.Errorf("regions of the hits after picking Europe: %q", regions)
	}
	if eval(`String(document.querySelector('#regions input[value="Europe"]').checked)`) != "true" {
		t.Error("Europe not checked")
	}
	waitJS("other regions still offered", `document.querySelectorAll("#regions input").length === 5`)

	// Markup in the index is shown as text, never run or rendered.
	if n := eval(`String(document.querySelectorAll("#hits img, #hits b, #hits script").length)`); n != "0" {
		t.Errorf("%s elements from the index's text rendered as markup", n)
	}
	if n := eval(`String(document.querySelectorAll("#bars .bar").length)`); n == "0" {
		t.Error("no month histogram")
	}
	shot("search-europe.png")

	// Page forward.
	first := eval(`document.querySelector("#hits .hit h3 a").dataset.id`)
	step("next page", chromedp.Click(chromedp.CSS("#next")))
	waitJS("page 2 in the URL", `location.search === "?q=oil&region=Europe&page=2"`)
	waitJS("page 2 shown", `document.querySelector("#hits .hit h3 a") && document.querySelector("#hits .hit h3 a").dataset.id !== `+fmt.Sprintf("%q", first))
	if info := eval(`document.querySelector("#pageinfo").textContent`); !strings.HasPrefix(info, "Page 2 of ") {
		t.Errorf("page info %q", info)
	}
	if total() != europe {
		t.Errorf("total changed when paging: %q, was %q", total(), europe)
	}
	if eval(`String(document.querySelector("#prev").disabled)`) != "false" {
		t.Error("Previous disabled on page 2")
	}

	// The URL holds the search: a reload shows the same page.
	step("reload", chromedp.Reload())
	waitJS("restored search", `document.querySelector("#q").value === "oil" && document.querySelector("#pageinfo").textContent.startsWith("Page 2 of ")`)
	if eval(`String(document.querySelector('#regions input[value="Europe"]').checked)`) != "true" {
		t.Error("Europe not checked after reload")
	}

	// Back goes to page 1.
	step("back", chromedp.NavigateBack())
	waitJS("back to page 1", `location.search === "?q=oil&region=Europe" && document.querySelector("#pageinfo").textContent.startsWith("Page 1 of ")`)

	// An item opens in a dialog with its whole body, as text.
	step("open an item", chromedp.Click(chromedp.CSS("#hits .hit h3 a")))
	waitJS("item dialog", `document.querySelector("#item").open && document.querySelector("#item-body").textContent.length > 20`)
	shot("item.png")
	step("close the item", chromedp.KeyEvent(kb.Escape))
	waitJS("dialog closed", `!document.querySelector("#item").open`)

	// Markup in a headline and body is shown as text.
	step("markup", chromedp.Navigate(hs.URL+"/?q=claims"))
	waitJS("markup result", `document.querySelectorAll("#hits .hit").length === 1`)
	if got := eval(`document.querySelector("#hits .hit h3").textContent`); got != `Oil <img src=x onerror="window.__xss=1"> & <b>bold</b> claims` {
		t.Errorf("markup headline shown as %q", got)
	}
	if n := eval(`String(document.querySelectorAll("#hits img, #hits b, #hits script").length)`); n != "0" {
		t.Errorf("%s elements from the index's text rendered as markup", n)
	}
	if n := eval(`String(document.querySelectorAll("#hits h3 mark").length)`); n != "1" {
		t.Errorf("%s marks in the markup headline, want 1", n)
	}

	if xss := eval(`String(window.__xss)`); xss != "undefined" {
		t.Errorf("script from the index ran: window.__xss = %s", xss)
	}

	// A bad parameter shows the server's message.
	step("bad date", chromedp.Navigate(hs.URL+"/?q=oil&from=1987-13-45"))
	waitJS("error shown", `!document.querySelector("#error").hidden && document.querySelector("#error").textContent.startsWith("from: ")`)

	// The keyboard: "/" focuses the search box.
	step("blur", chromedp.Navigate(hs.URL+"/?q=bank"))
	waitJS("results", `document.querySelectorAll("#hits .hit").length > 0`)
	step("press /", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("/"))
	waitJS("focus on q", `document.activeElement === document.querySelector("#q")`)

	// A phone-sized window.
	step("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(hs.URL+"/?q=oil&region=Europe"))
	waitJS("phone results", `document.querySelectorAll("#hits .hit").length > 0`)
	if w := eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the page is %s px wide on a 390 px phone screen", w)
	}
	shot("phone.png")
}
