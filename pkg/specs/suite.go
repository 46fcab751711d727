// Package specs is the conformance suite of the Jobs and CronJobs lesson:
// one spec per lab (labelled with the lab's name) and the lesson's general
// behaviours, each asserting on a real cluster what the lesson documents.
// The specs register on import: suites/lessons runs them under ginkgo
// (make e2e, make lab), and the joblab command in its own process. They
// live outside the test tree so that the command imports no suites/
// package.
package specs

import (
	"context"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	labreport "github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/pkg/framework"
)

// SuiteName is the suite's description in reports.
const SuiteName = "Jobs and CronJobs lesson"

var env *framework.Env

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx)
	Expect(err).NotTo(HaveOccurred())
	first, err := framework.NewEnv(kubeconfig)
	Expect(err).NotTo(HaveOccurred())
	Expect(framework.SaveRunState(ctx, first)).To(Succeed())
	return []byte(kubeconfig)
}, func(kubeconfig []byte) {
	var err error
	env, err = framework.NewEnv(string(kubeconfig))
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(framework.Timeouts.ClusterBuild))

// Every API request a spec sends counts, its clean-up's too: the entry is
// added by a clean-up registered before the spec's own, so it runs last.
var _ = BeforeEach(func() {
	start := framework.RequestsSent()
	DeferCleanup(func() {
		AddReportEntry(framework.APIRequestsEntry, framework.RequestsSent()-start, ReportEntryVisibilityNever)
	})
})

var _ = ReportAfterSuite("lesson summary and benchmark", func(ctx SpecContext, report Report) {
	Expect(framework.WriteSummary(ctx, report)).To(Succeed())
	// The same report files as the joblab command writes.
	run := labreport.FromGinkgo([]types.Report{report})
	html, err := run.HTML()
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(framework.ArtifactsDir(), "report.html"), []byte(html), 0o644)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(framework.ArtifactsDir(), "report.md"), []byte(run.Markdown()), 0o644)).To(Succeed())
})
