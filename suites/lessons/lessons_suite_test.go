//go:build e2e

// Package lessons is the conformance suite of the Jobs and CronJobs lesson:
// one spec per lab (labelled with the lab's name) and the lesson's general
// behaviours, each asserting on a real cluster what the lesson documents.
package lessons

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/joblab/joblab/suites/framework"
)

func TestLessons(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Jobs and CronJobs lesson")
}

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

var requestsAtStart int64

var _ = BeforeEach(func() { requestsAtStart = framework.RequestsSent() })

var _ = AfterEach(func() {
	AddReportEntry(framework.APIRequestsEntry, framework.RequestsSent()-requestsAtStart, ReportEntryVisibilityNever)
})

var _ = ReportAfterSuite("lesson summary and benchmark", func(ctx SpecContext, report Report) {
	Expect(framework.WriteSummary(ctx, report)).To(Succeed())
})
