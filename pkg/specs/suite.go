// Package specs is the conformance suite of the Jobs and CronJobs lesson:
// one spec per lab (labelled with the lab's name) and the lesson's general
// behaviours, each asserting on a real cluster what the lesson documents.
// Register registers them with the run's settings: suites/lessons runs
// them under ginkgo (make e2e, make lab), and the joblab command in its
// own process. They live outside the test tree so that the command imports
// no suites/ package.
package specs

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"github.com/onsi/ginkgo/v2/types"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	labreport "github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/framework"
)

// SuiteName is the suite's description in reports.
const SuiteName = "Jobs and CronJobs lesson"

var env *framework.Env

var registered sync.Once

// Register registers every spec of the lesson suite for a run with
// settings s: the suite's set-up (the cluster, its client), the lesson's
// labs, the lab folders' (joblab's own, and those of s.LabsDir), and the
// summary written when the suite ends. Call it once, before RunSpecs; a
// second call registers nothing.
func Register(s settings.Settings) {
	registered.Do(func() {
		registerSuite(s)
		registerFolderLabs(s.LabsDir)
	})
}

func registerSuite(s settings.Settings) {
	SynchronizedBeforeSuite(func(ctx context.Context) []byte {
		kubeconfig, err := framework.EnsureCluster(ctx, s)
		Expect(err).NotTo(HaveOccurred())
		first, err := framework.NewEnv(kubeconfig, s)
		Expect(err).NotTo(HaveOccurred())
		Expect(framework.SaveRunState(ctx, first)).To(Succeed())
		return []byte(kubeconfig)
	}, func(kubeconfig []byte) {
		var err error
		env, err = framework.NewEnv(string(kubeconfig), s)
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(framework.Timeouts.ClusterBuild))

	// Every API request a spec sends counts, its clean-up's too: the entry
	// is added by a clean-up registered before the spec's own, so it runs
	// last.
	BeforeEach(func() {
		start := framework.RequestsSent()
		DeferCleanup(func() {
			AddReportEntry(framework.APIRequestsEntry, framework.RequestsSent()-start, ReportEntryVisibilityNever)
		})
	})

	ReportAfterSuite("lesson summary and benchmark", func(ctx SpecContext, report Report) {
		Expect(framework.WriteSummary(ctx, s, report)).To(Succeed())
		// The same report files as the joblab command writes.
		run := labreport.FromGinkgo([]types.Report{report})
		html, err := run.HTML()
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(s.Artifacts(), "report.html"), []byte(html), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(s.Artifacts(), "report.md"), []byte(run.Markdown()), 0o644)).To(Succeed())
	})
}
