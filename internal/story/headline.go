package story

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// versionSlugs are the wire's version and re-send markers at the start of a
// headline ("UPDATE 2-", "RPT-", "REFILE-", "CORRECTED - "), folded to lower
// case. A slug may carry a number ("update 2", "wrapup 3") and several may
// stack ("CORRECTED - CORRECTED-UPDATE 1-"). Topic slugs ("BRIEF-", "TABLE-",
// "US STOCKS-") are not versions: they stay part of the headline.
var versionSlugs = [...]string{
	"update", "updated", "rpt", "repeat", "refile", "refiled", "corrected",
	"correction", "corrects", "wrapup", "official", "urgent", "flash",
}

// attributions are the sources a headline ends with ("... -sources",
// "... - WSJ"): versions of one story keep or drop them, so they are not part
// of the headline key.
var attributions = [...]string{
	"source", "sources", "report", "reports", "paper", "papers", "newspaper",
	"media", "wsj", "ft", "nikkei", "ifr", "tv", "agency", "official",
	"officials", "minister", "ministry", "police", "study", "ceo", "lead",
	"leads", "analysts", "poll", "survey", "sec", "filing", "statement",
	"spokesman", "diplomats", "witnesses", "residents", "xinhua", "kyodo",
	"bloomberg", "dow jones", "state media", "state tv", "people familiar",
}

// Headline is the headline key of a title: the headline without the wire's
// version prefixes ("UPDATE 3-", "RPT-", "REFILE-", "CORRECTED-", stacked or
// with spaces around the dash, "(OFFICIAL)-"), without a trailing re-send mark
// ("=2", "(REFILE)") or source attribution ("-sources", " - WSJ"), with case,
// punctuation and spacing folded: letters and digits in lower-case words
// separated by one space. Versions and re-sends of one headline have one key.
// An empty key means the title has no words.
func Headline(title string) string {
	s := strings.TrimSpace(title)
	for {
		rest, ok := cutVersion(s)
		if !ok {
			break
		}
		s = rest
	}
	for {
		rest, ok := cutSuffix(s)
		if !ok {
			break
		}
		s = rest
	}
	return foldWords(s)
}

// Version is the number of a headline's "UPDATE N-" (or "WRAPUP N-") prefix:
// 0 for none or an "UPDATE-" without a number. Later updates of a story carry
// larger numbers.
func Version(title string) int {
	s := strings.TrimSpace(title)
	best := 0
	for {
		word, n, rest, ok := versionPrefix(s)
		if !ok {
			return best
		}
		if (word == "update" || word == "wrapup") && n > best {
			best = n
		}
		s = rest
	}
}

// cutVersion removes one version slug from the start of s.
func cutVersion(s string) (string, bool) {
	_, _, rest, ok := versionPrefix(s)
	return rest, ok
}

// versionPrefix parses one version slug at the start of s: an optional "(",
// a slug word, an optional number, an optional ")", then a dash (with any
// spaces around it) or a colon, followed by more headline.
func versionPrefix(s string) (word string, n int, rest string, ok bool) {
	t := s
	paren := strings.HasPrefix(t, "(")
	if paren {
		t = t[1:]
	}
	i := 0
	for i < len(t) && isASCIILetter(t[i]) {
		i++
	}
	if i == 0 {
		return "", 0, s, false
	}
	w := strings.ToLower(t[:i])
	if !isVersionSlug(w) {
		return "", 0, s, false
	}
	t = t[i:]
	// "UPDATE 2", "WRAPUP 3": the number; "RPT" and the like take none.
	j := 0
	for j < len(t) && t[j] == ' ' {
		j++
	}
	k := j
	for k < len(t) && k-j < 3 && t[k] >= '0' && t[k] <= '9' {
		n = n*10 + int(t[k]-'0')
		k++
	}
	if k > j {
		t = t[k:]
	}
	if paren {
		if !strings.HasPrefix(t, ")") {
			return "", 0, s, false
		}
		t = t[1:]
	}
	t = strings.TrimLeft(t, " ")
	switch {
	case t != "" && (t[0] == '-' || t[0] == ':'):
		t = strings.TrimLeft(t[1:], " ")
	case !paren:
		// "UPDATE 2-", "RPT -": an unbracketed slug needs its dash; "Update
		// on talks" is a headline.
		return "", 0, s, false
	}
	if foldWords(t) == "" {
		return "", 0, s, false // the slug is the whole headline
	}
	return w, n, t, true
}

func isVersionSlug(w string) bool {
	for _, v := range versionSlugs {
		if w == v {
			return true
		}
	}
	return false
}

// cutSuffix removes one trailing re-send mark or source attribution.
func cutSuffix(s string) (string, bool) {
	t := strings.TrimRight(s, " ")
	// "=2", "=": the wire's repeat marks.
	if i := strings.LastIndexByte(t, '='); i >= 0 && allDigits(t[i+1:]) && i > 0 {
		if rest := strings.TrimRight(t[:i], " "); foldWords(rest) != "" {
			return rest, true
		}
	}
	// "(REFILE)", "(CORRECTED)", "(UPDATE 1)".
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndexByte(t, '('); i > 0 {
			inner := strings.ToLower(strings.TrimSpace(t[i+1 : len(t)-1]))
			word := strings.TrimRight(inner, " 0123456789")
			if isVersionSlug(word) {
				if rest := strings.TrimRight(t[:i], " "); foldWords(rest) != "" {
					return rest, true
				}
			}
		}
	}
	// "... -sources", "... - WSJ", "...-paper".
	if i := strings.LastIndexByte(t, '-'); i > 0 {
		tail := strings.ToLower(strings.TrimSpace(t[i+1:]))
		if isAttribution(tail) {
			if rest := strings.TrimRight(t[:i], " "); foldWords(rest) != "" {
				return rest, true
			}
		}
	}
	return s, false
}

func isAttribution(w string) bool {
	for _, a := range attributions {
		if w == a {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// foldWords lower-cases s and keeps its letters and digits as words separated
// by one space. An apostrophe inside a word is dropped ("Lehman's" is
// "lehmans"); every other mark separates words.
func foldWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pending && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pending = false
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '\u2019') && b.Len() > 0 && !pending && nextIsLetter(s[i+utf8.RuneLen(r):]):
			// inside a word: drop it
		default:
			pending = true
		}
	}
	return b.String()
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}
