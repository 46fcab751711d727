package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/joblab/joblab/internal/settings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/versions"
	"github.com/joblab/joblab/lesson"
)

// KeepEnv keeps a failed spec's namespace for inspection when set to
// "on-failure" (and always when set to "always").
const KeepEnv = settings.KeepEnv

// LessonJSONEntry is the report entry that carries a lab's report as JSON,
// for tools that render reports from Ginkgo's JSON report.
const LessonJSONEntry = report.LessonJSONEntry

// Env is the cluster the specs run against.
type Env struct {
	Kubeconfig string
	Client     kubernetes.Interface
	Config     *rest.Config
	// Settings are the run's: where manifests, images and reports come
	// from and go, the namespace, the keep policy, the progress file.
	Settings settings.Settings

	versionOnce sync.Once
	version     string
	minor       int
	versionErr  error
}

// Kubernetes is the API server's version ("v1.37.2") and its minor
// release (37), asked once: the facts that Kubernetes changed between
// releases are documented per release (lesson.ForRelease).
func (e *Env) Kubernetes() (string, int, error) {
	e.versionOnce.Do(func() {
		info, err := e.Client.Discovery().ServerVersion()
		if err != nil {
			e.versionErr = fmt.Errorf("asking the API server its version: %w", err)
			return
		}
		e.version = info.GitVersion
		// info.Minor may carry a "+" (some distributions); GitVersion is
		// v1.<minor>.<patch>.
		e.minor, e.versionErr = versions.MinorOf(info.GitVersion)
	})
	return e.version, e.minor, e.versionErr
}

// Bound is a wait's bound t on this run's cluster: t times the settings'
// Slowness (a class sharing one small cluster waits longer, never less).
func (e *Env) Bound(t time.Duration) time.Duration {
	if e == nil || e.Settings.Slowness <= 1 {
		return t
	}
	return time.Duration(float64(t) * min(e.Settings.Slowness, settings.MaxSlowness)).Round(time.Second)
}

// NewEnv connects to the cluster of kubeconfig (its context s.Context,
// or its current one) for a run with settings s.
func NewEnv(kubeconfig string, s settings.Settings) (*Env, error) {
	traceRequestsTo(s.TraceRequests)
	cs, cfg, err := Client(kubeconfig, s.Context)
	if err != nil {
		return nil, err
	}
	return &Env{Kubeconfig: kubeconfig, Client: cs, Config: cfg, Settings: s}, nil
}

// Lab is one running lab: its namespace and its documented-versus-observed
// report.
type Lab struct {
	Env       *Env
	Namespace string
	Report    *lesson.Report
	// failedWait is the fact of a wait that failed but let the lab go on
	// (GoOn).
	failedWait string
	// kinds are the kinds of object the lab created (Jobs always: the
	// initiator's and the harness's are made without a manifest); the
	// clean-up looks at these only.
	kinds []string
}

// created notes the kinds of a manifest the lab applied.
func (l *Lab) created(kinds ...string) {
	for _, k := range kinds {
		if !slices.Contains(l.kinds, k) {
			l.kinds = append(l.kinds, k)
		}
	}
}

// clearedObjects holds "namespace/kind/name" of the objects a spec of
// this process made sure were gone when it ended: cleared of leftovers at
// its start, and of what it created at its end.
var clearedObjects sync.Map

// clearedAll tells whether every ref is known gone from ns, and forgets
// them: the spec that asks is about to create them.
func clearedAll(ns string, refs []ObjectRef) bool {
	all := true
	for _, ref := range refs {
		if _, ok := clearedObjects.LoadAndDelete(ns + "/" + ref.Kind + "/" + ref.Name); !ok {
			all = false
		}
	}
	return all
}

// failUnless fails the spec when err is not nil, with what was being done
// and err's own text on the first line (the line a verdict's reason shows;
// Gomega's Succeed would put a type and an address there).
func failUnless(err error, format string, args ...any) {
	GinkgoHelper()
	if err != nil {
		Fail(fmt.Sprintf(format, args...) + ": " + strings.ReplaceAll(err.Error(), "\n", "; "))
	}
}

