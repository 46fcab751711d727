// Package cluster is joblab's public API for the kind cluster the lesson
// runs on: create it (or reuse a healthy one of the same name), with images
// that come either from the public registries (online) or from images built
// on this host and served by a local mirror (offline); wait until it can run
// pods; write its kubeconfig; delete it.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	kindcluster "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/yaml"

	"github.com/joblab/joblab"
	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/docker"
	"github.com/joblab/joblab/internal/mirror"
	"github.com/joblab/joblab/internal/nodeimage"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/versions"
)

// DefaultName is the cluster's name unless another is given.
const DefaultName = "joblab"

// Image is an image the cluster must be able to run: Ref as the manifests
// name it, Archive a docker archive that holds it.
type Image struct {
	Ref     string
	Archive string
}

// Options configure Up.
type Options struct {
	// Name of the kind cluster; DefaultName when empty.
	Name string
	// ConfigFile is a kind configuration file; empty means the lesson's
	// (the repository's top-level kind-config.yaml, built into the binary).
	ConfigFile string
	// Kubeconfig is where the cluster's kubeconfig is written; a file in
	// joblab's cache directory when empty.
	Kubeconfig string
	// Mode forces online or offline images; detected when empty.
	Mode Mode
	// CacheDir is where the builds are cached and the kubeconfig is
	// written; joblab/ in the user's cache directory when empty.
	// DebianMirror is the Debian mirror the offline builds use; Debian's
	// when empty. (The command and the suites fill both from their
	// settings: nothing here reads the environment.)
	CacheDir     string
	DebianMirror string
	// Images are more images to make available (the lab images). Offline
	// they are pushed to the mirror; online they are loaded into the nodes.
	// Images of Docker Hub that online clusters pull themselves are listed
	// in OfflineOnly.
	Images []Image
	// OfflineOnly are images needed only where Docker Hub cannot be
	// reached (e.g. busybox, rabbitmq).
	OfflineOnly []Image
	// Out receives progress lines; os.Stdout when nil.
	Out io.Writer
	// LogDir keeps step logs and, on failure, the cluster's logs.
	LogDir string
	// ReadyTimeout bounds each wait for the cluster to become ready.
	ReadyTimeout time.Duration
	// Kubernetes is the release the cluster runs (versions.Releases), as
	// "v1.37.2" or "1.37"; versions.DefaultKubernetes when empty. A release
	// joblab has not verified is refused unless Unverified is set.
	Kubernetes string
	Unverified bool
	// Nodes, when not 0, is how many nodes the cluster has: the control
	// plane and Nodes-1 workers of the configuration's (1: the control
	// plane alone, which then runs the labs' pods).
	Nodes int

	// labImages, when set, builds more images while the cluster's own
	// are built (UpWithLabImages); what it returns is added to Images
	// and OfflineOnly.
	labImages func(ctx context.Context, rep *progress.Reporter, mode Mode) (images, offlineOnly []Image, err error)
}

// Cluster is a running cluster.
type Cluster struct {
	Name       string
	Kubeconfig string
	Mode       Mode
	NodeImage  string
	Reused     bool
	// Kubernetes is the release its nodes run.
	Kubernetes string
	// Nodes is how many nodes it has.
	Nodes int
}

