package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"text/template"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	watchtools "k8s.io/client-go/tools/watch"
	"sigs.k8s.io/e2e-framework/klient/decoder"
	"sigs.k8s.io/e2e-framework/klient/k8s/resources"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/internal/versions"
)

// flannelManifest is the pod network joblab installs: flannel, host-gw.
//
//go:embed flannel.yaml
var flannelManifest string

// NetworkNamespace and NetworkDaemonSet name the pod network's DaemonSet.
const (
	NetworkNamespace = "kube-flannel"
	NetworkDaemonSet = "flannel"
)

// defaultPodSubnet is kind's pod subnet when the configuration names none.
const defaultPodSubnet = "10.244.0.0/16"

// renderNetwork fills the flannel manifest in for a pod subnet.
func renderNetwork(podSubnet string) (string, error) {
	if podSubnet == "" {
		podSubnet = defaultPodSubnet
	}
	tmpl, err := template.New("flannel.yaml").Option("missingkey=error").Parse(flannelManifest)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	err = tmpl.Execute(&b, map[string]string{"PodSubnet": podSubnet, "Image": versions.FlannelImage, "Digest": networkDigest()})
	return b.String(), err
}

// networkDigestAnnotation, on the DaemonSet, records which manifest
// joblab installed.
const networkDigestAnnotation = "joblab.io/network-digest"

// networkDigest identifies the manifest and image this joblab installs.
func networkDigest() string {
	sum := sha256.Sum256([]byte(flannelManifest + "\x00" + versions.FlannelImage))
	return hex.EncodeToString(sum[:6])
}

// installsNetwork tells whether joblab installs the pod network of a
// cluster of this configuration: kind's default CNI is turned off.
func installsNetwork(cfg *v1alpha4.Cluster) bool { return cfg.Networking.DisableDefaultCNI }

// installNetwork creates the pod network's objects (those already there
// are left as they are).
func installNetwork(ctx context.Context, kubeconfig, podSubnet string, log io.Writer) error {
	manifest, err := renderNetwork(podSubnet)
	if err != nil {
		return fmt.Errorf("the pod network's manifest: %w", err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading kubeconfig %s: %w", kubeconfig, err)
	}
	res, err := resources.New(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "creating flannel %s (image %s, pod subnet %s)\n", versions.Flannel, versions.FlannelImage, orDefault(podSubnet, defaultPodSubnet))
	if err := decoder.DecodeEach(ctx, bytes.NewBufferString(manifest), decoder.CreateIgnoreAlreadyExists(res)); err != nil {
		return fmt.Errorf("creating the pod network (flannel): %w", err)
	}
	return nil
}

// networkProblem says why a cluster's pod network is not joblab's, or "".
func networkProblem(ctx context.Context, kubeconfig string) string {
	client, err := newClient(kubeconfig)
	if err != nil {
		return err.Error()
	}
	var ds *appsv1.DaemonSet
	ds, err = client.AppsV1().DaemonSets(NetworkNamespace).Get(ctx, NetworkDaemonSet, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "it has no flannel pod network (an older joblab made it)"
	}
	if err != nil {
		return "cannot read the pod network: " + firstLine(err.Error())
	}
	if ds.DeletionTimestamp != nil {
		return "its pod network is being deleted"
	}
	if got := ds.Annotations[networkDigestAnnotation]; got != networkDigest() {
		return fmt.Sprintf("its pod network (%s %q) is not the one this joblab installs (%q)", networkDigestAnnotation, got, networkDigest())
	}
	// A pod of the network that is not ready yet (a node just back) is
	// waited for (waitNetworkReady), not a reason to make the cluster anew.
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// waitNetworkReady watches the pod network's DaemonSet until its pod runs
// ready on every node.
func waitNetworkReady(ctx context.Context, client kubernetes.Interface, timeout time.Duration, log io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", NetworkDaemonSet).String()
	ds := client.AppsV1().DaemonSets(NetworkNamespace)
	lw := kube.ListWatch(ds.List, ds.Watch, kube.ByFields(sel))
	last := "nothing yet"
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.DaemonSet{}, nil, func(ev watch.Event) (bool, error) {
		d, ok := ev.Object.(*appsv1.DaemonSet)
		if !ok {
			return false, nil
		}
		st := d.Status
		last = fmt.Sprintf("flannel ready on %d of %d nodes", st.NumberReady, st.DesiredNumberScheduled)
		fmt.Fprintln(log, last)
		return st.ObservedGeneration >= d.Generation && st.DesiredNumberScheduled > 0 && st.NumberReady == st.DesiredNumberScheduled, nil
	})
	if err != nil {
		return fmt.Errorf("waiting %s for the pod network (DaemonSet %s/%s) to be ready on every node: %w (last seen: %s)", timeout, NetworkNamespace, NetworkDaemonSet, err, last)
	}
	return nil
}
