package main

import (
	"context"
	"log"
	"os/exec"
	"strings"
	"time"
)

// goBench runs the product's Go benchmarks (parser, batch building, query
// classes, HTTP handler) with allocations reported, and keeps their output.
func (r *runner) goBench() {
	log.Printf("go test -bench over the product packages (-benchtime %s)", r.c.benchtime)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem",
		"-benchtime", r.c.benchtime, "-timeout", "7m", "./internal/...", "./cmd/...")
	out, err := cmd.CombinedOutput()
	var keep []string
	for _, line := range strings.Split(string(out), "\n") {
		// Packages without benchmarks only say so; leave them out.
		if strings.HasPrefix(line, "?") || strings.HasPrefix(line, "PASS") ||
			(strings.HasPrefix(line, "ok ") && strings.Contains(line, "[no tests to run]")) {
			continue
		}
		keep = append(keep, line)
	}
	r.res.GoBench = strings.TrimSpace(strings.Join(keep, "\n"))
	if err != nil {
		r.res.GoBenchError = err.Error()
		r.errorf("go test -bench: %v", err)
	}
}
