//go:build e2e

// Package smoke checks that the cluster joblab creates can run a pod: a
// busybox:latest pod, pulled with policy Always (offline: from the registry
// mirror), runs to completion and its log reads as expected; and that its
// network spans the nodes: a pod reaches a pod on another node, a Service
// found through CoreDNS, and a NodePort answers on every node. And that
// grading a manifest never depends on what else runs there (grade_test.go).
package smoke

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/framework"
)

func TestSmoke(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cluster smoke")
}

// suiteSettings are the run's settings, from the environment (make e2e,
// ginkgo): the suite is where they are read, and passed on as a value.
var suiteSettings = settings.FromEnv()

var (
	client kubernetes.Interface
	config *rest.Config
)

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx, suiteSettings)
	Expect(err).NotTo(HaveOccurred())
	return []byte(kubeconfig)
}, func(kubeconfig []byte) {
	cs, cfg, err := framework.Client(string(kubeconfig), suiteSettings.Context)
	Expect(err).NotTo(HaveOccurred())
	client, config = cs, cfg
}, NodeTimeout(framework.Timeouts.ClusterBuild))