func (o *Options) defaults() {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.Kubeconfig == "" {
		o.Kubeconfig = DefaultKubeconfig(o.CacheDir, o.Name)
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.LogDir == "" {
		o.LogDir = filepath.Join(o.cache().Root(), "logs")
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 5 * time.Minute
	}
}

// CheckDocker makes sure the Docker engine answers, with an error that
// names the fix when it does not; call it before long image builds.
func CheckDocker(ctx context.Context) error { return docker.Check(ctx) }

// cache is where the options' builds are cached.
func (o Options) cache() cache.Config {
	return cache.Config{Dir: o.CacheDir, DebianMirror: o.DebianMirror}
}

// DefaultKubeconfig is where Up writes the kubeconfig of cluster name
// unless told otherwise: in the cache directory cacheDir ("" for the
// default one).
func DefaultKubeconfig(cacheDir, name string) string {
	return filepath.Join(cache.Config{Dir: cacheDir}.Root(), "kubeconfig-"+name)
}

// Up creates the cluster, or reuses a healthy cluster of the same name, and
// returns once its node is Ready and CoreDNS runs.
func Up(ctx context.Context, opts Options) (*Cluster, error) {
	opts.defaults()
	start := time.Now()
	rep := progress.New(opts.Out, opts.LogDir, 0)
	if err := docker.Check(ctx); err != nil {
		return nil, err
	}
	rel, err := ResolveRelease(opts.Kubernetes, opts.Unverified)
	if err != nil {
		return nil, err
	}
	kindCfg, err := loadKindConfig(opts.ConfigFile)
	if err != nil {
		return nil, err
	}
	if err := setNodes(kindCfg, opts.Nodes); err != nil {
		return nil, err
	}
	mode, why, err := ResolveMode(ctx, opts.Mode)
	if err != nil {
		return nil, err
	}
	rep.Printf("==> image mode: %s (%s)", mode, why)
	c := &Cluster{Name: opts.Name, Kubeconfig: opts.Kubeconfig, Mode: mode, Kubernetes: rel.Kubernetes}

	// The images are built side by side (see nodeimage.Build); a failed
	// or interrupted Up stops the builds still running and waits for them.
	ctx, cancel := context.WithCancel(ctx)
	parts, partsCtx := errgroup.WithContext(ctx)
	defer func() { cancel(); _ = parts.Wait() }()
	if opts.labImages != nil {
		parts.Go(func() error {
			images, offlineOnly, err := opts.labImages(partsCtx, rep, mode)
			opts.Images, opts.OfflineOnly = append(opts.Images, images...), append(opts.OfflineOnly, offlineOnly...)
			return err
		})
	}
	if mode == Offline {
		var built *nodeimage.Result
		parts.Go(func() error {
			var err error
			built, err = nodeimage.Build(partsCtx, rep, opts.cache(), rel)
			return err
		})
		parts.Go(func() error { return mirror.Ensure(partsCtx, rep, opts.cache()) })
		if err := parts.Wait(); err != nil {
			return nil, err
		}
		c.NodeImage = built.NodeImage
		toPush := append([]ociimage.Archive(nil), built.Components...)
		for _, img := range append(append([]Image(nil), opts.Images...), opts.OfflineOnly...) {
			toPush = append(toPush, ociimage.Archive{Ref: img.Ref, Path: img.Archive})
		}
		if err := mirror.Push(ctx, rep, toPush); err != nil {
			return nil, err
		}
	} else {
		c.NodeImage = rel.PublishedNodeImage
		// Online the nodes run the published image's patch release.
		if tag, _, ok := strings.Cut(strings.TrimPrefix(rel.PublishedNodeImage, "kindest/node:"), "@"); ok {
			c.Kubernetes = tag
		}
	}
	applyPatches(kindCfg, mode)
	if cgroupV1KubeletPatch(ctx, kindCfg, rel) {
		rep.Printf("==> the Docker host uses cgroup v1: the kubelet of Kubernetes %s is told not to refuse it (failCgroupV1: false, KEP-5573); it runs, with a CgroupV1 warning on each node", rel.Kubernetes)
	}

	provider := kindcluster.NewProvider(kindcluster.ProviderWithDocker(), kindcluster.ProviderWithLogger(kindLogger{rep}))
	reused, err := reuseOrClean(ctx, rep, provider, c, kindCfg)
	if err != nil {
		return nil, err
	}
	if !reused {
		if err := create(ctx, rep, provider, c, kindCfg, opts); err != nil {
			return nil, err
		}
		if installsNetwork(kindCfg) {
			if err := rep.Run("install the pod network (flannel "+versions.Flannel+", host-gw)", func(log io.Writer) error {
				return installNetwork(ctx, c.Kubeconfig, kindCfg.Networking.PodSubnet, log)
			}); err != nil {
				exportLogs(rep, provider, c.Name, opts.LogDir)
				return nil, err
			}
		}
	}
	c.Reused = reused
	c.Nodes = nodeCount(kindCfg)
	if err := rep.Run(fmt.Sprintf("wait for the %s to be Ready and CoreDNS to run", plural(c.Nodes, "node")), func(log io.Writer) error {
		if err := waitReady(ctx, c.Kubeconfig, opts.ReadyTimeout, c.Nodes, log); err != nil {
			return err
		}
		if !installsNetwork(kindCfg) {
			return nil
		}
		client, err := newClient(c.Kubeconfig)
		if err != nil {
			return err
		}
		return waitNetworkReady(ctx, client, opts.ReadyTimeout, log)
	}); err != nil {
		exportLogs(rep, provider, c.Name, opts.LogDir)
		return nil, err
	}
	if mode == Offline && reused && len(opts.Images) > 0 {
		if err := evictStaleImages(ctx, rep, provider, c.Name, opts.Images); err != nil {
			return nil, err
		}
	}
	if err := parts.Wait(); err != nil { // online: the lab images built while the cluster was created
		return nil, err
	}
	if mode == Online && len(opts.Images) > 0 {
		if err := loadIntoNodes(ctx, rep, provider, c.Name, opts.Images); err != nil {
			return nil, err
		}
	}
	verb := "created"
	if reused {
		verb = "reused"
	}
	rep.Printf("==> cluster %q %s in %s (Kubernetes %s, %s, node image %s); kubeconfig: %s", c.Name, verb, progress.Elapsed(start), c.Kubernetes, plural(c.Nodes, "node"), c.NodeImage, c.Kubeconfig)
	return c, nil
}

// Down deletes the cluster opts.Name and its kubeconfig (opts.Kubeconfig,
// by default the one Up writes in opts.CacheDir). The registry mirror is removed too; its volume (the
// pushed images) is kept for the next Up.
func Down(ctx context.Context, opts Options) error {
	opts.defaults()
	name := opts.Name
	rep := progress.New(opts.Out, os.TempDir(), 0)
	if err := docker.Check(ctx); err != nil {
		return err
	}
	provider := kindcluster.NewProvider(kindcluster.ProviderWithDocker(), kindcluster.ProviderWithLogger(kindLogger{rep}))
	if err := provider.Delete(name, opts.Kubeconfig); err != nil {
		return fmt.Errorf("deleting cluster %q: %w", name, err)
	}
	os.Remove(opts.Kubeconfig)
	if err := mirror.Remove(ctx, false); err != nil {
		return err
	}
	rep.Printf("==> cluster %q deleted", name)
	return nil
}

func loadKindConfig(path string) (*v1alpha4.Cluster, error) {
	data := defaultKindConfig
	if path == "" {
		path = "the built-in kind-config.yaml"
	} else {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("reading kind configuration: %w (leave --config out for the lesson's)", err)
		}
	}
	cfg := &v1alpha4.Cluster{}
	if err := yaml.UnmarshalStrict(data, cfg); err != nil {
		return nil, fmt.Errorf("kind configuration %s is not valid: %w", path, err)
	}
	if cfg.Kind != "Cluster" || cfg.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return nil, fmt.Errorf("kind configuration %s must have kind: Cluster and apiVersion: kind.x-k8s.io/v1alpha4", path)
	}
	return cfg, nil
}

