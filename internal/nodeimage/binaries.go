package nodeimage

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/joblab/joblab/internal/gobuild"
)

// kubernetesCommands are the commands built from k8s.io/kubernetes.
var kubernetesCommands = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet", "kubeadm", "kubectl"}

// binarySet is a directory of built binaries that is complete once its
// marker file exists.
type binarySet struct{ dir string }

func (b binarySet) path(name string) string { return filepath.Join(b.dir, name) }
func (b binarySet) complete() bool {
	_, err := os.Stat(filepath.Join(b.dir, ".complete"))
	return err == nil
}
func (b binarySet) markComplete() error {
	return os.WriteFile(filepath.Join(b.dir, ".complete"), nil, 0o644)
}

// build runs fn unless the set is already complete, then marks it complete.
func (b binarySet) build(fn func() error) error {
	if b.complete() {
		return nil
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return b.markComplete()
}

func kubernetesLDFlags(version string) string {
	major, minor := "1", ""
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	var flags []string
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags = append(flags,
			"-X "+pkg+".gitVersion="+version,
			"-X "+pkg+".gitMajor="+major,
			"-X "+pkg+".gitMinor="+minor,
			"-X "+pkg+".gitTreeState=clean",
			"-X "+pkg+".buildDate=1970-01-01T00:00:00Z",
		)
	}
	return strings.Join(flags, " ")
}

func (b *builder) buildKubernetes(ctx context.Context, log io.Writer) error {
	return b.kubernetes.build(func() error {
		replaces, err := gobuild.LocalReplaces(ctx, "k8s.io/kubernetes", b.rel.Kubernetes, b.rel.Staging)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "replacing %d staging modules with their %s releases\n", len(replaces), b.rel.Staging)
		var cmds []gobuild.Command
		for _, c := range kubernetesCommands {
			cmds = append(cmds, gobuild.Command{Package: "k8s.io/kubernetes/cmd/" + c, Output: b.kubernetes.path(c), LDFlags: kubernetesLDFlags(b.rel.Kubernetes)})
		}
		return gobuild.Build(ctx, b.goWork, gobuild.Module{Path: "k8s.io/kubernetes", Version: b.rel.Kubernetes, Replace: replaces, Go: b.rel.Go}, cmds, log)
	})
}

// kubeadmImages asks the built kubeadm which images the control plane of
// this Kubernetes version needs.
func (b *builder) kubeadmImages(ctx context.Context) ([]string, error) {
	out, err := exec.CommandContext(ctx, b.kubernetes.path("kubeadm"), "config", "images", "list", "--kubernetes-version", b.rel.Kubernetes).Output()
	if err != nil {
		return nil, fmt.Errorf("kubeadm config images list: %w", err)
	}
	return strings.Fields(string(out)), nil
}

func (b *builder) buildSingle(ctx context.Context, log io.Writer, set binarySet, mod gobuild.Module, pkg, binary string) error {
	return set.build(func() error {
		return gobuild.Build(ctx, b.goWork, mod, []gobuild.Command{{Package: pkg, Output: set.path(binary)}}, log)
	})
}

// buildPause builds the pause program of this repository.
func (b *builder) buildPause(ctx context.Context, log io.Writer, set binarySet) error {
	return set.build(func() error {
		return gobuild.Local(ctx, "./internal/nodeimage/pause", set.path("pause"), log)
	})
}
