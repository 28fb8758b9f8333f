package main

// Benchmarks of whole porttracker commands, each run as a process of its
// own so that its peak memory can be read (the resident set the kernel
// reports for the child): run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 0 ./cmd/porttracker/
//
// -short leaves out the largest sizes.

import (
	"errors"
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
	return usageOf(cmd, start)
}

// usageOf is what the finished process of cmd, started at start, cost.
func usageOf(cmd *exec.Cmd, start time.Time) usage {
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

// BenchmarkScanStdlib is porttracker inventory scan of the Go standard
// library ($(go env GOROOT)/src, copied into a repository and committed) into
// a ledger that has only its genesis entry, then a rescan with nothing
// changed (the rescan cache in .git/porttracker), beside stock gofmt -l over
// the same tree (which also reads and parses every file). Each is one
// process; wall time, CPU time and peak memory are reported.
func BenchmarkScanStdlib(b *testing.B) {
	bin := buildBinary(b)
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatalf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	gofmt := filepath.Join(goroot, "bin", "gofmt")
	dir, key := benchRepo(b, bin)
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS(filepath.Join(goroot, "src"))); err != nil {
		b.Fatal(err)
	}
	measure(b, dir, "git", "add", "-f", "src")
	// gc.auto=0: the commit of so many files would start git gc --auto
	// in the background, and the git gc below would find it running.
	measure(b, dir, "git", "-c", "gc.auto=0", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "src")
	measure(b, dir, "git", "gc", "-q")
	var first bool
	b.Run("scan", func(b *testing.B) {
		if first {
			b.Skip("the first scan runs once: a second would be a rescan")
		}
		first = true
		u := measure(b, dir, bin, "--key", key, "inventory", "scan", "--go", "src", "--skip-broken")
		u.report(b, 1)
	})
	b.Run("rescan", func(b *testing.B) {
		var u usage
		for i := 0; i < b.N; i++ {
			u.add(measure(b, dir, bin, "--key", key, "inventory", "scan", "--go", "src", "--skip-broken"))
		}
		u.report(b, b.N)
	})
	b.Run("gofmt-l", func(b *testing.B) {
		var u usage
		for i := 0; i < b.N; i++ {
			// gofmt exits 2 on the tree's deliberately broken files.
			u.add(measureAny(b, dir, gofmt, "-l", "src"))
		}
		u.report(b, b.N)
	})
}

// measureAny is measure for a command whose exit status does not matter.
func measureAny(b *testing.B, dir, name string, args ...string) usage {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	start := time.Now()
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			b.Fatalf("%s: %v", name, err)
		}
	}
	return usageOf(cmd, start)
}
