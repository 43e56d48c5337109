package item

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIDLen is the longest id an item may have, in bytes.
const MaxIDLen = 512

// ErrBadID is wrapped by CheckID's error.
var ErrBadID = errors.New("not a servable id")

// CheckID says whether id is one an index may hold: one that GET
// /api/items/{id} serves back. It must be 1 to MaxIDLen bytes of UTF-8
// without control characters, and as a slash-separated path it must have no
// empty, "." or ".." segment (a URL path with those is cleaned into another
// one). Derived ids (hex hashes) always pass.
func CheckID(id string) error {
	why := ""
	switch {
	case id == "":
		why = "empty"
	case len(id) > MaxIDLen:
		why = fmt.Sprintf("longer than %d bytes", MaxIDLen)
	case !utf8.ValidString(id):
		why = "not valid UTF-8"
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		why = "holds a control character"
	default:
		for _, seg := range strings.Split(id, "/") {
			if seg == "" || seg == "." || seg == ".." {
				why = `has an empty, "." or ".." segment between slashes`
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	shown := id
	if len(shown) > 40 {
		shown = strings.ToValidUTF8(shown[:40], "") + "..."
	}
	return fmt.Errorf("id %q %w: %s", shown, ErrBadID, why)
}
