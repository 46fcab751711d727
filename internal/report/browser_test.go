//go:build browser

package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/joblab/joblab/internal/settings"
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

// bigClass is a class of students × the lesson's labs, with every kind of
// cell: passed, differs (a manifest field, a long fact), not verified,
// could not run.
func bigClass(students int) Class {
	c := Class{Title: "a class of 30", Started: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Duration: 12 * time.Minute}
	for _, l := range lesson.Labs {
		c.Labs = append(c.Labs, l.Name)
	}
	ok := lesson.Row{Fact: "kubectl get jobs: COMPLETIONS", Documented: "6/6", Observed: "6/6", OK: true}
	for i := range students {
		name := fmt.Sprintf("student%02d", i+1)
		run := &Run{}
		for j, lab := range c.Labs {
			l := Lab{Lab: lab, Spec: "s", Verdict: VerdictPassed, Facts: []lesson.Row{ok}}
			switch {
			case lab == "node-loss":
				l.Verdict, l.Reason = VerdictNotVerified, NotVerifiedPrefix+"the nodes cannot be read here (forbidden): the Role grants no access to nodes"
			case (i+j)%11 == 0:
				l.Verdict = "failed"
				l.Facts = append(l.Facts, lesson.Row{Fact: "job-container-failed.yaml: Job two-containers spec.template.spec.containers[busybox2].command", Short: "command", Documented: `["sh","-c","exit 1"]`, Observed: `["sh","-c","exit 0"]`,
					Hint: &lesson.Hint{En: "This field of your manifest differs from the lesson's: write it as the lesson does."}})
			case (i+j)%13 == 0:
				l.Verdict = "failed"
				l.Facts = append(l.Facts, lesson.Row{Fact: "waits from a pod's failure to the next pod grow (back-off)", Documented: "doubling: 10s, 20s, 40s (at least; the later two at most 10s after the back-off, or after the failure's report when later)", Observed: "12 s, 13 s, 15 s"})
			case i == 7 && j == 3:
				l.Verdict, l.Spec, l.Reason = "failed", "could not run", "no report from the lab's process (exit: signal: killed)"
				l.Facts = nil
			}
			run.Labs = append(run.Labs, l)
		}
		c.Students = append(c.Students, Student{Name: name, Folder: name, Target: "context classroom (https://10.0.0.1:6443, Kubernetes v1.37.2), namespace " + name, Run: run})
	}
	return c
}

// TestClassPageOf30StudentsFitsInChromium: 30 students × 15 labs read in
// one window (1440 × 900) without scrolling sideways, with a pass rate per
// lab, the four outcomes told apart, and the full text of a difference on
// demand. The screenshot is kept in $JOBLAB_SCREENSHOTS when set.
func TestClassPageOf30StudentsFitsInChromium(t *testing.T) {
	c := bigClass(30)
	if len(c.Labs) < 15 {
		t.Fatalf("the catalogue has %d labs, want 15 or more", len(c.Labs))
	}
	page, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if d := os.Getenv(settings.ScreenshotsEnv); d != "" {
		dir = d
	}
	path := filepath.Join(dir, "class-30x15.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(chromium(t, "--window-size=1440,900", "--dump-dom", "file://"+path))
	if !strings.Contains(dom, `data-fits="true"`) {
		i := strings.Index(dom, "data-table-width")
		t.Errorf("the class page scrolls sideways at 1440 px: %s", dom[i:min(i+40, len(dom))])
	}
	if got := strings.Count(dom, `<tr class="student"`); got != 30 {
		t.Errorf("%d student rows, want 30", got)
	}
	if got := strings.Count(dom, `<th class="rate"`); got != len(c.Labs) {
		t.Errorf("%d pass rates, want one per lab (%d)", got, len(c.Labs))
	}
	if got := strings.Count(dom, `data-outcome="not verified"`); got != 30 {
		t.Errorf("%d not verified cells, want node-loss's 30", got)
	}
	for _, want := range []string{`<span class="short">command</span>`, `<span class="short">waits from a pod's fail…</span>`, `data-outcome="could not run"`,
		`<th class="rate" data-lab="node-loss" data-passed="0" data-of="30"`, "<summary>more</summary>"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the class page lacks %s", want)
		}
	}
	shot := filepath.Join(dir, "class-30x15.png")
	chromium(t, "--window-size=1440,900", "--screenshot="+shot, "file://"+path)
	if st, err := os.Stat(shot); err != nil || st.Size() < 20_000 {
		t.Errorf("screenshot %s missing or blank (%v)", shot, err)
	}
}
