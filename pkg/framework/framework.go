// Package framework is what every joblab suite shares: getting a cluster
// (created through pkg/cluster, or an existing one), a client, namespaces
// labelled as joblab's, the timeouts of every wait in one place, and
// watch-driven waits that stop early on the wrong end state and report the
// last state they saw.
package framework

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/joblab/joblab/internal/settings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/joblab/joblab/pkg/cluster"
)

// OwnerLabelKey and OwnerLabelValue mark what joblab creates.
const (
	OwnerLabelKey   = "app.kubernetes.io/managed-by"
	OwnerLabelValue = "joblab"
	// LabLabelKey names, on everything joblab creates, the lab that
	// created it (LabLabelValue), so that labs can share a namespace and
	// each removes only its own objects. The broker lab's initiator puts
	// the same label on the Job it creates.
	LabLabelKey = "app.kubernetes.io/part-of"
)

// LabLabelValue is the value of LabLabelKey for a lab's objects.
func LabLabelValue(lab string) string { return lab + "-lab" }

// OwnedBy is the label selector of what one lab created.
func OwnedBy(lab string) string {
	return OwnerLabelKey + "=" + OwnerLabelValue + "," + LabLabelKey + "=" + LabLabelValue(lab)
}

// AllOwned is the label selector of everything joblab created.
const AllOwned = OwnerLabelKey + "=" + OwnerLabelValue

// KubeconfigEnv names an existing cluster's kubeconfig; when it is set the
// suites use that cluster instead of creating one.
const KubeconfigEnv = settings.KubeconfigEnv

// ContextEnv names the kubeconfig context to use; empty means the
// kubeconfig's current context.
const ContextEnv = settings.ContextEnv

// Timeouts of every wait in the suites.
var Timeouts = struct {
	ClusterBuild time.Duration
	ClusterReady time.Duration
	PodStart     time.Duration
	PodFinish    time.Duration
	Namespace    time.Duration
}{
	ClusterBuild: 60 * time.Minute, // a cold offline build of every image: about 20 min on 2 cores
	ClusterReady: 5 * time.Minute,
	PodStart:     2 * time.Minute,
	PodFinish:    3 * time.Minute,
	Namespace:    2 * time.Minute,
}

// EnsureCluster returns the kubeconfig of the cluster to test: the one
// the settings name (Kubeconfig), or the kind cluster that pkg/cluster creates
// or reuses, with the lab images made available.
func EnsureCluster(ctx context.Context, s settings.Settings) (string, error) {
	if s.Kubeconfig != "" {
		return s.Kubeconfig, nil
	}
	c, err := cluster.UpWithLabImages(ctx, cluster.Options{
		Kubernetes:   s.Kubernetes,
		Unverified:   s.Unverified,
		Mode:         cluster.Mode(s.ImageMode),
		CacheDir:     s.CacheDir,
		DebianMirror: s.DebianMirror,
		LogDir:       s.Artifacts() + "/logs",
		ReadyTimeout: Timeouts.ClusterReady,
	}, os.Stdout)
	if err != nil {
		return "", err
	}
	return c.Kubeconfig, nil
}

// Client returns a clientset and REST config for kubeconfig, at context
// ("" for its current one).
func Client(kubeconfig, context string) (*kubernetes.Clientset, *rest.Config, error) {
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: context})
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, nil, fmt.Errorf("reading kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt} })
	cs, err := kubernetes.NewForConfig(cfg)
	return cs, cfg, err
}

// CreateNamespace creates a namespace with a generated name, labelled as
// joblab's.
func CreateNamespace(ctx context.Context, cs kubernetes.Interface, prefix string) (*corev1.Namespace, error) {
	return cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		GenerateName: "joblab-" + prefix + "-",
		Labels:       map[string]string{OwnerLabelKey: OwnerLabelValue},
	}}, metav1.CreateOptions{})
}

