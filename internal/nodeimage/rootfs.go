package nodeimage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/joblab/joblab/internal/rootfs"
)

// nodePackages are the Debian packages of the node's root file system: what
// kind's base image installs, plus containerd, runc and the CNI plugins that
// kind would otherwise build from source.
var nodePackages = []string{
	"systemd", "systemd-sysv", "dbus", "containerd", "runc", "iptables", "nftables", "iproute2",
	"conntrack", "ethtool", "socat", "ebtables", "kmod", "util-linux", "mount", "procps",
	"ca-certificates", "containernetworking-plugins", "libseccomp2", "pigz", "bash", "jq", "e2fsprogs",
}

// kindBaseFiles returns the directory of kind's base-image files
// (images/base/files) in the sigs.k8s.io/kind module of the given version,
// downloaded through the Go module proxy.
func kindBaseFiles(ctx context.Context, version string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", "sigs.k8s.io/kind@"+version).Output()
	if err != nil {
		return "", fmt.Errorf("downloading sigs.k8s.io/kind@%s: %w (is the Go module proxy reachable?)", version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", err
	}
	if info.Error != "" {
		return "", fmt.Errorf("downloading sigs.k8s.io/kind@%s: %s", version, info.Error)
	}
	dir := filepath.Join(info.Dir, "images", "base", "files")
	if _, err := os.Stat(filepath.Join(dir, "usr", "local", "bin", "entrypoint")); err != nil {
		return "", fmt.Errorf("sigs.k8s.io/kind@%s has no images/base/files/usr/local/bin/entrypoint: this kind version is not supported", version)
	}
	return dir, nil
}

// customizeNode turns a debootstrapped Debian into kind's base image, as
// kind's images/base/Dockerfile does.
func customizeNode(kindFiles string) func(ctx context.Context, dir string, log io.Writer) error {
	return func(ctx context.Context, dir string, log io.Writer) error {
		if err := copyKindFiles(kindFiles, dir); err != nil {
			return fmt.Errorf("copying kind's base files: %w", err)
		}
		for _, pattern := range []string{
			"lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service",
			"lib/systemd/system/multi-user.target.wants/*",
			"etc/systemd/system/*.wants/*",
			"lib/systemd/system/local-fs.target.wants/*",
			"lib/systemd/system/sockets.target.wants/*udev*",
			"lib/systemd/system/sockets.target.wants/*initctl*",
			"lib/systemd/system/basic.target.wants/*",
		} {
			matches, _ := filepath.Glob(filepath.Join(dir, pattern))
			for _, m := range matches {
				if err := os.RemoveAll(m); err != nil {
					return err
				}
			}
		}
		if err := appendFile(filepath.Join(dir, "etc/systemd/journald.conf"), "ReadKMsg=no\n"); err != nil {
			return err
		}
		// Debian's containerd, runc and CNI plugins live where Debian puts
		// them; kind's units and configuration expect kind's own paths.
		links := map[string]string{
			"usr/local/bin/containerd":              "/usr/bin/containerd",
			"usr/local/bin/ctr":                     "/usr/bin/ctr",
			"usr/local/bin/containerd-shim-runc-v2": "/usr/bin/containerd-shim-runc-v2",
			"usr/local/sbin/runc":                   "/usr/sbin/runc",
			"opt/cni/bin":                           "/usr/lib/cni",
		}
		for link, target := range links {
			if err := symlink(target, filepath.Join(dir, link)); err != nil {
				return err
			}
		}
		if _, err := os.Lstat(filepath.Join(dir, "sbin/init")); os.IsNotExist(err) {
			if err := symlink("/usr/lib/systemd/systemd", filepath.Join(dir, "sbin/init")); err != nil {
				return err
			}
		}
		for _, unit := range []string{"kubelet.service", "containerd.service", "undo-mount-hacks.service"} {
			if err := rootfs.Chroot(ctx, log, dir, "systemctl", "enable", unit); err != nil {
				return err
			}
		}
		if err := rootfs.Chroot(ctx, log, dir, "systemctl", "mask", "systemd-binfmt.service"); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, "etc/kubernetes/manifests"), 0o755); err != nil {
			return err
		}
		return writeCRIBaseSpec(ctx, dir)
	}
}

// writeCRIBaseSpec writes /etc/containerd/cri-base.json: containerd's
// default OCI spec, with kind's product-files hook and without rlimits.
func writeCRIBaseSpec(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "chroot", dir, "ctr", "oci", "spec").Output()
	if err != nil {
		return fmt.Errorf("ctr oci spec: %w", err)
	}
	spec, err := criBaseSpec(out)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "etc/containerd/cri-base.json"), spec, 0o644)
}

func criBaseSpec(defaultSpec []byte) ([]byte, error) {
	var spec map[string]any
	if err := json.Unmarshal(defaultSpec, &spec); err != nil {
		return nil, fmt.Errorf("reading containerd's default spec: %w", err)
	}
	hooks, _ := spec["hooks"].(map[string]any)
	if hooks == nil {
		hooks = map[string]any{}
	}
	create, _ := hooks["createContainer"].([]any)
	hooks["createContainer"] = append(create, map[string]any{"path": "/kind/bin/mount-product-files.sh"})
	spec["hooks"] = hooks
	if proc, ok := spec["process"].(map[string]any); ok {
		delete(proc, "rlimits")
	}
	return json.MarshalIndent(spec, "", "  ")
}

func copyKindFiles(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(rel, "usr/local/bin/") || strings.HasPrefix(rel, "kind/bin/") {
			mode = 0o755
		}
		return os.WriteFile(target, data, mode)
	})
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(text)
	return err
}

func symlink(target, link string) error {
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return err
	}
	os.Remove(link)
	return os.Symlink(target, link)
}
