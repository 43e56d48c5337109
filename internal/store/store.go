// Package store is the on-disk layout of a newsdex index folder and the way
// readers and writers open it.
//
// The index folder DIR (from --index, else $NEWSDEX_INDEX, else
// ./newsdex.bleve) holds whole bleve indexes, "generations", written beside
// each other, and a pointer file naming the current one:
//
//	DIR/NEWSDEX-INDEX  the marker: this folder is a newsdex index
//	DIR/CURRENT        "gen-000007\n": the generation readers open
//	DIR/gen-000007/    a complete scorch index (index_meta.json, store/root.bolt, store/*.zap)
//	DIR/gen-000006/    the previous generation: a server may still be reading it
//	DIR/tmp-3f9c0a1d/  a generation being written (or left by a writer that died)
//	DIR/write.lock     flocked exclusively by the one writer (index build, index add)
//
// A writer touches only a folder that is an index: one holding the marker
// (written when the index folder is created), or an index made before the
// marker existed (a CURRENT naming a generation, or a plain bleve index),
// which it marks. A new or empty folder becomes an index folder; any other
// folder is refused with ErrNotIndex before anything in it is created or
// deleted, so --index pointed at an ordinary folder never loses a file.
//
// A writer takes DIR/write.lock with a non-blocking flock, so a second writer
// fails at once, and clears any tmp-* left behind by a writer that died. It
// writes its generation in DIR/tmp-<random>/, fsyncs it, renames it to the
// next gen-NNNNNN and then switches CURRENT atomically (write CURRENT.new,
// fsync, rename, fsync DIR). Until that rename, DIR reads exactly as before,
// so a failed, interrupted or kill -9'ed writer changes nothing a reader sees.
// After the switch it deletes every generation except the new one and the one
// it replaced.
//
// index add makes the next generation from the current one without copying
// the index: scorch's *.zap segment files are immutable, so they are hard
// linked; root.bolt is copied (it is rewritten in place and carries bbolt's
// flock, so it is never shared). The copy is then opened read-write, which
// needs no lock held by readers of the current generation.
//
// Readers open the current generation read-only with a bolt timeout, so they
// never wait forever, and check the mapping version stamped in it.
package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"newsdex/internal/schema"
)

// DefaultDir is the index folder when neither --index nor $NEWSDEX_INDEX gives one.
const DefaultDir = "newsdex.bleve"

// EnvDir is the environment variable that names the index folder.
const EnvDir = "NEWSDEX_INDEX"

// BoltTimeout bounds how long opening an index waits for bbolt's file lock.
const BoltTimeout = "5s"

// Names inside DIR.
const (
	CurrentFile = "CURRENT"
	LockFile    = "write.lock"
	MarkerFile  = "NEWSDEX-INDEX"
	genPrefix   = "gen-"
	tmpPrefix   = "tmp-"
)

// ErrNoIndex is wrapped by the errors of Open and Current when DIR holds no index.
var ErrNoIndex = errors.New("no index")

// ErrVersion is wrapped by Open's error when the index has another mapping version.
var ErrVersion = errors.New("mapping version mismatch")

// ErrNotIndex is wrapped by Lock's error when DIR is a folder that is
// neither empty nor an index: a writer refuses to touch it.
var ErrNotIndex = errors.New("not an index folder")

// ErrLocked is wrapped by Lock's error when another writer holds DIR.
var ErrLocked = errors.New("index is locked by another writer")

// ResolveDir is the index folder: flag when set, else $NEWSDEX_INDEX, else ./newsdex.bleve.
func ResolveDir(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv(EnvDir); env != "" {
		return env
	}
	return DefaultDir
}

func noIndex(dir string) error {
	return fmt.Errorf("%w at %s: build one with `index build --index %s PATH...`", ErrNoIndex, dir, dir)
}

