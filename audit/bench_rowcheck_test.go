package audit_test

import (
	"os/exec"
	"testing"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// BenchmarkRowCheck is the cost of the checks a command runs on a row a
// decision rests on (a never-moved feature): that it is the row porttracker
// wrote (its shadow) and that the entries it cites bear it out. "first" is
// the check of a command's first row, with nothing read before; "next" the
// check of that row again (what each further row of the command costs).
// Neither reads the ledger's other entries, so neither grows with the
// ledger. Beside them, git-cat-file is stock git reading every entry of the
// head (git ls-tree piped to git cat-file --batch, output discarded): what
// one pass over the ledger, as the check made before the shadow, costs.
func BenchmarkRowCheck(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	dir := copyLedger(b, res)
	mustOpen(b, dir).close() // a view of this schema, so the next open does not rebuild
	s := mustOpen(b, dir)
	defer s.close()
	// A never-moved item if there is one (features first), else the first
	// feature.
	var kind string
	var id int
	err := s.view.DB().QueryRow(`SELECT kind, id FROM (
		SELECT 'feature' AS kind, id, heads = '[]' AS never FROM features UNION ALL
		SELECT 'test', id, heads = '[]' FROM tests) ORDER BY never DESC, kind, id LIMIT 1`).Scan(&kind, &id)
	if err != nil {
		b.Fatalf("an item to check: %v", err)
	}
	k := ledger.ItemKey{Kind: ledger.Kind(kind), ID: id}
	b.Logf("checking %s", k)
	load := func(b *testing.B) {
		it, err := s.view.LoadItem(k)
		if err != nil || it == nil || s.view.Rebuilt {
			b.Fatalf("load %s: %v (rebuilt: %v)", k, err, s.view.Rebuilt)
		}
	}
	b.Run("first", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			s.view.ResetChecks()
			load(b)
		}
		perOp(b, time.Since(start), b.N, "ms/op")
	})
	b.Run("next", func(b *testing.B) {
		load(b)
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			load(b)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "µs/op")
	})
	b.Run("git-cat-file", func(b *testing.B) {
		if _, err := exec.LookPath("git"); err != nil {
			b.Skip("no git binary")
		}
		start := time.Now()
		for i := 0; i < b.N; i++ {
			cmd := exec.Command("sh", "-c", "git ls-tree -r --object-only "+ledger.DefaultBranch+" entries | git cat-file --batch >/dev/null")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
		perOp(b, time.Since(start), b.N, "ms/op")
	})
}