// StartLab creates the lab's namespace and registers, to run when the spec
// ends: the report (printed and written to the artifacts), the collection
// of events, object states and logs when the spec failed, then the
// namespace's deletion (kept on failure if asked).
func StartLab(ctx context.Context, env *Env, name string) *Lab {
	lab := &Lab{Env: env, Report: &lesson.Report{Lab: name}, kinds: []string{"Job"}}
	if given := env.Settings.Namespace; given != "" {
		// A namespace that is not joblab's, maybe shared with other labs
		// running at the same time: clear joblab's stale objects of the
		// names this lab creates, and afterwards remove only what this lab
		// created.
		lab.Namespace = given
		// Leftovers are found by the names the lab creates, whichever lab
		// left them: one GET a name (a spec outside the catalogue clears
		// what carries its own label).
		// An earlier spec of the same lab in this process that cleared up
		// after itself leaves nothing to look for: the joblab command holds
		// the lab's object names in the namespace for the whole process.
		refs := LabObjects(env.Settings.ManifestsDir, CurrentSpecReport().Labels())
		// A class loading the cluster slows deletions as much as its
		// other waits.
		clearBound := env.Bound(Timeouts.Namespace)
		if len(refs) > 0 && clearedAll(given, refs) {
			GinkgoWriter.Printf("an earlier spec of this process removed %s's objects %v from namespace %s: no leftovers to look for\n", name, refs, given)
		} else if len(refs) > 0 {
			failUnless(ClearStale(ctx, env.Client, given, refs, clearBound), "removing joblab's leftovers named as lab %s's objects in namespace %s", name, given)
		} else {
			failUnless(DeleteOwned(ctx, env.Client, given, OwnedBy(name), clearBound), "removing the leftovers of lab %s in namespace %s", name, given)
		}
		DeferCleanup(func(ctx context.Context) {
			if keepNamespace(env.Settings.Keep) {
				GinkgoWriter.Printf("keeping joblab's objects in namespace %s (keep: %s)\n", given, env.Settings.Keep)
				return
			}
			failUnless(DeleteOwned(ctx, env.Client, given, OwnedBy(name), clearBound, lab.kinds...), "removing lab %s's objects from namespace %s after it", name, given)
			for _, ref := range refs {
				clearedObjects.Store(given+"/"+ref.Kind+"/"+ref.Name, true)
			}
		}, NodeTimeout(clearBound*2))
	} else {
		ns, err := CreateNamespace(ctx, env.Client, name)
		Expect(err).NotTo(HaveOccurred(), "creating the lab's namespace")
		lab.Namespace = ns.Name
		DeferCleanup(func(ctx context.Context) {
			if keepNamespace(env.Settings.Keep) {
				GinkgoWriter.Printf("keeping namespace %s (keep: %s)\n", ns.Name, env.Settings.Keep)
				return
			}
			failUnless(DeleteNamespace(ctx, env.Client, ns.Name), "deleting lab %s's namespace %s", name, ns.Name)
		}, NodeTimeout(Timeouts.Namespace))
	}
	lab.Report.Namespace = lab.Namespace
	// The lab's pods, from now on: the report's timeline.
	stopPods := recordPods(ctx, env.Client, lab.Namespace, OwnedBy(name))
	DeferCleanup(func(ctx context.Context) {
		if !CurrentSpecReport().Failed() {
			return
		}
		dir := filepath.Join(env.Settings.Artifacts(), "failures", safeName(CurrentSpecReport().FullText()))
		if err := CollectArtifacts(ctx, env.Client, lab.Namespace, dir); err != nil {
			GinkgoWriter.Printf("collecting artifacts: %v\n", err)
		}
		GinkgoWriter.Printf("events, object states and logs of namespace %s: %s\n", lab.Namespace, dir)
	}, NodeTimeout(Timeouts.Namespace))
	DeferCleanup(func() {
		lab.Report.Pods = stopPods()
		if len(lab.Report.Rows) == 0 {
			return
		}
		AddReportEntry("lesson: "+name, lab.Report.Text(), ReportEntryVisibilityAlways)
		if data, err := json.Marshal(lab.Report); err == nil {
			AddReportEntry(LessonJSONEntry, string(data), ReportEntryVisibilityNever)
		}
		dir := filepath.Join(env.Settings.Artifacts(), "lessons")
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, safeName(CurrentSpecReport().FullText())+".md"), []byte(lab.Report.Markdown()), 0o644)
	})
	return lab
}

