// Package rootfs makes Debian root file systems with debootstrap, the only
// source of an operating system user space on a host that cannot pull a base
// image, and packs them as image layers.
package rootfs

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Spec describes a root file system.
type Spec struct {
	// Suite is the Debian release, e.g. bookworm.
	Suite string
	// Packages are installed on top of the minbase variant.
	Packages []string
	// Mirror is the Debian mirror (cache.Config.DebianMirror); empty means
	// deb.debian.org.
	Mirror string
	// Customize runs after debootstrap with the root file system's
	// directory, to add and change files before it is packed.
	Customize func(ctx context.Context, dir string, log io.Writer) error
}

// Build runs debootstrap into a scratch directory next to out, customizes
// the result and packs it as the tar file out. out appears only when the
// whole build succeeded.
func Build(ctx context.Context, spec Spec, out string, log io.Writer) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("building a root file system needs root (debootstrap): run as root, or run tools/prepare-host.sh and use sudo")
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return fmt.Errorf("debootstrap is not installed: run tools/prepare-host.sh (or apt-get install debootstrap)")
	}
	dir := out + ".partial.d"
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mirror := spec.Mirror
	if mirror == "" {
		mirror = "http://deb.debian.org/debian"
	}
	args := []string{"--variant=minbase"}
	if len(spec.Packages) > 0 {
		args = append(args, "--include="+strings.Join(spec.Packages, ","))
	}
	args = append(args, spec.Suite, dir, mirror)
	if err := Run(ctx, log, "debootstrap", args...); err != nil {
		return fmt.Errorf("debootstrap %s from %s failed (is the Debian mirror reachable? is the disk full? see the log): %w", spec.Suite, mirror, err)
	}
	for _, junk := range []string{"var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/locale"} {
		if err := emptyDir(filepath.Join(dir, junk)); err != nil {
			return err
		}
	}
	if spec.Customize != nil {
		if err := spec.Customize(ctx, dir, log); err != nil {
			return fmt.Errorf("customizing the root file system: %w", err)
		}
	}
	tmp := out + ".partial"
	if err := Run(ctx, log, "tar", "--numeric-owner", "--xattrs", "-C", dir,
		"--exclude=./dev/*", "--exclude=./proc/*", "--exclude=./sys/*", "--exclude=./run/*", "--exclude=./tmp/*",
		"-cf", tmp, "."); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("packing the root file system (is the disk full?): %w", err)
	}
	return os.Rename(tmp, out)
}

// Chroot runs a command inside the root file system at dir.
func Chroot(ctx context.Context, log io.Writer, dir string, args ...string) error {
	return Run(ctx, log, "chroot", append([]string{dir}, args...)...)
}

// Run runs a command with its output going to log.
func Run(ctx context.Context, log io.Writer, name string, args ...string) error {
	fmt.Fprintf(log, "$ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
