package nodeimage

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/rootfs"
	"github.com/joblab/joblab/internal/versions"
)

// kubernetesBinaries builds the Kubernetes commands, unless cached.
func (b *builder) kubernetesBinaries(ctx context.Context) error {
	if b.kubernetes.complete() {
		b.rep.Printf("==> Kubernetes %s binaries: cached", b.rel.Kubernetes)
		return nil
	}
	return b.rep.Run("Kubernetes "+b.rel.Kubernetes+" binaries (go build from the module proxy)", func(log io.Writer) error {
		return b.buildKubernetes(ctx, log)
	})
}

// rootfs makes the node's root file system tar, unless cached.
func (b *builder) rootfs(ctx context.Context, tar, kindVersion string) error {
	if _, err := os.Stat(tar); err == nil {
		b.rep.Printf("==> node root file system: cached (%s)", filepath.Base(tar))
		return nil
	}
	return b.rep.Run("node root file system (debootstrap "+versions.DebianSuite+")", func(log io.Writer) error {
		files, err := kindBaseFiles(ctx, kindVersion)
		if err != nil {
			return err
		}
		return rootfs.Build(ctx, rootfs.Spec{Suite: versions.DebianSuite, Mirror: b.mirror, Packages: nodePackages, Customize: customizeNode(files)}, tar, log)
	})
}

// programs builds the other programs of the cluster, unless cached: etcd
// and CoreDNS at the releases kubeadm is expected to list, crictl, flanneld
// and pause.
func (b *builder) programs(ctx context.Context) error {
	sets := []binarySet{b.etcdSet(b.rel.Etcd), b.corednsSet(b.rel.CoreDNS), b.crictlSet(), b.flannelSet(), b.pauseSet()}
	missing := false
	for _, s := range sets {
		missing = missing || !s.complete()
	}
	if !missing {
		b.rep.Printf("==> etcd, CoreDNS, crictl, flanneld, pause: cached")
		return nil
	}
	return b.rep.Run(fmt.Sprintf("etcd %s, CoreDNS %s, crictl %s, flanneld %s, pause (go build from the module proxy)", b.rel.Etcd, b.rel.CoreDNS, b.rel.CRITools, versions.Flannel), func(log io.Writer) error {
		for _, build := range []func(context.Context, io.Writer) (binarySet, error){
			func(ctx context.Context, log io.Writer) (binarySet, error) { return b.etcd(ctx, log, b.rel.Etcd) },
			func(ctx context.Context, log io.Writer) (binarySet, error) {
				return b.coredns(ctx, log, b.rel.CoreDNS)
			},
			b.crictl, b.flanneld, b.pause,
		} {
			if _, err := build(ctx, log); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *builder) binDir(name string) binarySet { return binarySet{filepath.Join(b.dir, "bin", name)} }

func (b *builder) etcdSet(version string) binarySet { return b.binDir("etcd-" + version) }
func (b *builder) corednsSet(version string) binarySet {
	return b.binDir("coredns-" + version + "-" + corednsPluginsTag())
}
func (b *builder) crictlSet() binarySet  { return b.binDir("crictl-" + b.rel.CRITools) }
func (b *builder) flannelSet() binarySet { return b.binDir("flannel-" + versions.Flannel) }
func (b *builder) pauseSet() binarySet   { return b.binDir("pause-" + recipe) }

func (b *builder) etcd(ctx context.Context, log io.Writer, version string) (binarySet, error) {
	set := b.etcdSet(version)
	return set, b.buildSingle(ctx, log, set, gobuild.Module{Path: "go.etcd.io/etcd/server/v3", Version: version, Go: b.rel.Go}, "go.etcd.io/etcd/server/v3", "etcd")
}

// corednsPlugins are the CoreDNS plugins linked in: those of the Corefile
// kubeadm writes (errors, health, ready, kubernetes, prometheus, forward,
// cache, loop, reload, loadbalance) and a few a student may add while
// debugging (log, hosts, rewrite, bind). The published build links every
// plugin, with the cloud providers' SDKs, which doubles the compile.
var corednsPlugins = []string{"bind", "cache", "errors", "forward", "health", "hosts", "kubernetes", "loadbalance", "log", "loop", "metrics", "ready", "reload", "rewrite"}

func corednsPluginsTag() string { return fmt.Sprint(len(corednsPlugins)) + "plugins" }

// corednsMain is the main package of a CoreDNS with only corednsPlugins:
// plugins register themselves when imported, and CoreDNS's directive
// order already knows every name.
func corednsMain() string {
	var b strings.Builder
	b.WriteString("// Command coredns is CoreDNS with the plugins a kind cluster's Corefile uses.\npackage main\n\nimport (\n")
	for _, p := range corednsPlugins {
		fmt.Fprintf(&b, "\t_ %q\n", "github.com/coredns/coredns/plugin/"+p)
	}
	b.WriteString("\n\t\"github.com/coredns/coredns/coremain\"\n)\n\nfunc main() { coremain.Run() }\n")
	return b.String()
}

func (b *builder) coredns(ctx context.Context, log io.Writer, version string) (binarySet, error) {
	set := b.corednsSet(version)
	return set, set.build(func() error {
		return gobuild.Build(ctx, b.goWork, gobuild.Module{Path: "github.com/coredns/coredns", Version: version},
			[]gobuild.Command{{Package: "coredns", Main: corednsMain(), Output: set.path("coredns")}}, log)
	})
}

func (b *builder) crictl(ctx context.Context, log io.Writer) (binarySet, error) {
	set := b.crictlSet()
	return set, b.buildSingle(ctx, log, set, gobuild.Module{Path: "sigs.k8s.io/cri-tools", Version: b.rel.CRITools}, "sigs.k8s.io/cri-tools/cmd/crictl", "crictl")
}

// flanneld is built with cgo, which its udp backend needs, linked
// statically.
func (b *builder) flanneld(ctx context.Context, log io.Writer) (binarySet, error) {
	set := b.flannelSet()
	return set, set.build(func() error {
		return gobuild.Build(ctx, b.goWork, gobuild.Module{Path: "github.com/flannel-io/flannel", Version: versions.Flannel},
			[]gobuild.Command{{Package: "github.com/flannel-io/flannel", Output: set.path("flanneld"), Cgo: true,
				LDFlags: "-X github.com/flannel-io/flannel/pkg/version.Version=" + versions.Flannel}}, log)
	})
}

func (b *builder) pause(ctx context.Context, log io.Writer) (binarySet, error) {
	set := b.pauseSet()
	return set, b.buildPause(ctx, log, set)
}
