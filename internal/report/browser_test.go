//go:build browser

package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/lesson"
)

// chromiumFlags are what a sandboxed, offline host needs: no sandbox as
// root, and no background connections that a closed network refuses.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync"}

func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	bin, err := Browser()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := append(append(append([]string(nil), chromiumFlags...), "--user-data-dir="+t.TempDir()), args...)
	out, err := exec.CommandContext(ctx, bin, all...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return out
}

func TestHTMLRendersEveryLabInChromium(t *testing.T) {
	run, err := FromGinkgoJSON(ginkgoReport(t, sampleLabs, "normal"))
	if err != nil {
		t.Fatal(err)
	}
	html, err := run.HTML()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(chromium(t, "--dump-dom", "file://"+page))
	for lab := range sampleLabs {
		if !strings.Contains(dom, `id="lab-`+lab+`"`) {
			t.Errorf("rendered page has no section for lab %s", lab)
		}
	}
	if got := strings.Count(dom, `<section class="lab"`); got != len(sampleLabs) {
		t.Errorf("%d lab sections rendered, want %d", got, len(sampleLabs))
	}
	if got := strings.Count(dom, `<svg class="timeline"`); got != 1 {
		t.Errorf("%d timelines rendered, want normal's", got)
	}
	if got := strings.Count(dom, `<g class="pod"`); got != 2 {
		t.Errorf("%d pods on the timeline, want normal's 2", got)
	}
	if !strings.Contains(dom, "DIFFERS") || !strings.Contains(dom, "some labs failed") {
		t.Error("the failed lab is not shown as failed")
	}

	shot := filepath.Join(dir, "report.png")
	chromium(t, "--window-size=1200,2000", "--screenshot="+shot, "file://"+page)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10_000 {
		t.Errorf("screenshot %s missing or blank (%v)", shot, err)
	}
}

func TestClassPageRendersInChromium(t *testing.T) {
	c := sampleClass()
	page, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "class.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(chromium(t, "--dump-dom", "file://"+path))
	if got := strings.Count(dom, `<tr class="student"`); got != len(c.Students) {
		t.Errorf("%d student rows rendered, want %d", got, len(c.Students))
	}
	if got := strings.Count(dom, `data-outcome=`); got != len(c.Students)*len(c.Labs) {
		t.Errorf("%d lab cells rendered, want %d", got, len(c.Students)*len(c.Labs))
	}
	for _, want := range []string{`data-student="bob" data-labs-passed="0"`, `data-student="alice" data-labs-passed="2"`, `href="bob/report.html"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered class page lacks %s", want)
		}
	}
}

func TestLogExcerptKeepsItsSpacingInChromium(t *testing.T) {
	line := "[    2     3     5     7]"
	run := Run{Title: "t", Labs: []Lab{{Lab: "prime", Spec: "s", Verdict: "passed", Facts: []lesson.Row{{Fact: "kubectl logs: line 1 as the notes print it", Documented: line, Observed: line, OK: true}}}}}
	page, err := run.HTML()
	if err != nil {
		t.Fatal(err)
	}
	// The test (not the report, which has no scripts) asks Chromium for
	// the cells' rendered text, which collapses spaces unless the style
	// keeps them, and writes it into the DOM it dumps.
	probe := `<script>document.body.dataset.rendered = Array.from(document.querySelectorAll(".value")).map(e => e.innerText).join("|")</script></body>`
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, []byte(strings.Replace(page, "</body>", probe, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(chromium(t, "--dump-dom", "file://"+path))
	if want := `data-rendered="` + line + "|" + line + `"`; !strings.Contains(dom, want) {
		t.Errorf("the rendered log line lost its spacing: want %s in\n%s", want, dom)
	}
}