// Current returns the name of DIR's current generation ("gen-000007"). When
// DIR holds no index, the error wraps ErrNoIndex. A plain bleve index at DIR
// itself (no CURRENT, an index_meta.json) is reported as generation ".".
func Current(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
			return ".", nil
		}
		return "", noIndex(dir)
	}
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if !validGen(gen) {
		return "", fmt.Errorf("index at %s: %s names %q, not a generation", dir, CurrentFile, gen)
	}
	return gen, nil
}

func validGen(name string) bool {
	_, ok := genNumber(name)
	return ok
}

func genNumber(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, genPrefix)
	if !ok || rest == "" {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func genName(n int) string { return fmt.Sprintf("%s%06d", genPrefix, n) }

// Bleve is bleve.Index under a name that can be embedded without its field
// hiding the Index method.
type Bleve = bleve.Index

// Index is an open generation of an index folder; it is a bleve.Index.
type Index struct {
	Bleve
	Dir  string // the index folder
	Gen  string // the generation's name, as in CURRENT
	Path string // the generation's folder
}

// SizeBytes is the size of the generation's files on disk.
func (ix *Index) SizeBytes() (int64, error) { return DirSize(ix.Path) }

// Open opens DIR's current generation read-only. It fails with an error
// wrapping ErrNoIndex when there is none, and ErrVersion when it was built
// with another mapping version.
func Open(dir string) (*Index, error) {
	if err := schema.Register(); err != nil { // the mapping's analyzers
		return nil, err
	}
	var lastErr error
	// A writer deletes generations older than the previous one, so the
	// generation read from CURRENT can vanish before it is opened only if
	// two switches happened meanwhile: try again then.
	for range 3 {
		gen, err := Current(dir)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, gen)
		idx, err := bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": BoltTimeout})
		if err != nil {
			if again, _ := Current(dir); again != gen {
				lastErr = err
				continue
			}
			return nil, fmt.Errorf("opening index at %s: %w", path, err)
		}
		if err := CheckVersion(idx, dir); err != nil {
			idx.Close()
			return nil, err
		}
		return &Index{Bleve: idx, Dir: dir, Gen: gen, Path: path}, nil
	}
	return nil, fmt.Errorf("opening index at %s: %w", dir, lastErr)
}

// CheckVersion checks the mapping version stamped in idx; dir names it in the error.
func CheckVersion(idx bleve.Index, dir string) error {
	v, err := idx.GetInternal(schema.VersionKey())
	if err != nil {
		return fmt.Errorf("reading the mapping version of the index at %s: %w", dir, err)
	}
	n, _ := strconv.Atoi(string(v))
	if n != schema.Version {
		return fmt.Errorf("%w: index at %s has mapping version %d, this newsdex needs %d: rebuild it with `index build`",
			ErrVersion, dir, n, schema.Version)
	}
	return nil
}

// Stamp writes the mapping version into an index open for writing.
func Stamp(idx bleve.Index) error {
	return idx.SetInternal(schema.VersionKey(), []byte(strconv.Itoa(schema.Version)))
}

// DirSize is the total size of the regular files under path.
func DirSize(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// Create makes a new, empty scorch index at path (which must not exist) with
// newsdex's mapping, open for writing.
func Create(path string) (bleve.Index, error) {
	return bleve.NewUsing(path, schema.Mapping(), scorch.Name, scorch.Name, map[string]any{"bolt_timeout": BoltTimeout})
}

// SegmentFiles lists the scorch segment files (*.zap) of the index at path.
func SegmentFiles(path string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(path, "store"))
	if err != nil {
		return nil, err
	}
	var zaps []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".zap") {
			zaps = append(zaps, e.Name())
		}
	}
	return zaps, nil
}

// OpenWrite opens the index at path read-write, with a bolt timeout.
func OpenWrite(path string) (bleve.Index, error) {
	if err := schema.Register(); err != nil { // the mapping's analyzers
		return nil, err
	}
	return bleve.OpenUsing(path, map[string]any{"bolt_timeout": BoltTimeout})
}

