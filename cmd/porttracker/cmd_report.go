package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// defaultReport is where report writes when --out is not given, relative
// to the repository's root.
const defaultReport = "reports/current.md"

// reportScript is the generator the plan runs (./reports/generate-report.sh),
// relative to the repository's root.
const reportScript = "reports/generate-report.sh"

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write the progress report: markdown, with an SVG burn-up chart beside it",
		ArgsUsage: " ",
		Description: describe("Writes the progress report to --out (default "+defaultReport+" under the repository's\n"+
			"root; a relative --out is taken from the current directory): totals by status, one\n"+
			"row per batch, deferred items with their reasons, open conflicts, items whose source\n"+
			"changed after promotion, and recent activity. The burn-up chart of verified items goes\n"+
			"beside it, with the same name ending in .svg (reports/current.svg).\n\n"+
			"With --json the report is printed to standard output as JSON instead, and no file is\n"+
			"written unless --out is given explicitly (then both files are written as well, and\n"+
			"the paths written go to standard error).",
			"porttracker report --out reports/current.md", "porttracker report --json"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the markdown file to write (default: " + defaultReport + " under the repository's root)"},
			&cli.IntFlag{Name: "recent", Value: 20, Usage: "how many of the last ledger entries to list (0: none)"},
		},
		Action: runReport,
	}
}

func runReport(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	if c.Int("recent") < 0 {
		return usagef("--recent %d: want 0 or more", c.Int("recent"))
	}
	out := c.String("out")
	if c.IsSet("out") && strings.TrimSpace(out) == "" {
		return usagef("--out needs a file name, such as %s", defaultReport)
	}
	if strings.EqualFold(filepath.Ext(out), ".svg") {
		return usagef("--out %s: that is where the chart goes; give the markdown's name, such as %s", out, defaultReport)
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	r, err := e.view.Report(time.Now(), c.Int("recent"))
	if err != nil {
		return err
	}
	write := !e.json() || c.IsSet("out")
	var mdPath, svgPath string
	if write {
		if out == "" {
			out = filepath.Join(e.root, filepath.FromSlash(defaultReport))
		}
		mdPath = out
		svgPath = strings.TrimSuffix(out, filepath.Ext(out)) + ".svg"
		r.Chart = filepath.Base(svgPath)
	}
	if e.json() {
		if err := e.printJSON(r); err != nil {
			return err
		}
	}
	if !write {
		return nil
	}
	var md, svg bytes.Buffer
	if err := r.Markdown(&md); err != nil {
		return err
	}
	if err := r.SVG(&svg); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(mdPath), 0o755); err != nil {
		return failf("create the report's directory: %v", err)
	}
	if err := writeFiles(map[string][]byte{mdPath: md.Bytes(), svgPath: svg.Bytes()}); err != nil {
		return failf("write the report: %v", err)
	}
	// With --json, standard output is the JSON alone.
	say := e.out
	if e.json() {
		say = e.errOut
	}
	for _, p := range []string{mdPath, svgPath} {
		fmt.Fprintf(say, "wrote %s\n", displayPath(p))
	}
	return nil
}

// writeFiles writes each file beside itself first and then renames them
// into place, so that a failure leaves no half-written report.
func writeFiles(files map[string][]byte) error {
	tmps := map[string]string{}
	defer func() {
		for _, tmp := range tmps {
			os.Remove(tmp)
		}
	}()
	for path, data := range files {
		f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
		if err != nil {
			return err
		}
		tmps[path] = f.Name()
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err != nil {
			return err
		}
	}
	for path, tmp := range tmps {
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		delete(tmps, path)
	}
	return nil
}

// displayPath is p relative to the working directory when it lies below
// it, else p as it is.
func displayPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

// reportScriptText is the generator script: it runs porttracker report from
// the repository's top, whatever the current directory.
const reportScriptText = `#!/bin/sh
# Writes the porting progress report: reports/current.md and, beside it,
# the burn-up chart reports/current.svg. Written by porttracker init; edit
# it freely, porttracker does not overwrite it.
cd "$(dirname "$0")/.." || exit 1
exec porttracker report --out reports/current.md "$@"
`

// writeReportScript writes reports/generate-report.sh under root, the
// generator the plan runs, unless a file of that name exists already.
func writeReportScript(root string) error {
	path := filepath.Join(root, filepath.FromSlash(reportScript))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(reportScriptText)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// The umask may have taken the execute bits.
		err = os.Chmod(path, 0o755)
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