// DeleteNamespace deletes a namespace, but only one that joblab owns.
func DeleteNamespace(ctx context.Context, cs kubernetes.Interface, name string) error {
	ns, err := cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if ns.Labels[OwnerLabelKey] != OwnerLabelValue {
		return fmt.Errorf("namespace %s is not labelled %s=%s: joblab does not delete it", name, OwnerLabelKey, OwnerLabelValue)
	}
	return cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
}

// Lab timeouts: each bounds one wait of a lab, from what was measured on a
// 1.34 kind cluster with 2 cores (SPEC.md), with ample margin.
var LabTimeouts = struct {
	NormalJob, PrimeJob, BrokerReady, BrokerJob, Events, PodsGone, PodsKept time.Duration
	// WatchListed bounds how long a watch started before an apply waits
	// for its first list.
	WatchListed time.Duration
	// NodeLoss bounds the node-loss Job: a node noticed lost, its pod
	// evicted, the replacement's 30 s; NodeBack a stopped node's return.
	NodeLoss, NodeBack time.Duration
	// NodeNoticed bounds the control plane noticing a stopped node
	// (node-monitor-grace-period: 40 s by default, 20 s in joblab's kind
	// configuration); NodeReplaced the replacement pod's start and its
	// 30 s run. The node-loss bound is these and the pod's own toleration
	// of a lost node.
	NodeNoticed, NodeReplaced time.Duration
	// BackoffLag is how much later than its doubling back-off, or than
	// the failure's report when that came later, a Job's next pod after
	// the first may come (the first has no upper bound: under load the
	// first failure's report lags most, 38 s for 10 s seen with three
	// classroom namespaces on 2 cores). The controller follows the report:
	// with 40 CPU-bound pods churning on 2 cores the failures reached the
	// API server 9-22 s late and each next pod came within 2 s of the
	// later of the back-off and the report. 40, 40, 40 s reported on time
	// still fails.
	BackoffLag time.Duration
	// ModernJob bounds a modern-track Job (each ends within a minute).
	ModernJob time.Duration
	// WatchBound bounds a lab folder's watch step's watch, which its step
	// stops once it has watched for its time: only a lab that fails
	// before the step leaves it to end so.
	WatchBound time.Duration
	// ControllerLag is how late a controller may act on a timer it was
	// given (activeDeadlineSeconds, ttlSecondsAfterFinished) and still be
	// said to keep it. Its act, not what follows: here the deadline's
	// FailureTarget came on time and the TTL's deletion at most 1 s late,
	// idle or with three classroom namespaces at once on 2 cores, where
	// the Failed condition (after the pod's end) came 15 s late. A deadline
	// or TTL at least this much longer than the lesson's shows.
	ControllerLag time.Duration
	// AfterFailedWait bounds a lab's later waits once a wait it depends
	// on has failed: the state they wait for will not come (Lab.Within).
	AfterFailedWait time.Duration
}{
	NormalJob:       4 * time.Minute, // 6 x 5 s serially, about 50 s seen
	PrimeJob:        3 * time.Minute,
	BrokerReady:     5 * time.Minute, // RabbitMQ at 100m CPU answered after 63-120 s
	BrokerJob:       4 * time.Minute,
	Events:          1 * time.Minute, // events can arrive after the state they report
	PodsGone:        2 * time.Minute,
	PodsKept:        time.Minute,     // longer than any TTL a student would set to see the clean-up
	WatchListed:     time.Minute,     // a first list on a loaded API server and a rate-limited client
	NodeLoss:        5 * time.Minute, // about 35 s to evict with kind-config.yaml's settings, 5 min + with the defaults
	NodeBack:        3 * time.Minute,
	NodeNoticed:     90 * time.Second,
	NodeReplaced:    2 * time.Minute,
	ModernJob:       6 * time.Minute, // each ends within a minute alone; a class run of three namespaces starved pods past 3 min
	WatchBound:      30 * time.Minute,
	ControllerLag:   15 * time.Second,
	BackoffLag:      10 * time.Second,
	AfterFailedWait: 10 * time.Second,
}