// setNodes trims or extends the configuration to n nodes: its first
// control plane and n-1 workers (copies of its first worker, or plain
// workers). n 0 leaves it as it is.
func setNodes(cfg *v1alpha4.Cluster, n int) error {
	if n == 0 {
		return nil
	}
	if n < 0 {
		return fmt.Errorf("--nodes %d: a cluster has at least one node (the control plane)", n)
	}
	var control *v1alpha4.Node
	worker := v1alpha4.Node{Role: v1alpha4.WorkerRole}
	seenWorker := false
	for i := range cfg.Nodes {
		switch {
		case cfg.Nodes[i].Role == v1alpha4.ControlPlaneRole && control == nil:
			control = &cfg.Nodes[i]
		case cfg.Nodes[i].Role == v1alpha4.WorkerRole && !seenWorker:
			worker, seenWorker = cfg.Nodes[i], true
		}
	}
	nodes := []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole}}
	if control != nil {
		nodes[0] = *control
	}
	for range n - 1 {
		nodes = append(nodes, worker)
	}
	cfg.Nodes = nodes
	return nil
}

// nodeCount is how many nodes kind makes of cfg: one without a node list.
func nodeCount(cfg *v1alpha4.Cluster) int { return max(1, len(cfg.Nodes)) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// defaultKindConfig is the lesson's cluster: the repository's top-level
// kind-config.yaml.
var defaultKindConfig = joblab.KindConfig

// ResolveRelease is the Kubernetes release named (the default when
// empty): a verified one, or any known one when unverified is set.
func ResolveRelease(name string, unverified bool) (versions.Release, error) {
	if name == "" {
		name = versions.DefaultKubernetes
	}
	if unverified {
		return versions.Lookup(name)
	}
	return versions.Find(name)
}

// cgroupV1KubeletPatch lets the kubelet of Kubernetes 1.35 and later run
// on a cgroup v1 Docker host, where it refuses to start by default
// (failCgroupV1, true since 1.35): it adds a KubeletConfiguration patch
// with failCgroupV1: false, and tells whether it did. A cgroup v2 host, or
// a release before 1.35, is left as it is.
func cgroupV1KubeletPatch(ctx context.Context, cfg *v1alpha4.Cluster, rel versions.Release) bool {
	if !needsCgroupV1Patch(rel, docker.CgroupVersion(ctx)) {
		return false
	}
	cfg.KubeadmConfigPatches = append(cfg.KubeadmConfigPatches, kubeletCgroupV1Patch)
	return true
}

// needsCgroupV1Patch tells whether the kubelet of rel refuses a host of
// cgroup version hostCgroup ("1", "2", or "" when unknown, taken as 2) by
// default: KubeletConfiguration.failCgroupV1 is true from 1.35 on.
func needsCgroupV1Patch(rel versions.Release, hostCgroup string) bool {
	return rel.Minor() >= 35 && hostCgroup == "1"
}

// kubeletCgroupV1Patch is the kubeadm patch cgroupV1KubeletPatch adds:
// kubeadm init writes it into the kubelet-config ConfigMap that the
// joining nodes read too.
const kubeletCgroupV1Patch = `kind: KubeletConfiguration
failCgroupV1: false
`

// applyPatches adds the containerd settings this host and mode need:
// the registry mirror offline, and no negative oom_score_adj where the host
// lacks CAP_SYS_RESOURCE.
func applyPatches(cfg *v1alpha4.Cluster, mode Mode) {
	if mode == Offline {
		cfg.ContainerdConfigPatches = append(cfg.ContainerdConfigPatches, mirror.ContainerdPatch())
	}
	if hostLacksSysResource() {
		cfg.ContainerdConfigPatches = append(cfg.ContainerdConfigPatches,
			"[plugins.\"io.containerd.grpc.v1.cri\"]\n  restrict_oom_score_adj = true\n")
	}
}

func create(ctx context.Context, rep *progress.Reporter, provider *kindcluster.Provider, c *Cluster, cfg *v1alpha4.Cluster, opts Options) error {
	if err := os.MkdirAll(filepath.Dir(c.Kubeconfig), 0o755); err != nil {
		return err
	}
	err := rep.Run(fmt.Sprintf("create kind cluster %q", c.Name), func(log io.Writer) error {
		done := make(chan error, 1)
		createOpts := []kindcluster.CreateOption{
			kindcluster.CreateWithV1Alpha4Config(cfg),
			kindcluster.CreateWithNodeImage(c.NodeImage),
			kindcluster.CreateWithRetain(true),
			kindcluster.CreateWithKubeconfigPath(c.Kubeconfig),
			kindcluster.CreateWithDisplayUsage(false),
			kindcluster.CreateWithDisplaySalutation(false),
		}
		// Without kind's CNI the nodes become Ready only once joblab has
		// installed the pod network: kind must not wait for them.
		if !installsNetwork(cfg) {
			createOpts = append(createOpts, kindcluster.CreateWithWaitForReady(opts.ReadyTimeout))
		}
		go func() { done <- provider.Create(c.Name, createOpts...) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return fmt.Errorf("interrupted: %w", ctx.Err())
		}
	})
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.Canceled) {
		exportLogs(rep, provider, c.Name, opts.LogDir)
	}
	rep.Printf("==> removing the partly created cluster %q", c.Name)
	if derr := provider.Delete(c.Name, c.Kubeconfig); derr != nil {
		rep.Printf("    could not remove it: %v (run: make cluster-delete)", derr)
	}
	return err
}

func exportLogs(rep *progress.Reporter, provider *kindcluster.Provider, name, logDir string) {
	dir := filepath.Join(logDir, "kind-logs-"+time.Now().Format("20060102-150405"))
	if err := provider.CollectLogs(name, dir); err != nil {
		rep.Printf("    could not export the cluster's logs: %v", err)
		return
	}
	rep.Printf("    cluster logs exported to %s", dir)
}
