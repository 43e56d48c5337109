package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func machineInfo() Machine {
	m := Machine{NumCPU: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				f := strings.Fields(rest)
				if len(f) > 0 {
					kb, _ := strconv.ParseInt(f[0], 10, 64)
					m.MemTotal = kb * 1024
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAtFrom = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	m.GoVersion = output("go", "version")
	m.Kernel = output("uname", "-sr")
	m.Commit = output("git", "rev-parse", "--short=12", "HEAD")
	m.Dirty = output("git", "status", "--porcelain", "--untracked-files=no", "--", "cmd", "internal", "go.mod") != ""
	if c := os.Getenv("NEWSDEX_BENCH_COMMIT"); c != "" && m.Commit == "" {
		// A run in an exported copy of a commit (git archive), which has no .git.
		m.Commit = c
	}
	return m
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// proc is the outcome of one child process.
type proc struct {
	wall   time.Duration
	maxRSS int64 // bytes, from wait4's rusage
	stdout []byte
	stderr string
	err    error
}

// runProc runs a program to its end and measures it. stdout is kept (and
// parsed by callers), stderr only its tail.
func runProc(ctx context.Context, dir string, name string, args ...string) proc {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	errTail := &tailBuffer{max: 4000}
	cmd.Stdout = &out
	cmd.Stderr = errTail
	start := time.Now()
	err := cmd.Start()
	var polled int64
	if err == nil {
		// wait4's ru_maxrss is no good here: Linux carries the parent's
		// high-water mark into a child spawned with vfork semantics (as Go
		// does) at exec, so a big harness would inflate every child. The
		// child's own VmHWM, read every 20 ms until it exits, is its peak
		// (short of at most the last 20 ms).
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				if v := vmHWM(status); v > polled {
					polled = v
				}
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
		err = cmd.Wait()
		close(done)
		wg.Wait()
	}
	p := proc{wall: time.Since(start), stdout: out.Bytes(), stderr: errTail.String(), maxRSS: polled}
	if cmd.ProcessState != nil && p.maxRSS == 0 {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			p.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if err != nil {
		p.err = fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, lastLines(p.stderr, 3))
	}
	return p
}

// vmHWM reads the peak resident set size from a /proc status file; 0 when
// it cannot (the process is gone).
func vmHWM(statusPath string) int64 {
	b, err := os.ReadFile(statusPath)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	if len(t.b) > t.max {
		return string(t.b[len(t.b)-t.max:])
	}
	return string(t.b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// buildPeers compiles the peer programs into work and returns their paths by engine.
// With engines named, only those peers are built.
func buildPeers(work string, engines ...string) (map[string]string, error) {
	peers := map[string]string{}
	for _, p := range []struct{ engine, dir string }{
		{engBleve, "bench/peers/plainbleve"},
		{engSQLite, "bench/peers/sqlitefts"},
	} {
		if len(engines) > 0 && !slices.Contains(engines, p.engine) {
			continue
		}
		bin := filepath.Join(work, filepath.Base(p.dir))
		log.Printf("building the %s peer (%s)", p.engine, p.dir)
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = p.dir
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %v\n%s", p.dir, err, out)
		}
		peers[p.engine] = bin
	}
	peers[engMerged] = peers[engBleve]
	return peers, nil
}

// article is what the harness reads of a corpus line.
type article struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

func openJSONL(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{gz, f}, nil
}

// rawTextBytes counts the articles and their raw title and body bytes.
func rawTextBytes(path string) (CorpusInfo, error) {
	var ci CorpusInfo
	rc, err := openJSONL(path)
	if err != nil {
		return ci, err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return ci, fmt.Errorf("%s: %v", path, err)
		}
		ci.Articles++
		ci.TitleBody += int64(len(a.Title) + len(a.Body))
		ci.JSONLBytes1x += int64(len(sc.Bytes()) + 1)
	}
	return ci, sc.Err()
}

// writeScaled writes the corpus k times as plain JSON lines, the copies after
// the first with other ids (id-x1, id-x2, ...), exactly as the peers' -scale
// does. Only the id changes; the other fields are copied as they are.
func writeScaled(src, dst string, k int) error {
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	for copyN := 0; copyN < k; copyN++ {
		rc, err := openJSONL(src)
		if err != nil {
			out.Close()
			return err
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if copyN > 0 {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(line, &m); err != nil {
					rc.Close()
					out.Close()
					return err
				}
				var id string
				if err := json.Unmarshal(m["id"], &id); err != nil {
					rc.Close()
					out.Close()
					return fmt.Errorf("a line without an id: %v", err)
				}
				m["id"], _ = json.Marshal(id + "-x" + strconv.Itoa(copyN))
				line, _ = json.Marshal(m)
			}
			w.Write(line)
			w.WriteByte('\n')
		}
		rc.Close()
		if err := sc.Err(); err != nil {
			out.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// dirSize is the bytes of the files under path, and the number of zap segments.
func dirSize(path string) (size int64, segments int) {
	_ = filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		if info.Mode().IsRegular() {
			size += info.Size()
			if strings.HasSuffix(p, ".zap") {
				segments++
			}
		}
		return nil
	})
	return size, segments
}