// Writer holds DIR's write lock.
type Writer struct {
	Dir       string
	lock      *os.File
	created   bool     // Lock made DIR
	made      []string // files Lock made in DIR (lock, marker)
	committed bool     // a generation was committed: Close keeps what Lock made
}

// Lock takes DIR's write lock without waiting, creating DIR when needed, and
// clears the tmp-* folders left by writers that died. DIR must be a new or
// empty folder or an index folder; any other folder is refused with an
// error wrapping ErrNotIndex, and nothing in it is touched. When another
// writer holds the lock the error wraps ErrLocked and says so.
func Lock(dir string) (*Writer, error) {
	created, mark, err := checkFolder(dir)
	if err != nil {
		return nil, err
	}
	lockPath := filepath.Join(dir, LockFile)
	_, statErr := os.Lstat(lockPath)
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if created {
			os.Remove(dir)
		}
		return nil, fmt.Errorf("opening the write lock: %w", err)
	}
	w := &Writer{Dir: dir, lock: f, created: created}
	if errors.Is(statErr, fs.ErrNotExist) {
		w.made = append(w.made, lockPath)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		w.created, w.made = false, nil // another writer uses the folder
		w.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: another index build or add is writing %s", ErrLocked, dir)
		}
		return nil, fmt.Errorf("locking %s: %w", filepath.Join(dir, LockFile), err)
	}
	if mark {
		w.made = append(w.made, filepath.Join(dir, MarkerFile))
		if err := writeAtomic(filepath.Join(dir, MarkerFile), []byte(markerText)); err != nil {
			w.Close()
			return nil, fmt.Errorf("marking %s as an index folder: %w", dir, err)
		}
	}
	if err := w.clearTemps(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

const markerText = "newsdex index folder 1\n"

// checkFolder says whether dir may be written as an index folder: it creates
// dir when it does not exist (created), and says whether the marker must be
// written (mark). A folder that is neither empty nor an index is an error
// wrapping ErrNotIndex.
func checkFolder(dir string) (created, mark bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, false, fmt.Errorf("creating index folder: %w", err)
		}
		return true, true, nil
	case err != nil:
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			return false, false, fmt.Errorf("%w: %s is a file, not a folder", ErrNotIndex, dir)
		}
		return false, false, fmt.Errorf("reading the index folder: %w", err)
	}
	var others []string
	for _, e := range entries {
		switch e.Name() {
		case MarkerFile:
			return false, false, nil
		case LockFile, MarkerFile + ".new":
		default:
			others = append(others, e.Name())
		}
	}
	if len(others) == 0 {
		return false, true, nil // an empty folder
	}
	// An index made before the marker: CURRENT naming a generation that is
	// there, or a plain bleve index at DIR.
	if gen, err := Current(dir); err == nil {
		if _, err := os.Stat(filepath.Join(dir, gen, "index_meta.json")); err == nil {
			return false, true, nil
		}
	}
	shown := others
	if len(shown) > 3 {
		shown = append(shown[:3:3], "...")
	}
	return false, false, fmt.Errorf("%w: %s holds other files (%s) and no %s; give --index a new or empty folder, or an index folder",
		ErrNotIndex, dir, strings.Join(shown, ", "), MarkerFile)
}

// Close releases the write lock. When no generation was committed, it
// removes what Lock made (the lock file, the marker, DIR itself), so a failed
// first build leaves nothing behind.
func (w *Writer) Close() error {
	if w.lock == nil {
		return nil
	}
	if !w.committed {
		for _, p := range w.made {
			os.Remove(p)
		}
		os.Remove(filepath.Join(w.Dir, MarkerFile+".new"))
	}
	err := w.lock.Close() // closing the descriptor releases the flock
	w.lock = nil
	if w.created && !w.committed {
		os.Remove(w.Dir) // only when empty: another writer may have started meanwhile
	}
	return err
}

// clearTemps removes tmp-* folders: with the lock held, no writer owns them.
func (w *Writer) clearTemps() error {
	entries, err := os.ReadDir(w.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.RemoveAll(filepath.Join(w.Dir, e.Name())); err != nil {
				return fmt.Errorf("removing a stale build folder: %w", err)
			}
		}
	}
	return nil
}

