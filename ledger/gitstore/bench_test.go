package gitstore

import (
	"crypto/sha1"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// BenchmarkPack packs the loose objects of 200 writes (1,000 objects, what
// a write packs every so often) on top of a ledger of 3,000 packed
// entries, three ways side by side: porttracker's Pack, go-git's pack
// encoder (which searches a window of ten objects for each delta, as
// porttracker did before), and stock git repack -d. Run it with
//
//	go test -run '^$' -bench Pack -benchtime 5x ./ledger/gitstore/
func BenchmarkPack(b *testing.B) {
	l := newTestLedger(b)
	// Entry IDs spread over the 256 directories, as real ones are.
	add := func(n int) {
		id := fmt.Sprintf("%x", sha1.Sum([]byte(strconv.Itoa(n))))
		head := l.head(b)
		c, err := l.s.CommitFiles(head, map[string][]byte{EntryPath(id): []byte(fmt.Sprintf("entry %d\n", n))}, "entry\n", l.who, l.key)
		if err != nil {
			b.Fatal(err)
		}
		if err := l.s.UpdateRef(head, c); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 3000; i++ {
		add(i)
	}
	if _, err := l.s.Pack(false); err != nil {
		b.Fatal(err)
	}
	for i := 3000; i < 3200; i++ {
		add(i)
	}
	fresh := func(b *testing.B) (string, *Store) {
		b.Helper()
		dir := filepath.Join(b.TempDir(), "repo")
		if out, err := exec.Command("cp", "-a", l.dir, dir).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v\n%s", err, out)
		}
		s, err := Open(dir, testBranch)
		if err != nil {
			b.Fatal(err)
		}
		return dir, s
	}
	run := func(b *testing.B, pack func(dir string, s *Store) error) {
		var took time.Duration
		for i := 0; i < b.N; i++ {
			dir, s := fresh(b)
			start := time.Now()
			if err := pack(dir, s); err != nil {
				b.Fatal(err)
			}
			took += time.Since(start)
			s.Close()
		}
		b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "ms/op")
	}
	b.Run("porttracker", func(b *testing.B) {
		run(b, func(_ string, s *Store) error { _, err := s.Pack(false); return err })
	})
	b.Run("go-git-encoder", func(b *testing.B) {
		run(b, func(_ string, s *Store) error {
			var hashes []plumbing.Hash
			if err := s.objs.(storer.LooseObjectStorer).ForEachObjectHash(func(h plumbing.Hash) error {
				hashes = append(hashes, h)
				return nil
			}); err != nil {
				return err
			}
			w, err := s.packWriter()
			if err != nil {
				return err
			}
			if _, err := packfile.NewEncoder(w, s.objs, false).Encode(hashes, 10); err != nil {
				return err
			}
			return w.Close()
		})
	})
	b.Run("git-repack-d", func(b *testing.B) {
		run(b, func(dir string, _ *Store) error {
			out, err := exec.Command("git", "-C", dir, "repack", "-d", "-q").CombinedOutput()
			if err != nil {
				b.Logf("%s", out)
			}
			return err
		})
	})
}