// keepNamespace tells whether to keep what the spec created, by the keep
// policy (settings.Keep).
func keepNamespace(keep string) bool {
	return keep == "always" || (keep == "on-failure" && CurrentSpecReport().Failed())
}

// ProgressEnv names a file where each lab step is appended as one line
// ("<unix seconds>\t<lab>\t<step>"), for tools that show progress.
const ProgressEnv = settings.ProgressEnv

// Step documents a step of the lab (Ginkgo's By) and reports it to the
// progress file when there is one.
func (l *Lab) Step(text string) {
	By(text)
	path := l.Env.Settings.ProgressFile
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%d\t%s\t%s\n", time.Now().Unix(), l.Report.Lab, text)
}

// Require records a fact the rest of the lab depends on (a wait that must
// end as the lesson says). When err is not nil the lab cannot go on: the
// spec fails at once with every differing row recorded so far (the
// manifest's differences first) and this one, whose observed value is
// what the wait last saw.
func (l *Lab) Require(fact lesson.FactRef, documented string, err error) {
	if err == nil {
		l.Report.Add(fact, documented, documented, true)
		return
	}
	l.Report.Add(fact, documented, err.Error(), false)
	l.Verify()
}

// GoOn records a wait the rest of the lab reads from, like Require, but
// when the wait saw its object (seen) the lab goes on: the rows after it
// are filled from what the wait last saw, so that a student sees every
// fact that can be read, and the lab's later waits are cut short (Within).
// The lab fails at its end (Verify) with every differing row.
func (l *Lab) GoOn(fact lesson.FactRef, documented string, err error, seen bool) {
	if err == nil || !seen {
		l.Require(fact, documented, err)
		return
	}
	l.Report.Add(fact, documented, err.Error(), false)
	l.failedWait = fact.Name
	GinkgoWriter.Printf("the wait %q failed; going on to read every fact that can be read: %v\n", fact.Name, err)
}

// Within is the bound of a wait for an end state: t on this run's cluster
// (Env.Bound: times the settings' Slowness), or LabTimeouts.AfterFailedWait
// once a wait the lab depends on has failed (GoOn).
func (l *Lab) Within(t time.Duration) time.Duration {
	if l.failedWait != "" {
		return min(t, LabTimeouts.AfterFailedWait)
	}
	return l.Env.Bound(t)
}

// Window is the length of an observation window (pods watched to stay,
// a suspended Job watched to start none): t as the lesson's check has
// it, whatever the cluster's Slowness (its length is part of the fact),
// or LabTimeouts.AfterFailedWait once a wait the lab depends on has
// failed.
func (l *Lab) Window(t time.Duration) time.Duration {
	if l.failedWait != "" {
		return min(t, LabTimeouts.AfterFailedWait)
	}
	return t
}

// NotVerifiedPrefix starts the skip message of a lab that could not
// observe the fact it exists for; the reports read it as the verdict "not
// verified" (never passed), JUnit as skipped with the reason.
const NotVerifiedPrefix = report.NotVerifiedPrefix

// NotVerified records that the lab could not observe the fact it exists
// for, and why (naming what is wrong with the cluster, or what it lacks).
// The lab ends at its Verify: differs when a fact differs, else not
// verified.
func (l *Lab) NotVerified(why string) {
	if l.Report.NotVerified == "" {
		l.Report.NotVerified = why
	}
}

// Verify fails the spec when any recorded fact differs from the lesson,
// listing every difference next to what the lesson says; when none does
// but the lab could not observe its fact (NotVerified), it ends the spec
// as not verified (skipped, with the reason).
func (l *Lab) Verify() {
	failed := l.Report.Failed()
	if len(failed) == 0 {
		if l.Report.NotVerified != "" {
			Skip(NotVerifiedPrefix + l.Report.NotVerified)
		}
		return
	}
	var b strings.Builder
	for _, row := range failed {
		fmt.Fprintf(&b, "\n  %s: the lesson says %s, observed %s", row.Fact, row.Documented, row.Observed)
	}
	Fail(fmt.Sprintf("lab %s differs from the lesson:%s", l.Report.Lab, b.String()))
}

func safeName(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s), "-")
}
