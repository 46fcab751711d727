package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/joblab/joblab/internal/kube"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	watchtools "k8s.io/client-go/tools/watch"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	kindcluster "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"

	"github.com/joblab/joblab/internal/docker"
	"github.com/joblab/joblab/internal/progress"
)

// reuseOrClean reuses a healthy cluster of the same name, and deletes one
// that is not healthy so that it can be created again.
func reuseOrClean(ctx context.Context, rep *progress.Reporter, provider *kindcluster.Provider, c *Cluster, cfg *v1alpha4.Cluster) (bool, error) {
	names, err := provider.List()
	if err != nil {
		return false, fmt.Errorf("listing kind clusters: %w", err)
	}
	if !slices.Contains(names, c.Name) {
		return false, nil
	}
	wantImage := c.NodeImage
	problem := clusterProblem(ctx, provider, c)
	if problem == "" && wantImage != "" && c.NodeImage != wantImage {
		problem = fmt.Sprintf("its nodes run image %s, this joblab builds %s", c.NodeImage, wantImage)
	}
	if problem == "" {
		problem = shapeProblem(ctx, provider, c, cfg)
	}
	if problem == "" {
		return true, nil
	}
	// The new cluster runs the node image this joblab wants, not the one
	// clusterProblem found.
	c.NodeImage = wantImage
	rep.Printf("==> cluster %q exists but cannot be reused (%s): deleting it to create it again", c.Name, problem)
	if err := provider.Delete(c.Name, c.Kubeconfig); err != nil {
		return false, fmt.Errorf("deleting the unhealthy cluster %q: %w (try: make cluster-delete)", c.Name, err)
	}
	return false, nil
}

// shapeProblem returns why a healthy cluster is not the one cfg asks for:
// another number of nodes, or not joblab's pod network.
func shapeProblem(ctx context.Context, provider *kindcluster.Provider, c *Cluster, cfg *v1alpha4.Cluster) string {
	nodes, err := provider.ListNodes(c.Name)
	if err != nil {
		return "cannot list its nodes: " + err.Error()
	}
	if want := nodeCount(cfg); len(nodes) != want {
		return fmt.Sprintf("it has %s, the configuration asks for %d", plural(len(nodes), "node"), want)
	}
	if installsNetwork(cfg) {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		return networkProblem(ctx, c.Kubeconfig)
	}
	return ""
}

// clusterProblem returns why an existing cluster cannot be reused, or "".
func clusterProblem(ctx context.Context, provider *kindcluster.Provider, c *Cluster) string {
	nodes, err := provider.ListNodes(c.Name)
	if err != nil || len(nodes) == 0 {
		return "no nodes"
	}
	for _, n := range nodes {
		if state := docker.ContainerState(ctx, n.String()); state != "running" {
			return fmt.Sprintf("node %s is %q", n.String(), state)
		}
	}
	if image, err := docker.Run(ctx, "container", "inspect", "--format", "{{.Config.Image}}", nodes[0].String()); err == nil {
		c.NodeImage = image
	}
	kubeconfig, err := provider.KubeConfig(c.Name, false)
	if err != nil {
		return "no kubeconfig: " + err.Error()
	}
	// Written whole and renamed: other test processes may be reading it.
	tmp := c.Kubeconfig + ".partial"
	if err := os.WriteFile(tmp, []byte(kubeconfig), 0o600); err != nil {
		return "cannot write kubeconfig: " + err.Error()
	}
	if err := os.Rename(tmp, c.Kubeconfig); err != nil {
		return "cannot write kubeconfig: " + err.Error()
	}
	client, err := newClient(c.Kubeconfig)
	if err != nil {
		return err.Error()
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return "API server not ready: " + firstLine(err.Error())
	}
	if !bytes.Equal(bytes.TrimSpace(body), []byte("ok")) {
		return "API server not ready: " + firstLine(string(body))
	}
	list, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return "cannot list nodes: " + err.Error()
	}
	for _, n := range list.Items {
		if !kube.NodeReady(&n) {
			return fmt.Sprintf("node %s is not Ready", n.Name)
		}
	}
	return ""
}

