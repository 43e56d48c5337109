package story

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cespare/xxhash/v2"
)

// The MinHash parameters. A signature holds Hashes minimum hashes of a text's
// word shingles; Bands bands of Rows hashes each are its LSH band keys: two
// texts share a band key with probability 1-(1-J^Rows)^Bands for Jaccard
// similarity J (0.64 at J=0.5, 0.98 at J=0.7, 0.9998 at J=0.8), so a term query
// on the band keys finds the near-duplicates to verify.
const (
	Hashes = 64
	Rows   = 4
	Bands  = Hashes / Rows

	// ShingleWords is the number of words in a shingle.
	ShingleWords = 3
	// MinShingles is the fewest shingles a text needs for a signature: shorter
	// texts (a headline alone) say too little to compare by content.
	MinShingles = 12
)

// Signature is the MinHash signature of a text's shingles. Similarity of two
// signatures estimates the Jaccard similarity of their shingle sets (standard
// error about 0.06 at J=0.7).
type Signature [Hashes]uint32

// seeds of the Hashes hash functions h_i(x) = hi32(x*a_i + b_i), odd a_i; fixed
// so that signatures (and the band keys stored in an index) are the same on
// every machine and in every version of newsdex.
type seeds struct{ a, b [Hashes]uint64 }

func newSeeds() *seeds {
	var s seeds
	x := uint64(0x9e3779b97f4a7c15)
	for i := range Hashes {
		s.a[i] = splitmix(&x) | 1
		s.b[i] = splitmix(&x)
	}
	return &s
}

func splitmix(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Shingles returns the distinct hashes of the text's word shingles: runs of
// ShingleWords consecutive words, words being runs of letters and digits in
// lower case. Numbers stay words: two earnings tables or dividend notices
// that differ in their figures share few shingles.
func Shingles(text string) []uint64 {
	words := tokens(text)
	if len(words) < ShingleWords {
		return nil
	}
	seen := make(map[uint64]struct{}, len(words))
	out := make([]uint64, 0, len(words))
	d := xxhash.New()
	for i := 0; i+ShingleWords <= len(words); i++ {
		d.Reset()
		for j := range ShingleWords {
			if j > 0 {
				d.Write([]byte{0})
			}
			d.WriteString(words[i+j])
		}
		h := d.Sum64()
		if _, ok := seen[h]; !ok {
			seen[h] = struct{}{}
			out = append(out, h)
		}
	}
	return out
}

func tokens(text string) []string {
	var words []string
	var w []rune
	flush := func() {
		if len(w) > 0 {
			words = append(words, string(w))
			w = w[:0]
		}
	}
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			w = append(w, unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
	return words
}

// defaultSeeds derives the fixed seeds; at 128 splitmix steps it is cheap
// next to the shingling, and keeps the package free of package state.
func defaultSeeds() *seeds { return newSeeds() }

func signShingles(sh []uint64, s *seeds) (Signature, bool) {
	var sig Signature
	if len(sh) < MinShingles {
		return sig, false
	}
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	for _, h := range sh {
		for i := range Hashes {
			if v := uint32((h*s.a[i] + s.b[i]) >> 32); v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig, true
}

// Similarity estimates the Jaccard similarity of the two signatures' shingle
// sets: the share of positions where they agree.
func (s *Signature) Similarity(o *Signature) float64 {
	n := 0
	for i := range s {
		if s[i] == o[i] {
			n++
		}
	}
	return float64(n) / Hashes
}

// BandKeys returns the signature's LSH band keys, one per band, as short
// strings fit for a keyword field: "b" + band number + the band's hash.
func (s *Signature) BandKeys() []string {
	keys := make([]string, Bands)
	var buf [Rows * 4]byte
	for b := range Bands {
		for r := range Rows {
			binary.LittleEndian.PutUint32(buf[r*4:], s[b*Rows+r])
		}
		keys[b] = "b" + strconv.Itoa(b) + "." + strconv.FormatUint(xxhash.Sum64(buf[:])>>16, 36)
	}
	return keys
}

// Content is what Same compares of an item's text: the MinHash signature of
// its shingles, how many distinct shingles it has, and the numbers in it.
type Content struct {
	Sig Signature
	// Shingles is the number of distinct shingles signed.
	Shingles int
	// Nums are the distinct hashes of the numbers in the text (its figures,
	// dates and amounts), sorted; at most MaxNums, the smallest hashes when
	// there are more, so that two texts' samples stay comparable.
	Nums []uint32
}

// MaxNums bounds Content.Nums.
const MaxNums = 64

// ContentOf returns the content of a title and text for comparing, or nil
// when the text has fewer than MinShingles shingles. Numbers are read from
// the text only: a headline's figures ("12:10 EDT") differ between versions.
func ContentOf(title, text string) *Content {
	sh := Shingles(title + "\n" + text)
	sig, ok := signShingles(sh, defaultSeeds())
	if !ok {
		return nil
	}
	return &Content{Sig: sig, Shingles: len(sh), Nums: numbers(text)}
}

// numbers returns the sorted distinct hashes of the numbers in text: runs
// that start and end with a digit and hold only digits and , . / - between
// ("1,279,000", "6-3/16", "1.8218").
func numbers(text string) []uint32 {
	seen := map[uint32]struct{}{}
	var out []uint32
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && (isDigit(text[j]) || (strings.IndexByte(",./-", text[j]) >= 0 && j+1 < len(text) && isDigit(text[j+1]))) {
			j++
		}
		h := uint32(xxhash.Sum64String(text[i:j]))
		if _, ok := seen[h]; !ok {
			seen[h] = struct{}{}
			out = append(out, h)
		}
		i = j
	}
	slices.Sort(out)
	if len(out) > MaxNums {
		out = out[:MaxNums]
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// Containment estimates the share of the smaller shingle set that the other
// holds, from the signatures' Jaccard estimate J and the set sizes:
// |A∩B| = J(|A|+|B|)/(1+J).
func (c *Content) Containment(o *Content) float64 {
	j := c.Sig.Similarity(&o.Sig)
	inter := j * float64(c.Shingles+o.Shingles) / (1 + j)
	m := min(c.Shingles, o.Shingles)
	if m == 0 {
		return 0
	}
	return min(1, inter/float64(m))
}

// NumbersAgree reports whether every number of the text with fewer numbers
// is in the other: a re-send or a longer version keeps the figures, a daily
// notice with the same words ("FED ADDS RESERVES VIA CUSTOMER REPURCHASES")
// changes some.
func (c *Content) NumbersAgree(o *Content) bool {
	a, b := c.Nums, o.Nums
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == MaxNums {
		// Both are bottom-MaxNums samples: compare the samples below the
		// smaller maximum.
		lim := min(a[len(a)-1], b[len(b)-1])
		a = cutAbove(a, lim)
		b = cutAbove(b, lim)
	}
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			return false
		}
	}
	return true
}

func cutAbove(s []uint32, lim uint32) []uint32 {
	i, _ := slices.BinarySearch(s, lim+1)
	return s[:i]
}
