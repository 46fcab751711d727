//go:build e2e

// Package smoke checks that the cluster joblab creates can run a pod: a
// busybox:latest pod, pulled with policy Always (offline: from the registry
// mirror), runs to completion and its log reads as expected; and that its
// network spans the nodes: a pod reaches a pod on another node, a Service
// found through CoreDNS, and a NodePort answers on every node.
package smoke

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/client-go/kubernetes"

	"github.com/joblab/joblab/pkg/framework"
)

func TestSmoke(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cluster smoke")
}

var client kubernetes.Interface

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx)
	Expect(err).NotTo(HaveOccurred())
	return []byte(kubeconfig)
}, func(kubeconfig []byte) {
	cs, _, err := framework.Client(string(kubeconfig))
	Expect(err).NotTo(HaveOccurred())
	client = cs
}, NodeTimeout(framework.Timeouts.ClusterBuild))
