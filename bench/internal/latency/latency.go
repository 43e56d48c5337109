// Package latency is the one percentile function of the benchmarks: the
// harness computes every engine's percentiles with it from raw samples (the
// peers, separate modules, print their samples), and the HTTP load generator
// its own.
package latency

import (
	"slices"
	"time"
)

// Percentile is the nearest-rank p-th percentile (0 < p <= 1) of samples,
// which need not be sorted: the smallest sample that at least a share p of
// the samples do not exceed. It is 0 for no samples.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := samples
	if !slices.IsSorted(s) {
		s = slices.Clone(samples)
		slices.Sort(s)
	}
	// ceil(p*n) without float noise turning 0.99*100 into 99.00000000000001.
	i := int(p*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Micros is d in microseconds.
func Micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
