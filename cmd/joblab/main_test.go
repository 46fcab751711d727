package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/joblab/joblab/lesson"
)

// run executes the command line in this process, as a user would type it.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"help"}, {"help", "run"}, {"run", "--help"}, {"list", "--help"}, {"verify", "-h"}} {
		code, out, errOut := run(t, args...)
		if code != 0 || !strings.Contains(out, "Usage:") || errOut != "" {
			t.Errorf("joblab %v: exit %d, stdout %q..., stderr %q", args, code, first(out), errOut)
		}
	}
}

func TestUsageErrorsExitTwoAndPrintOnce(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"down", "extra"}, `takes no arguments, got "extra"`},
		{[]string{"up", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"up", "--mode", "onlin"}, `--mode "onlin": use "online" or "offline"`},
		{[]string{"run", "nope"}, `unknown lab "nope"; the labs are: normal, abnormal`},
		{[]string{"run", "prime", "--parallel", "-1"}, "--parallel -1"},
		{[]string{"run", "--nodes", "0", "prime"}, "--nodes 0"},
		{[]string{"up", "--nodes", "0"}, "--nodes 0"},
		{[]string{"run", "prime", "-o", "xml"}, `output format "xml"`},
		{[]string{"run", "--manifests", filepath.Join(dir, "missing"), "prime"}, "--manifests"},
		{[]string{"verify", "prime", "--manifests", filepath.Join(dir, "missing")}, "--manifests"},
		{[]string{"list", "-o", "xml"}, `output format "xml"`},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"version", "extra"}, "takes no arguments"},
		{[]string{"clean", "extra"}, "takes no arguments"},
	}
	for _, c := range cases {
		code, out, errOut := run(t, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(errOut, c.want) != 1 || out != "" {
			t.Errorf("joblab %v: exit %d, stdout %q, stderr %q; want exit 2 and %q once", c.args, code, out, errOut, c.want)
		}
	}
}

func TestFlagsGoAnywhere(t *testing.T) {
	// A flag after a lab name is read as a flag: this one is refused for
	// its value, not as a lab name.
	code, _, errOut := run(t, "run", "prime", "--mode", "sideways")
	if code != exitUsage || !strings.Contains(errOut, `--mode "sideways"`) {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestKubeconfigProblemsExitFour(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KUBECONFIG", filepath.Join(dir, "none"))
	code, _, errOut := run(t, "verify", "--kubeconfig", filepath.Join(dir, "missing"), "prime")
	if code != exitKubeconfig || !strings.Contains(errOut, "reading the kubeconfig") {
		t.Errorf("missing kubeconfig: exit %d, %q", code, errOut)
	}
	kc := filepath.Join(dir, "kc")
	if err := os.WriteFile(kc, []byte(kubeconfigYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "verify", "--kubeconfig", kc, "--context", "nope", "prime")
	if code != exitKubeconfig || !strings.Contains(errOut, `no context "nope"`) || !strings.Contains(errOut, "a, b") {
		t.Errorf("unknown context: exit %d, %q", code, errOut)
	}
}

func TestKubeconfigListsMerge(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte(strings.ReplaceAll(kubeconfigYAML, "name: b\n", "name: other-b\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(strings.ReplaceAll(kubeconfigYAML, "name: a\n", "name: other-a\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", a+string(os.PathListSeparator)+b)
	// Context b is only in the second file: KUBECONFIG=a:b merges, so it is
	// found, and the (unreachable) server is what fails.
	code, _, errOut := run(t, "verify", "--context", "b", "--request-timeout", "2s", "prime")
	if code != exitUnreachable || !strings.Contains(errOut, "does not answer") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestListOutputs(t *testing.T) {
	code, out, _ := run(t, "list", "-o", "name")
	if code != 0 || !strings.HasPrefix(out, "normal\nabnormal\n") {
		t.Errorf("list -o name: %d %q", code, out)
	}
	code, out, _ = run(t, "list", "-o", "json")
	if code != 0 || !strings.Contains(out, `"name": "cron"`) {
		t.Errorf("list -o json: %d %q", code, first(out))
	}
	code, out, _ = run(t, "list", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "- expected:") {
		t.Errorf("list -o yaml: %d %q", code, first(out))
	}
}

func TestCompletion(t *testing.T) {
	code, out, _ := run(t, "completion", "bash")
	if code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: %d", code)
	}
	code, out, _ = run(t, "__complete", "run", "")
	if code != 0 || !strings.Contains(out, "prime") {
		t.Errorf("lab names are not completed: %d %q", code, out)
	}
}

func first(s string) string {
	if len(s) > 80 {
		return s[:80]
	}
	return s
}

// kubeconfigYAML has two contexts, a and b, on a server that is not there.
const kubeconfigYAML = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:1
  name: nowhere
contexts:
- context:
    cluster: nowhere
    user: u
  name: a
- context:
    cluster: nowhere
    user: u
  name: b
current-context: a
users:
- name: u
  user:
    token: t
`

// TestLabNewCheckAndList: a teacher writes a starter lab folder, checks it
// without a cluster, and sees it listed beside the lesson's; a broken one
// is refused with its line, and nothing is overwritten.
func TestLabNewCheckAndList(t *testing.T) {
	catalogue := slices.Clone(lesson.Labs)
	t.Cleanup(func() { lesson.Labs = catalogue })
	dir := filepath.Join(t.TempDir(), "four-by-two")
	code, out, errOut := run(t, "lab", "new", "four-by-two", "--dir", dir)
	if code != 0 || !strings.Contains(out, "joblab lab check "+dir) {
		t.Fatalf("lab new: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = run(t, "lab", "new", "four-by-two", "--dir", dir); code != 2 || !strings.Contains(errOut, "exists already") {
		t.Errorf("lab new over a folder: %d %q", code, errOut)
	}
	code, out, errOut = run(t, "lab", "check", dir)
	if code != 0 || !strings.Contains(out, "four-by-two: 2 steps, 4 facts, applies job.yaml (Job/four-by-two)") {
		t.Fatalf("lab check: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, "list", "--labs", dir, "-o", "name")
	if last := catalogue[len(catalogue)-1].Name; code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "\n"+last+"\nfour-by-two") {
		t.Errorf("list --labs: %d %q", code, out)
	}
	lab := filepath.Join(dir, "lab.yaml")
	data, err := os.ReadFile(lab)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lab, []byte(strings.Replace(string(data), "for: Complete", "for: Done", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "lab", "check", dir)
	if code != 2 || !strings.Contains(errOut, "lab.yaml:10: wait for \"Done\": one of Complete, Failed, SuccessCriteriaMet") {
		t.Errorf("lab check of a broken folder: %d %q", code, errOut)
	}
	if code, _, errOut = run(t, "run", "--labs", dir); code != 2 || !strings.Contains(errOut, "--labs "+dir) {
		t.Errorf("run --labs of a broken folder: %d %q", code, errOut)
	}
}
