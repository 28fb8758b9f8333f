package main

// Benchmarks of whole porttracker commands, each run as a process of its
// own so that its peak memory can be read (the resident set the kernel
// reports for the child): run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 0 ./cmd/porttracker/
//
// -short leaves out the largest sizes.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/porttracker/porttracker/internal/gen"
)

// buildBinary builds porttracker once for a benchmark.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "porttracker")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}

// usage is what one process cost: wall time, CPU time (user and system)
// and peak resident memory.
type usage struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
}

func (u *usage) add(v usage) {
	u.wall += v.wall
	u.cpu += v.cpu
	u.maxRSS = max(u.maxRSS, v.maxRSS)
}

// report sets ms/op (wall), cpu-ms/op and peak-rss-MB from n runs.
func (u usage) report(b *testing.B, n int) {
	b.ReportMetric(float64(u.wall.Milliseconds())/float64(n), "ms/op")
	b.ReportMetric(float64(u.cpu.Milliseconds())/float64(n), "cpu-ms/op")
	b.ReportMetric(float64(u.maxRSS)/(1<<20), "peak-rss-MB")
}

// measure runs name with args in dir and returns what it cost.
func measure(b *testing.B, dir, name string, args ...string) usage {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	u := usage{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		u.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return u
}

// benchRepo makes a git repository with a porttracker ledger signed by a
// fresh key, and returns it and the key.
func benchRepo(b *testing.B, bin string) (dir, key string) {
	b.Helper()
	root := b.TempDir()
	dir, key = filepath.Join(root, "repo"), filepath.Join(root, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key).CombinedOutput(); err != nil {
		b.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	measure(b, dir, "git", "init", "-q", "-b", "main")
	measure(b, dir, bin, "--key", key, "init", "--signer", "bench@example.com")
	return dir, key
}

// BenchmarkImport is porttracker inventory import of a new inventory of
// 100,000 items, and (but with -short) of 1,000,000, into a ledger that
// has only its genesis entry: parse the file, write the entries, bring
// porting.db up to date. It reports wall and CPU time and the process's
// peak memory.
func BenchmarkImport(b *testing.B) {
	bin := buildBinary(b)
	sizes := []int{100_000, 1_000_000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			file := filepath.Join(b.TempDir(), "inventory.toml")
			if err := gen.WriteInventoryFile(file, n); err != nil {
				b.Fatal(err)
			}
			var u usage
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir, key := benchRepo(b, bin)
				b.StartTimer()
				u.add(measure(b, dir, bin, "--key", key, "inventory", "import", file))
			}
			u.report(b, b.N)
		})
	}
}
