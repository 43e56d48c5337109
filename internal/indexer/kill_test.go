package indexer

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdex/internal/input"
	"newsdex/internal/store"
)

// killEnv names the index folder of the child process of TestKill9Loop.
const killEnv = "NEWSDEX_KILL_CHILD_DIR"

// killSizes are the item counts of the child's runs: a complete generation
// holds exactly one of them.
var killSizes = []int{300, 500, 700}

// killCorpus is run n's input: killSizes[n%3] articles, in small batches so
// that the final merge has many segments to merge.
func killCorpus(n int) []input.Record {
	size := killSizes[n%len(killSizes)]
	var recs []input.Record
	for i := range size {
		recs = append(recs, page(fmt.Sprintf("k%d.txt", i),
			art(fmt.Sprintf("Kill run story %d", i), strings.Repeat("Words of the body. ", 20), day1)))
	}
	return recs
}

// TestKillChild is the child of TestKill9Loop: it builds (and every third
// run adds to) the index in $NEWSDEX_KILL_CHILD_DIR until it is killed,
// printing the phase it is in.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(killEnv)
	if dir == "" {
		t.Skip("the child of TestKill9Loop; runs only when it starts it")
	}
	start, _ := strconv.Atoi(os.Getenv(killEnv + "_START"))
	out := bufio.NewWriter(os.Stdout)
	for n := start; ; n++ {
		fmt.Fprintf(out, "run %d\n", n)
		out.Flush()
		// Add re-adds the same ids (an upsert), so the count stays a size.
		_, err := run(context.Background(), dir, records(killCorpus(n)), Options{BatchSize: 25, Progress: os.Stdout}, n%3 == 2)
		if err != nil {
			fmt.Fprintf(out, "error %v\n", err)
		}
		fmt.Fprintf(out, "committed %d\n", n)
		out.Flush()
	}
}

// TestKill9Loop kills a process that builds and adds to an index with
// SIGKILL at random moments, half of them just after it entered its final
// phase (force merge, stamp, fsync, rename, CURRENT switch, prune), and
// checks each time that the index reads as a complete generation and that
// the next writer clears what the killed one left. NEWSDEX_KILL_ROUNDS sets
// the number of kills (default 6, a few seconds).
func TestKill9Loop(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	rounds := 6
	if v := os.Getenv("NEWSDEX_KILL_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("NEWSDEX_KILL_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	dir := filepath.Join(t.TempDir(), "idx")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	phases := map[string]int{}
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killEnv+"="+dir, fmt.Sprintf("%s_START=%d", killEnv, round))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Follow the child's phases; kill it after a random delay, either
		// from its start or from its entering "finishing".
		var mu sync.Mutex
		last := "started"
		finishing := make(chan struct{}, 1)
		read := make(chan struct{})
		go func() {
			defer close(read)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				phase := ""
				switch {
				case strings.Contains(line, "msg=finishing"):
					phase = "final merge and switch"
					select {
					case finishing <- struct{}{}:
					default: // one is waiting already
					}
				case strings.Contains(line, "msg=teasers"):
					phase = "teasers"
				case strings.HasPrefix(line, "committed"):
					phase = "between runs"
				case strings.HasPrefix(line, "run "), strings.Contains(line, "msg=indexing"):
					phase = "reading and indexing"
				case strings.HasPrefix(line, "error"):
					t.Errorf("round %d: the child failed: %s", round, line)
				}
				if phase != "" {
					mu.Lock()
					last = phase
					mu.Unlock()
				}
			}
		}()
		if round%2 == 1 {
			select {
			case <-finishing:
				time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
			case <-time.After(30 * time.Second):
				t.Errorf("round %d: the child never reached its final phase", round)
			}
		} else {
			time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
		}
		_ = cmd.Process.Kill()
		<-read // the child's stdout is closed: it is dead
		_ = cmd.Wait()
		mu.Lock()
		phases[last]++
		killedIn := last
		mu.Unlock()
		checkAfterKill(t, dir, round, killedIn)
	}
	t.Logf("killed in: %v", phases)
}

// checkAfterKill checks that dir holds a complete generation (once any was
// committed) and that the next writer clears the killed one's leftovers.
func checkAfterKill(t *testing.T, dir string, round int, phase string) {
	t.Helper()
	if _, err := store.Current(dir); err == nil {
		ix, err := store.Open(dir)
		if err != nil {
			t.Fatalf("round %d (killed in %s): the index does not open: %v", round, phase, err)
		}
		n, err := ix.DocCount()
		ix.Close()
		complete := false
		for _, size := range killSizes {
			complete = complete || n == uint64(size)
		}
		if err != nil || !complete {
			t.Fatalf("round %d (killed in %s): %d documents (%v), want one of %v", round, phase, n, err, killSizes)
		}
	}
	w, err := store.Lock(dir)
	if err != nil {
		t.Fatalf("round %d (killed in %s): the next writer cannot lock: %v", round, phase, err)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*"))
	w.Close()
	if len(tmps) != 0 {
		t.Errorf("round %d: the next writer left %v", round, tmps)
	}
}
