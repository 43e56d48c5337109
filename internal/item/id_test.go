package item

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckID(t *testing.T) {
	good := []string{"a4c73549c0e72228", "reuters/2021/10/04/ferry", "x.y", "...", "a..b", "trailing ok?", "ünïcode", strings.Repeat("a", MaxIDLen)}
	for _, id := range good {
		if err := CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v", id, err)
		}
	}
	bad := map[string]string{
		"":                              "empty",
		strings.Repeat("a", MaxIDLen+1): "longer than 512 bytes",
		"a/../b":                        `".." segment`,
		"..":                            `".." segment`,
		"./a":                           `"." or`,
		"/lead":                         "empty",
		"a//b":                          "empty",
		"end/":                          "empty",
		"bad\xffutf8":                   "UTF-8",
		"tab\there":                     "control character",
	}
	for id, want := range bad {
		err := CheckID(id)
		if !errors.Is(err, ErrBadID) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckID(%q) = %v, want ErrBadID saying %q", id, err, want)
		}
	}
	if err := CheckID(strings.Repeat("é", 400)); len(err.Error()) > 200 {
		t.Errorf("a long id is quoted whole: %d bytes", len(err.Error()))
	}
}
