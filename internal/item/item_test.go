package item

import "testing"

func TestFold(t *testing.T) {
	long := ""
	for i := 0; i < 100; i++ {
		long += "Ab  Cd\t"
	}
	for _, tc := range []struct{ in, fold, space string }{
		{"", "", ""},
		{"  ", "", ""},
		{" U.S.  Team\tLED \n", "u.s. team led", "U.S. Team LED"},
		{"Ça  VA", "ça va", "Ça VA"},
		{long, longWant(true), longWant(false)},
	} {
		if got := Fold(tc.in); got != tc.fold {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.fold)
		}
		if got := FoldSpace(tc.in); got != tc.space {
			t.Errorf("FoldSpace(%q) = %q, want %q", tc.in, got, tc.space)
		}
	}
}

func longWant(lower bool) string {
	w := ""
	for i := 0; i < 100; i++ {
		if i > 0 {
			w += " "
		}
		if lower {
			w += "ab cd"
		} else {
			w += "Ab Cd"
		}
	}
	return w
}

func TestIDsFoldAlike(t *testing.T) {
	a := ArticleID("2021-10-04", "Talks  in Mexico", "Body  one.\n\nTwo.")
	b := ArticleID("2021-10-04", "talks in mexico", "Body one. Two.")
	if a != b {
		t.Errorf("same story, different ids: %s %s", a, b)
	}
	if c := ArticleID("2021-10-04", "talks in mexico", "body one. two."); c == a {
		t.Error("body case must not fold")
	}
	if ArticleID("2021-10-05", "Talks in Mexico", "Body one. Two.") == a {
		t.Error("another day must give another id")
	}
	if TeaserID("2021-10-04", "X", "Americas") != TeaserID("2021-10-04", " x ", "AMERICAS") {
		t.Error("teaser identity folds headline and region")
	}
	if len(a) != 16 || a[0] != 'a' {
		t.Errorf("article id %q: want 'a' + 15 hex digits", a)
	}
}
