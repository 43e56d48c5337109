package indexer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"newsdex/internal/input"
	"newsdex/internal/store"
)

// mountSmallDisk mounts a tmpfs of size at a new folder and returns it, or
// skips the test where it cannot (not root, not Linux, no tmpfs).
func mountSmallDisk(t *testing.T, size string) string {
	t.Helper()
	mnt := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a %s tmpfs to fill (%v): the full-disk test needs root on Linux", size, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", mnt, err)
		}
	})
	return mnt
}

func bigCorpus(n int) []input.Record {
	var recs []input.Record
	for i := range n {
		recs = append(recs, page(fmt.Sprintf("big%d.txt", i),
			art(fmt.Sprintf("Full disk story %d", i), strings.Repeat(fmt.Sprintf("word%d filler text of the story. ", i), 40), day1)))
	}
	return recs
}

// A build or add that runs out of disk space fails with a clear error,
// leaves the index as it was and its half-written generation removed, and
// the next build that fits works.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join(mountSmallDisk(t, "1m"), "idx")
	ctx := context.Background()
	if _, err := run(ctx, dir, records(bigCorpus(20)), Options{}, false); err != nil {
		t.Fatalf("a small build on the small disk: %v", err)
	}
	gen, _ := store.Current(dir)
	for _, add := range []bool{false, true} {
		_, err := run(ctx, dir, records(bigCorpus(1500)), Options{BatchSize: 200}, add)
		if err == nil {
			t.Fatalf("add=%v: a build larger than the disk succeeded", add)
		}
		t.Logf("add=%v: %v", add, err)
		if !strings.Contains(err.Error(), "no space left on device") {
			t.Errorf("add=%v: error %q does not say the disk is full", add, err)
		}
		if g, _ := store.Current(dir); g != gen {
			t.Errorf("add=%v: the failed build switched %s to %s", add, gen, g)
		}
		if n := len(all(t, dir)); n != 20 {
			t.Errorf("add=%v: the index holds %d items after the failed build, want 20", add, n)
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) != 0 {
			t.Errorf("add=%v: left behind: %v", add, tmps)
		}
	}
	if _, err := run(ctx, dir, records(bigCorpus(30)), Options{}, false); err != nil {
		t.Fatalf("the next build that fits: %v", err)
	}
	if n := len(all(t, dir)); n != 30 {
		t.Errorf("after the next build: %d items", n)
	}
}
