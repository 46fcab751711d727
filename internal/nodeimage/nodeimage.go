// Package nodeimage builds a kind node image and the control-plane images it
// runs, for one pinned Kubernetes version, from the Go module proxy and
// Debian packages only: no base image and no registry are needed. Every
// part is cached under a content-derived tag, so a second build with the
// same inputs takes seconds.
package nodeimage

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/versions"
)

// recipe changes whenever the way the images are put together changes, so
// that a changed recipe never reuses an image built by the old one.
const recipe = "nodeimage-1"

// Result is what Build produced.
type Result struct {
	// NodeImage is the node image's reference in the Docker engine.
	NodeImage string
	// Components are the control-plane images the node pulls (from the
	// local mirror) when the cluster starts.
	Components []ociimage.Archive
}

type builder struct {
	rel        versions.Release
	dir        string
	mirror     string
	goWork     string
	kubernetes binarySet
	rep        *progress.Reporter
}

// Build builds (or finds in the cache) the node image and its component
// images of Kubernetes release rel. The node image is loaded into the
// Docker engine. Each release's parts are cached side by side, in c.
func Build(ctx context.Context, rep *progress.Reporter, c cache.Config, rel versions.Release) (*Result, error) {
	dir := filepath.Join(c.Root(), "nodeimage")
	b := &builder{
		rel:        rel,
		dir:        dir,
		mirror:     c.DebianMirror,
		goWork:     filepath.Join(dir, "gowork"),
		kubernetes: binarySet{filepath.Join(dir, "bin", "kubernetes-"+rel.Kubernetes)},
		rep:        rep,
	}
	for _, d := range []string{dir, filepath.Join(dir, "images"), filepath.Join(dir, "rootfs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating cache directory %s: %w", d, err)
		}
		cache.RemoveStale(d)
	}
	return b.build(ctx)
}

func (b *builder) build(ctx context.Context) (*Result, error) {
	kindVersion, err := cache.ModuleVersion("sigs.k8s.io/kind")
	if err != nil {
		return nil, err
	}
	rootfsTag := cache.Tag(recipe, versions.DebianSuite, strings.Join(nodePackages, ","), kindVersion)
	nodeTag := cache.Tag(recipe, rootfsTag, b.rel.Kubernetes, b.rel.CRITools, nodeNetwork)
	nodeRef := fmt.Sprintf("joblab/node:%s-%s", b.rel.Kubernetes, nodeTag)
	res := &Result{NodeImage: nodeRef}

	rootfsTar := filepath.Join(b.dir, "rootfs", "node-"+rootfsTag+".tar")

	// The parts that take minutes are made side by side: the compiles
	// keep both cores busy while debootstrap waits on the network and the
	// disk, and one compile's downloads and links overlap the other's.
	parts, partsCtx := errgroup.WithContext(ctx)
	parts.Go(func() error { return b.kubernetesBinaries(partsCtx) })
	parts.Go(func() error { return b.rootfs(partsCtx, rootfsTar, kindVersion) })
	parts.Go(func() error { return b.programs(partsCtx) })
	if err := parts.Wait(); err != nil {
		return nil, err
	}
	images, err := b.kubeadmImages(ctx)
	if err != nil {
		return nil, err
	}
	rootLayer, err := ociimage.LayerFromTar(rootfsTar)
	if err != nil {
		return nil, err
	}

	for _, ref := range append(images, "registry.k8s.io/pause:"+versions.KindSandboxPause) {
		a, err := b.component(ctx, ref, rootLayer)
		if err != nil {
			return nil, err
		}
		res.Components = append(res.Components, a)
	}

	flannel, err := b.flannelImage(ctx, rootLayer)
	if err != nil {
		return nil, err
	}
	res.Components = append(res.Components, flannel)

	if err := b.nodeImage(ctx, nodeRef, rootLayer); err != nil {
		return nil, err
	}
	return res, nil
}

