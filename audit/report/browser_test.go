package report

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (or another Chrome) on PATH. Outside
// CI the browser test skips without one; with CI set it fails, since
// .ci/run installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH with CI set (.ci/run installs Debian's chromium)")
	}
	t.Skip("no chromium on PATH: apt-get install chromium to run the browser test")
	return ""
}

// TestHTMLReportInBrowser opens the detailed HTML report of a real ledger
// in headless Chromium over the DevTools protocol, offline: the DOM holds
// every batch, and a promoted item's drill-down holds its evidence (code
// commit, gates, commands, counts). It takes a screenshot of the page,
// outside the repository (PORTTRACKER_SCREENSHOT_DIR, else the test's
// temporary directory).
func TestHTMLReportInBrowser(t *testing.T) {
	browser := chromiumPath(t)
	v := sampleView(t)
	r, err := v.Report(reportTime, 20)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.AddDetail(r); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "current.html")
	if err := os.WriteFile(page, render(t, HTML, r), 0o644); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("PORTTRACKER_SCREENSHOT_DIR")
	if shots == "" {
		shots = dir
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.Flag("no-sandbox", true), // root in CI containers
		chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1200, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	feature1 := r.Batches[0].Items[0]
	if feature1.Kind != "feature" || feature1.ID != 1 {
		t.Fatalf("first item of batch 1 is %s %d", feature1.Kind, feature1.ID)
	}
	var commit string
	for _, h := range feature1.History {
		if h.Evidence != nil {
			commit = h.Evidence.CodeCommit
		}
	}
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("chromium: %s: %v", what, err)
		}
	}
	run("open the report", chromedp.Navigate((&url.URL{Scheme: "file", Path: page}).String()))
	run("wait for it", chromedp.WaitVisible(chromedp.ID("batches")))
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	batchIDs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("details.batch")).map(d => d.id)`))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing may be fetched: no link, script, image or frame with a source.
	requests, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('link[href], script, img[src], iframe, object, embed, [style*="url("]').length`))
	if err != nil {
		t.Fatal(err)
	}
	// Drill down: open batch 1 and feature 1's history, as a reader clicks.
	run("open batch 1", chromedp.Click(chromedp.CSS("#batch-1 > summary")))
	run("open feature 1", chromedp.Click(chromedp.CSS("#feature-1 details > summary")))
	run("see the evidence", chromedp.WaitVisible(chromedp.CSS("#feature-1 .evidence table.gates")))
	evidence, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#feature-1 .evidence .code-commit")))
	if err != nil {
		t.Fatal(err)
	}
	gates, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#feature-1 .evidence table.gates")))
	if err != nil {
		t.Fatal(err)
	}
	full, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatal(err)
	}
	if title != "Porting progress report" {
		t.Errorf("title %q", title)
	}
	var want []string
	for _, b := range r.Batches {
		want = append(want, fmt.Sprintf("batch-%d", b.ID))
	}
	if strings.Join(batchIDs, ",") != strings.Join(want, ",") {
		t.Errorf("batches in the DOM %q, want %q", batchIDs, want)
	}
	if requests != 0 {
		t.Errorf("the page refers to %d external resources", requests)
	}
	if commit == "" || strings.TrimSpace(evidence) != commit {
		t.Errorf("feature 1's evidence shows code commit %q, want %q", evidence, commit)
	}
	for _, s := range []string{"stub", "build", "test", "test command", "3", "1.2s", "ok"} {
		if !strings.Contains(gates, s) {
			t.Errorf("feature 1's gates lack %q: %q", s, gates)
		}
	}
	shot := filepath.Join(shots, "report.png")
	if err := os.WriteFile(shot, full, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(full) < 10000 {
		t.Errorf("screenshot of %d bytes", len(full))
	}
	t.Logf("screenshot: %s", shot)
}
