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

	"github.com/porttracker/porttracker/audit/report"
	"github.com/urfave/cli/v2"
)

// defaultReport is where report writes when --out is not given, relative
// to the repository's root; its extension follows the format.
const defaultReport = "reports/current.md"

// reportScript is the generator the plan runs (./reports/generate-report.sh),
// relative to the repository's root.
const reportScript = "reports/generate-report.sh"

// reportFormats are the formats report writes, by their file extension.
func reportFormats() []string { return []string{"md", "html", "json"} }

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write the progress report: markdown with an SVG chart beside it, one self-contained HTML page, or JSON",
		ArgsUsage: " ",
		Description: describe("Writes the progress report to --out (default "+defaultReport+" under the repository's\n"+
			"root, with the format's extension; a relative --out is taken from the current directory).\n"+
			"The format follows --out's extension (.md, .html, .json) unless --format says it.\n"+
			"It holds the totals; the burn-up of features and of tests by status, each on its own\n"+
			"scale over the days of recorded work; velocity per week and a forecast; every batch\n"+
			"with its progress bar and tasks; activity per signer; deferred items by reason;\n"+
			"conflicts; items changed upstream; and recent activity. Markdown gets its chart beside\n"+
			"it (reports/current.svg). HTML is one file with inline CSS and SVG that loads nothing,\n"+
			"and drills down from each batch to its items with their history and evidence.\n\n"+
			"With --json the report is printed to standard output instead, and no file is written\n"+
			"unless --out is given explicitly (the paths written then go to standard error).",
			"porttracker report --out reports/current.md", "porttracker report --out reports/current.html",
			"porttracker report --format html", "porttracker report --json"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the file to write (default: " + defaultReport + " under the repository's root, with the format's extension)"},
			newEnumFlag("format", "the report's format (default: from --out's extension, else md)", reportFormats()...),
			&cli.IntFlag{Name: "recent", Value: 20, Usage: "how many of the last ledger entries to list (0: none)"},
		},
		Action: runReport,
	}
}

// reportFormat is the format --format names, else --out's extension
// says, else markdown.
func reportFormat(c *cli.Context, out string) (string, error) {
	f, err := enumValue(c, "format")
	if err != nil {
		return "", err
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(out), "."))
	if ext == "htm" {
		ext = "html"
	}
	known := ext == "md" || ext == "html" || ext == "json"
	switch {
	case f != "" && known && ext != f:
		return "", usagef("--out %s is not a .%s file, as --format %s says: give one name for both", out, f, f)
	case f != "":
		return f, nil
	case known:
		return ext, nil
	}
	return "md", nil
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
	format, err := reportFormat(c, out)
	if err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	done := e.progress("building the report")
	r, err := e.view.Report(time.Now(), c.Int("recent"))
	if err == nil && format == "html" {
		err = e.view.AddDetail(r)
	}
	done()
	if err != nil {
		return err
	}
	write := !e.json() || c.IsSet("out")
	if write && out == "" {
		out = filepath.Join(e.root, filepath.FromSlash(strings.TrimSuffix(defaultReport, ".md")+"."+format))
	}
	files := map[string][]byte{}
	var order []string
	add := func(path string, data []byte) { files[path] = data; order = append(order, path) }
	if write {
		var main bytes.Buffer
		switch format {
		case "md":
			svgPath := strings.TrimSuffix(out, filepath.Ext(out)) + ".svg"
			r.Chart = filepath.Base(svgPath)
			var svg bytes.Buffer
			if err := report.Markdown(&main, r); err != nil {
				return err
			}
			if err := report.SVG(&svg, r); err != nil {
				return err
			}
			add(out, main.Bytes())
			add(svgPath, svg.Bytes())
		case "html":
			if err := report.HTML(&main, r); err != nil {
				return err
			}
			add(out, main.Bytes())
		case "json":
			if err := writeJSON(&main, r); err != nil {
				return err
			}
			add(out, main.Bytes())
		}
	}
	if e.json() {
		if err := e.printJSON(r); err != nil {
			return err
		}
	}
	if !write {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return failf("create the report's directory: %v", err)
	}
	if err := writeFiles(files); err != nil {
		return failf("write the report: %v", err)
	}
	// With --json, standard output is the JSON alone.
	say := e.out
	if e.json() {
		say = e.errOut
	}
	for _, p := range order {
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
// generator the plan runs, unless a file of that name exists already; it
// reports whether it wrote one.
func writeReportScript(root string) (bool, error) {
	path := filepath.Join(root, filepath.FromSlash(reportScript))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
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
	return err == nil, err
}