// component builds the image ref names, from the binary that kubeadm's
// image list names.
func (b *builder) component(ctx context.Context, ref string, rootLayer v1.Layer) (ociimage.Archive, error) {
	nameTag := ref[strings.LastIndex(ref, "/")+1:]
	name, tag, _ := strings.Cut(nameTag, ":")
	archive := ociimage.Archive{Ref: ref, Path: filepath.Join(b.dir, "images", cache.Tag(recipe, ref, b.rel.Kubernetes)+"-"+name+".tar")}
	if _, err := os.Stat(archive.Path); err == nil {
		b.rep.Printf("==> image %s: cached", ref)
		return archive, nil
	}
	err := b.rep.Run("image "+ref, func(log io.Writer) error {
		var bin, inImage string
		cfg := ociimage.Config{Labels: map[string]string{"org.opencontainers.image.title": ref}}
		var layers []v1.Layer
		switch name {
		case "kube-apiserver", "kube-controller-manager", "kube-scheduler":
			bin, inImage = b.kubernetes.path(name), "/usr/local/bin/"+name
		case "kube-proxy":
			// kube-proxy runs iptables: it gets the node's user space.
			bin, inImage = b.kubernetes.path(name), "/usr/local/bin/"+name
			layers = append(layers, rootLayer)
		case "etcd":
			set, err := b.etcd(ctx, log, "v"+strings.SplitN(tag, "-", 2)[0])
			if err != nil {
				return err
			}
			bin, inImage = set.path("etcd"), "/usr/local/bin/etcd"
		case "coredns":
			set, err := b.coredns(ctx, log, tag)
			if err != nil {
				return err
			}
			bin, inImage = set.path("coredns"), "/coredns"
			cfg.Entrypoint = []string{"/coredns"}
		case "pause":
			set, err := b.pause(ctx, log)
			if err != nil {
				return err
			}
			bin, inImage = set.path("pause"), "/pause"
			cfg.Entrypoint = []string{"/pause"}
		default:
			return fmt.Errorf("kubeadm lists image %s, which joblab does not know how to build: update internal/nodeimage", ref)
		}
		binLayer, err := ociimage.LayerFromFiles([]ociimage.File{{Path: inImage, Source: bin, Mode: 0o755}})
		if err != nil {
			return err
		}
		img, err := ociimage.Build(append(layers, binLayer), cfg)
		if err != nil {
			return err
		}
		return ociimage.WriteArchive(archive.Path, ref, img)
	})
	return archive, err
}

func (b *builder) nodeImage(ctx context.Context, ref string, rootLayer v1.Layer) error {
	if dockerHasImage(ctx, ref) {
		b.rep.Printf("==> node image %s: cached", ref)
		return nil
	}
	return b.rep.Run("node image "+ref, func(log io.Writer) error {
		crictl, err := b.crictl(ctx, log)
		if err != nil {
			return err
		}
		files := []ociimage.File{
			{Path: "/usr/bin/kubelet", Source: b.kubernetes.path("kubelet"), Mode: 0o755},
			{Path: "/usr/bin/kubeadm", Source: b.kubernetes.path("kubeadm"), Mode: 0o755},
			{Path: "/usr/bin/kubectl", Source: b.kubernetes.path("kubectl"), Mode: 0o755},
			{Path: "/usr/local/bin/crictl", Source: crictl.path("crictl"), Mode: 0o755},
			{Path: "/kind/version", Data: []byte(b.rel.Kubernetes + "\n")},
			{Path: "/kind/manifests/default-cni.yaml", Data: []byte(defaultCNIManifest)},
			{Path: "/kind/manifests/default-storage.yaml", Data: []byte(defaultStorageManifest)},
		}
		layer, err := ociimage.LayerFromFiles(files)
		if err != nil {
			return err
		}
		img, err := ociimage.Build([]v1.Layer{rootLayer, layer}, ociimage.Config{
			Entrypoint: []string{"/usr/local/bin/entrypoint", "/sbin/init"},
			Env:        []string{"container=docker", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
			StopSignal: "SIGRTMIN+3",
			Labels:     map[string]string{"io.joblab.kubernetes-version": b.rel.Kubernetes},
		})
		if err != nil {
			return err
		}
		archive := filepath.Join(b.dir, "images", "node.tar")
		defer os.Remove(archive)
		fmt.Fprintf(log, "writing %s\n", archive)
		if err := ociimage.WriteArchive(archive, ref, img); err != nil {
			return err
		}
		fmt.Fprintf(log, "docker load %s\n", archive)
		return ociimage.LoadIntoDocker(ctx, archive)
	})
}

func dockerHasImage(ctx context.Context, ref string) bool {
	return exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Id}}", ref).Run() == nil
}
