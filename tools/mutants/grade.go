package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/joblab/joblab/internal/grade"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/cluster"
)

// gradeable tells whether every edit of a mutant is in a lesson or modern
// manifest that a lab compares with the lesson (not the legacy file, not
// the Role): such a mutant can be judged by the manifest comparison alone.
func gradeable(m Mutant) bool {
	for _, e := range m.Edits() {
		name, ok := strings.CutPrefix(e.File, "manifests/")
		if !ok || !strings.HasSuffix(name, ".yaml") || strings.HasPrefix(name, "legacy/") || strings.HasPrefix(name, "rbac/") {
			return false
		}
	}
	return true
}

// gradeKubeconfig is the cluster -grade asks: $JOBLAB_KUBECONFIG, else the
// kind cluster's.
func gradeKubeconfig() string {
	s := settings.FromEnv()
	if s.Kubeconfig != "" {
		return s.Kubeconfig
	}
	return cluster.DefaultKubeconfig(s.CacheDir, cluster.DefaultName)
}

// runGrade judges the manifest mutants of the selection by the manifest
// comparison alone, as a lab makes it (internal/grade: both sides as the
// API server would store them, from server-side dry runs in a namespace of
// its own): a mutant is killed by a difference, and an equivalent answer
// (Equivalent set) must show none — a difference there is a false alarm,
// as red as a survivor. Seconds per mutant, instead of a lab run.
func (r *runner) runGrade(ctx context.Context, opts options, selected []Mutant) int {
	var mutants []Mutant
	for _, m := range selected {
		if gradeable(m) {
			mutants = append(mutants, m)
		}
	}
	if len(mutants) == 0 {
		fmt.Fprintln(r.stderr, "mutants: no manifest mutant in the selection (-grade judges only edits of manifests/*.yaml and manifests/modern/*.yaml)")
		return exitUsage
	}
	kubeconfig := gradeKubeconfig()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: -grade needs a cluster: reading kubeconfig %s: %v (run make cluster, or set %s)\n", kubeconfig, err, settings.KubeconfigEnv)
		return exitFailed
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitFailed
	}
	ns, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		GenerateName: "joblab-grade-",
		Labels:       map[string]string{"app.kubernetes.io/managed-by": "joblab"},
	}}, metav1.CreateOptions{})
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: creating a namespace for the dry runs on %s: %v\n", cfg.Host, err)
		return exitFailed
	}
	defer func() {
		// Also after Ctrl-C: the dry runs stored nothing, the namespace goes.
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cs.CoreV1().Namespaces().Delete(cctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			fmt.Fprintf(r.stderr, "mutants: removing namespace %s: %v\n", ns.Name, err)
		}
	}()
	fmt.Fprintf(r.stderr, "==> %d manifest mutants and equivalent answers, graded by the API server at %s (namespace %s)\n", len(mutants), cfg.Host, ns.Name)
	report := Report{Started: time.Now(), Repo: opts.repo, Timeout: "-"}
	for _, m := range mutants {
		res := Result{ID: m.ID, Lab: m.Lab, Why: m.Why, Equivalent: m.Equivalent, Files: strings.Join(editedFiles(m), ", "), Change: m.Change(), MakeExit: -1}
		start := time.Now()
		facts, detail := gradeMutant(ctx, opts.repo, ns.Name, cfg, m)
		res.Seconds = time.Since(start).Seconds()
		switch {
		case detail != "":
			res.Verdict, res.Detail = Error, detail
		case len(facts) > 0:
			res.Verdict, res.Facts, res.KilledBy = Killed, facts, facts[0].Fact+": the lesson says "+facts[0].Lesson+", the manifest says "+facts[0].Observed
		default:
			res.Verdict = Survived
		}
		report.Results = append(report.Results, res)
		fmt.Fprintf(r.stderr, "    %s: %s\n", m.ID, progressLine(res))
	}
	report.Summary = summarize(report.Results)
	if err := os.MkdirAll(opts.out, 0o755); err == nil {
		if err := writeOutputs(opts.out, report); err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		}
	}
	r.printTable(report.Results)
	fmt.Fprintln(r.stdout, summaryLine(report.Summary))
	if !report.Summary.Passed {
		return exitFailed
	}
	return exitOK
}

// gradeMutant applies a mutant's edits to the manifests it touches and
// grades each edited manifest; it returns the differences found, or why it
// could not grade.
func gradeMutant(ctx context.Context, repo, ns string, cfg *rest.Config, m Mutant) ([]Fact, string) {
	edited, err := mutatedContents(repo, m)
	if err != nil {
		return nil, err.Error()
	}
	var facts []Fact
	for _, file := range editedFiles(m) {
		name := strings.TrimPrefix(file, "manifests/")
		res, err := grade.Compare(ctx, grade.Input{Config: cfg, Namespace: ns, Name: name, Data: []byte(edited[file])})
		if err != nil {
			return nil, err.Error()
		}
		if len(res.AsWritten) > 0 {
			return nil, "the API server could not default " + strings.Join(res.AsWritten, "; ")
		}
		for _, d := range res.Diffs {
			facts = append(facts, Fact{Fact: name + ": " + d.Object + " " + d.Path, Lesson: lesson.ShowValue(d.Lesson), Observed: lesson.ShowValue(d.Manifest)})
		}
	}
	return facts, ""
}

// mutatedContents reads the files a mutant edits from repo and returns
// them with its edits applied, in order; an edit that does not apply, or
// leaves its file unchanged, is an error (the catalogue went stale).
func mutatedContents(repo string, m Mutant) (map[string]string, error) {
	edited := map[string]string{}
	for _, e := range m.Edits() {
		content, ok := edited[e.File]
		if !ok {
			data, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(e.File)))
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", e.File, err)
			}
			content = string(data)
		}
		changed, err := e.Apply(content)
		if err != nil {
			return nil, err
		}
		if changed == content {
			return nil, fmt.Errorf("%s: the edit leaves the file unchanged", e.File)
		}
		edited[e.File] = changed
	}
	return edited, nil
}