// TempPath returns a new DIR/tmp-<random> path that does not exist yet, for
// Create.
func (w *Writer) TempPath() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return filepath.Join(w.Dir, tmpPrefix+hex.EncodeToString(b[:])), nil
}

// CloneCurrent makes a DIR/tmp-<random> copy of the current generation for
// OpenWrite: segment files are hard-linked, root.bolt and the rest copied.
// It returns ErrNoIndex (wrapped) when there is no current generation.
func (w *Writer) CloneCurrent() (string, error) {
	gen, err := Current(w.Dir)
	if err != nil {
		return "", err
	}
	src := filepath.Join(w.Dir, gen)
	dst, err := w.TempPath()
	if err != nil {
		return "", err
	}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if gen == "." && rel != "." && strings.Count(rel, string(filepath.Separator)) == 0 &&
			rel != "index_meta.json" && rel != "store" {
			// A plain index at DIR: copy only the index itself.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return nil
		case strings.HasSuffix(d.Name(), ".zap"):
			if err := os.Link(p, target); err == nil {
				return nil
			}
			return copyFile(p, target) // another file system
		default:
			return copyFile(p, target)
		}
	})
	if err != nil {
		os.RemoveAll(dst)
		return "", fmt.Errorf("copying generation %s: %w", gen, err)
	}
	return dst, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Discard removes a temporary folder made by TempPath or CloneCurrent.
func (w *Writer) Discard(tmp string) {
	if tmp != "" && strings.HasPrefix(filepath.Base(tmp), tmpPrefix) {
		os.RemoveAll(tmp)
	}
}

// Commit makes the closed index at tmp the current generation: it fsyncs its
// files, renames it to the next gen-NNNNNN, switches CURRENT atomically, and
// deletes every generation but the new one and the one it replaced. It
// returns the new generation's name.
func (w *Writer) Commit(tmp string) (string, error) {
	if w.lock == nil {
		return "", errors.New("store: commit without the write lock")
	}
	if err := syncTree(tmp); err != nil {
		return "", fmt.Errorf("syncing the new index: %w", err)
	}
	prev, err := Current(w.Dir)
	if err != nil && !errors.Is(err, ErrNoIndex) {
		return "", err
	}
	gens, err := w.generations()
	if err != nil {
		return "", err
	}
	next := 1
	if len(gens) > 0 {
		n, _ := genNumber(gens[len(gens)-1])
		next = n + 1
	}
	gen := genName(next)
	if err := os.Rename(tmp, filepath.Join(w.Dir, gen)); err != nil {
		return "", err
	}
	w.committed = true // DIR holds a generation now: Close keeps it
	if err := syncDir(w.Dir); err != nil {
		return "", err
	}
	if err := writeAtomic(filepath.Join(w.Dir, CurrentFile), []byte(gen+"\n")); err != nil {
		return "", fmt.Errorf("switching %s: %w", CurrentFile, err)
	}
	// Prune: keep the new generation and the one readers may still hold.
	for _, g := range gens {
		if g != prev && g != gen {
			os.RemoveAll(filepath.Join(w.Dir, g))
		}
	}
	return gen, nil
}

// generations lists DIR's gen-* folders, oldest first.
func (w *Writer) generations() ([]string, error) {
	entries, err := os.ReadDir(w.Dir)
	if err != nil {
		return nil, err
	}
	var gens []string
	for _, e := range entries {
		if e.IsDir() && validGen(e.Name()) {
			gens = append(gens, e.Name())
		}
	}
	sort.Slice(gens, func(i, j int) bool {
		a, _ := genNumber(gens[i])
		b, _ := genNumber(gens[j])
		return a < b
	})
	return gens, nil
}

// writeAtomic replaces path with data: temp file, fsync, rename, fsync dir.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncTree fsyncs every file and folder under root.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

var _ bleve.Index = (*Index)(nil)