func newClient(kubeconfig string) (*kubernetes.Clientset, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("reading kubeconfig %s: %w", kubeconfig, err)
	}
	cfg.Timeout = 30 * time.Second
	return kubernetes.NewForConfig(cfg)
}

// waitReady watches until every node is Ready and every CoreDNS pod runs
// and is ready. On timeout it says what it last saw.
func waitReady(ctx context.Context, kubeconfig string, timeout time.Duration, nodes int, log io.Writer) error {
	client, err := newClient(kubeconfig)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var lastNodes string
	readyNodes := map[string]bool{}
	allReady := func() bool {
		if len(readyNodes) < nodes {
			return false
		}
		for _, r := range readyNodes {
			if !r {
				return false
			}
		}
		return true
	}
	nodeLW := kube.ListWatch(client.CoreV1().Nodes().List, client.CoreV1().Nodes().Watch, nil)
	_, err = watchtools.UntilWithSync(ctx, nodeLW, &corev1.Node{}, nil, func(ev watch.Event) (bool, error) {
		n, ok := ev.Object.(*corev1.Node)
		if !ok {
			return false, nil
		}
		if ev.Type == watch.Deleted {
			delete(readyNodes, n.Name)
		} else {
			readyNodes[n.Name] = kube.NodeReady(n)
		}
		lastNodes = fmt.Sprintf("node %s Ready=%v (%d of %d nodes Ready)", n.Name, kube.NodeReady(n), countTrue(readyNodes), nodes)
		fmt.Fprintln(log, lastNodes)
		return allReady(), nil
	})
	if err != nil {
		return fmt.Errorf("waiting %s for %d nodes to be Ready: %w (last seen: %s)", timeout, nodes, err, orNothing(lastNodes))
	}
	selector := "k8s-app=kube-dns"
	ready := map[string]bool{}
	var lastDNS string
	dnsLW := kube.ListWatch(client.CoreV1().Pods("kube-system").List, client.CoreV1().Pods("kube-system").Watch, kube.ByLabels(selector))
	_, err = watchtools.UntilWithSync(ctx, dnsLW, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		p, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		if ev.Type == watch.Deleted {
			delete(ready, p.Name)
		} else {
			ready[p.Name] = p.Status.Phase == corev1.PodRunning && kube.PodReady(p)
		}
		lastDNS = fmt.Sprintf("pod %s phase=%s ready=%v %s", p.Name, p.Status.Phase, ready[p.Name], containerWaiting(p))
		fmt.Fprintln(log, lastDNS)
		if len(ready) == 0 {
			return false, nil
		}
		for _, r := range ready {
			if !r {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("waiting %s for CoreDNS to run: %w (last seen: %s)", timeout, err, orNothing(lastDNS))
	}
	return nil
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

func containerWaiting(p *corev1.Pod) string {
	var parts []string
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			parts = append(parts, fmt.Sprintf("%s waiting: %s %s", cs.Name, w.Reason, w.Message))
		}
	}
	return strings.Join(parts, "; ")
}

// loadIntoNodes loads image archives into every node (online mode, where
// the lab images exist nowhere else).
func loadIntoNodes(ctx context.Context, rep *progress.Reporter, provider *kindcluster.Provider, name string, images []Image) error {
	nodes, err := provider.ListInternalNodes(name)
	if err != nil {
		return err
	}
	return rep.Run(fmt.Sprintf("load %d lab images into the nodes", len(images)), func(log io.Writer) error {
		for _, img := range images {
			for _, n := range nodes {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				f, err := os.Open(img.Archive)
				if err != nil {
					return fmt.Errorf("image %s: %w", img.Ref, err)
				}
				fmt.Fprintf(log, "load %s into %s\n", img.Ref, n.String())
				err = nodeutils.LoadImageArchive(n, f)
				f.Close()
				if err != nil {
					return fmt.Errorf("loading %s into node %s: %w", img.Ref, n.String(), err)
				}
			}
		}
		return nil
	})
}

func orNothing(s string) string {
	if s == "" {
		return "nothing yet"
	}
	return s
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}
