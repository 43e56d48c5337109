package story

import (
	"strings"
	"testing"
	"unicode"
)

func TestHeadline(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Lehman files for bankruptcy", "lehman files for bankruptcy"},
		{"UPDATE 1-Lehman files for bankruptcy", "lehman files for bankruptcy"},
		{"UPDATE 2 - Lehman files for bankruptcy", "lehman files for bankruptcy"},
		{"RPT-UPDATE 2-Peru says to issue bonds", "peru says to issue bonds"},
		{"REFILE-UPDATE 1-EU payments plan at risk - Visa", "eu payments plan at risk visa"},
		{"CORRECTED - CORRECTED-UPDATE 1-Chordiant Software posts Q4 profit", "chordiant software posts q4 profit"},
		{"CORRECTED-(OFFICIAL)-UPDATE 1-LJ International raises Q4", "lj international raises q4"},
		{"(RPT) U.S. SAYS TIN DISPOSALS WILL NOT AFFECT ACCORD", "u s says tin disposals will not affect accord"},
		{"CORRECTED - BANKAMERICA NEGOTIATING SALE OF UNITS", "bankamerica negotiating sale of units"},
		{"REPEAT-UPDATE 1-Toronto stocks plunge", "toronto stocks plunge"},
		{"WRAPUP 2-Fresh private bank M&A", "fresh private bank m a"},
		{"PRESS DIGEST - British business press =7", "press digest british business press"},
		{"PRESS DIGEST - British business press =2", "press digest british business press"},
		{"Matsushita set to pick TPG as bidder for JVC-sources", "matsushita set to pick tpg as bidder for jvc"},
		{"Race for Japan's Arysta nears end - sources", "race for japans arysta nears end"},
		{"Thomson set to buy Reuters for 8.7 bln pounds -WSJ", "thomson set to buy reuters for 8 7 bln pounds"},
		{"Ford plant to close (REFILE)", "ford plant to close"},
		// Topic slugs stay: they tell stories apart.
		{"BRIEF-Krispy Kreme names new CMO", "brief krispy kreme names new cmo"},
		{"US STOCKS-Dow at record", "us stocks dow at record"},
		{"REG - BAE SYSTEMS PLC - Transaction in Own Shares", "reg bae systems plc transaction in own shares"},
		// Words that only look like slugs.
		{"Take-Two in deal to keep Feder as CEO", "take two in deal to keep feder as ceo"},
		{"Update on talks expected Monday", "update on talks expected monday"},
		{"EADS shake-up", "eads shake up"},
		{"UPDATE 1-", "update 1"},
		{"RPT", "rpt"},
		{"Sources", "sources"},
		{"  \t ", ""},
		{"“Babel” named best picture at Globes", "babel named best picture at globes"},
	} {
		if got := Headline(tc.title); got != tc.want {
			t.Errorf("Headline(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  int
	}{
		{"Lehman files for bankruptcy", 0},
		{"UPDATE-Lehman files", 0},
		{"UPDATE 1-Lehman files", 1},
		{"RPT-UPDATE 3-Lehman files", 3},
		{"CORRECTED-UPDATE 12-Lehman files", 12},
		{"WRAPUP 2-Wall Street shaken", 2},
		{"RPT-Lehman files", 0},
	} {
		if got := Version(tc.title); got != tc.want {
			t.Errorf("Version(%q) = %d, want %d", tc.title, got, tc.want)
		}
	}
}

func FuzzHeadline(f *testing.F) {
	for _, s := range []string{"UPDATE 3-Foo bar", "CORRECTED - CORRECTED-(OFFICIAL)-UPDATE 1-x", "PRESS DIGEST =2",
		"(REFILE)", "x -sources", "=", "-", "UPDATE 999999-x", "\xff\xfe", "RPT-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := Headline(s)
		if h != strings.TrimSpace(h) || strings.Contains(h, "  ") {
			t.Fatalf("Headline(%q) = %q: spacing not folded", s, h)
		}
		for _, r := range h {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Headline(%q) = %q: holds %q", s, h, r)
			}
			if unicode.ToLower(r) != r {
				t.Fatalf("Headline(%q) = %q: not lower case", s, h)
			}
		}
		if h != "" {
			if v := Headline("UPDATE 2-" + s); v != h {
				t.Fatalf("Headline(UPDATE 2-%q) = %q, want %q", s, v, h)
			}
		}
		if v := Version(s); v < 0 || v > 999 {
			t.Fatalf("Version(%q) = %d", s, v)
		}
	})
}
