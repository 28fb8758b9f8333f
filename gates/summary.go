package gates

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/porttracker/porttracker/internal/gitrepo"
	"github.com/porttracker/porttracker/ledger"
)

// LogDir is the directory for raw gate output of the repository that holds
// dir: porttracker/logs in its git directory.
func LogDir(dir string) (string, error) {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return "", fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	fs, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return "", fmt.Errorf("the repository of %s has no git directory on disk", dir)
	}
	return filepath.Join(fs.Filesystem().Root(), "porttracker", "logs"), nil
}

// failureLines is how many lines of a failing test's message a summary
// shows.
const failureLines = 3

// summarize writes a finished gate's one summary, with its failing tests,
// after saving the raw output to a log under r.LogDir that the summary
// names.
func (r *Runner) summarize(c Command, o Outcome, root string) error {
	logPath, err := r.saveLog(c, o.Output)
	if err != nil {
		return err
	}
	if r.Summary == nil {
		return nil
	}
	g := o.Result
	verdict := "ok"
	if !g.OK {
		verdict = "FAILED"
	}
	var facts []string
	switch {
	case c.Format != "" && g.Parsed:
		facts = append(facts, fmt.Sprintf("%d passed, %d failed, %d skipped", g.Passed, g.Failed, g.Skipped))
	case c.Format != "":
		facts = append(facts, fmt.Sprintf("exit %d, no test summary in the output", g.ExitCode))
	default:
		facts = append(facts, fmt.Sprintf("exit %d", g.ExitCode))
	}
	if logPath != "" {
		if rel, err := filepath.Rel(root, logPath); err == nil && !strings.HasPrefix(rel, "..") {
			logPath = rel
		}
		facts = append(facts, "log "+logPath)
	}
	fmt.Fprintf(r.Summary, "porttracker: %s %s in %s: %s (%s)\n", g.Name, verdict, duration(g.DurationMS), FilledCommand(c.Command, c.Filter), strings.Join(facts, "; "))
	for _, t := range o.Report.Tests {
		if t.Outcome != OutcomeFailed {
			continue
		}
		fmt.Fprintf(r.Summary, "  failed %s\n", t.Name)
		for i, l := range strings.Split(t.Message, "\n") {
			if i == failureLines || l == "" {
				break
			}
			fmt.Fprintf(r.Summary, "    %s\n", l)
		}
	}
	return nil
}

// summarizeStub writes the stub gate's summary and findings.
func (r *Runner) summarizeStub(g ledger.GateResult) {
	if r.Summary == nil {
		return
	}
	verdict := "ok"
	if !g.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(r.Summary, "porttracker: %s %s in %s: %s (%d findings, %d warnings)\n", g.Name, verdict, duration(g.DurationMS), g.Command, len(g.Matches), len(g.Warnings))
	for _, m := range g.Matches {
		fmt.Fprintf(r.Summary, "  %s\n", m)
	}
}

// FilledCommand is a gate command as it ran, for people to read: {filter}
// written out as the filter it stood for.
func FilledCommand(cmd, filter string) string {
	return strings.ReplaceAll(cmd, filterToken, filter)
}

func duration(ms int64) string {
	return (time.Duration(ms) * time.Millisecond).Round(100 * time.Millisecond).String()
}

// saveLog writes a gate's raw output to a new file under r.LogDir, named by
// the time, the gate and its filter; "" when no LogDir is set.
func (r *Runner) saveLog(c Command, out []byte) (string, error) {
	if r.LogDir == "" {
		return "", nil
	}
	if err := os.MkdirAll(r.LogDir, 0o755); err != nil {
		return "", fmt.Errorf("gate logs: %w", err)
	}
	slug := regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(c.Filter, "_")
	if len(slug) > 60 {
		slug = slug[:60]
	}
	name := time.Now().UTC().Format("20060102-150405") + "-" + c.Name
	if slug != "" {
		name += "-" + slug
	}
	f, err := os.CreateTemp(r.LogDir, name+"-*.log")
	if err != nil {
		return "", fmt.Errorf("gate logs: %w", err)
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return "", fmt.Errorf("gate log %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("gate log %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}
