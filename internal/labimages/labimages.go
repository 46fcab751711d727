// Package labimages builds the images the lesson's labs run, without pulling
// any base image: busybox from Debian's busybox-static, and (in later
// steps) RabbitMQ and the lab programs. Each image is kept as a docker
// archive under a content-derived name, so an unchanged image is not built
// again.
package labimages

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

const recipe = "labimages-1"

// Set is every image built for the labs.
type Set struct {
	// Offline are Docker Hub images that a cluster with internet pulls
	// itself (busybox, rabbitmq).
	Offline []ociimage.Archive
	// Lab are the images of this project's lab programs.
	Lab []ociimage.Archive
}

// dir is where the archives are kept.
func dir(c cache.Config) string { return filepath.Join(c.Root(), "labimages") }

// cached returns the archive for tag, building it with build when it is not
// in the cache yet.
func cached(c cache.Config, rep *progress.Reporter, what, tag, ref string, build func(log io.Writer) (v1.Image, error)) (string, error) {
	path := filepath.Join(dir(c), tag+".tar")
	if _, err := os.Stat(path); err == nil {
		rep.Printf("==> image %s: cached", what)
		return path, nil
	}
	err := rep.Run("image "+what, func(log io.Writer) error {
		img, err := build(log)
		if err != nil {
			return err
		}
		return ociimage.WriteArchive(path, ref, img)
	})
	return path, err
}

// Busybox builds busybox from this host's Debian busybox-static, with a
// link for every applet as the published image has. It is served as
// busybox:latest and busybox:1, the tags the lesson's manifests use.
func Busybox(ctx context.Context, rep *progress.Reporter, c cache.Config) ([]ociimage.Archive, error) {
	const bin = "/bin/busybox"
	if !isStatic(bin) {
		return nil, fmt.Errorf("busybox-static (Debian) is not installed: run tools/prepare-host.sh (or apt-get install busybox-static)")
	}
	sum, err := fileSHA256(bin)
	if err != nil {
		return nil, err
	}
	const ref = "busybox:latest"
	path, err := cached(c, rep, "busybox (Debian busybox-static)", "busybox-"+cache.Tag(recipe, sum), ref, func(log io.Writer) (v1.Image, error) {
		out, err := exec.CommandContext(ctx, bin, "--list-full").Output()
		if err != nil {
			return nil, fmt.Errorf("busybox --list-full: %w", err)
		}
		files := []ociimage.File{{Path: "/bin/busybox", Source: bin, Mode: 0o755}, {Path: "/tmp", Dir: true, Mode: 0o1777}}
		for _, applet := range strings.Fields(string(out)) {
			if applet == "bin/busybox" {
				continue
			}
			files = append(files, ociimage.File{Path: "/" + applet, Link: "/bin/busybox"})
		}
		fmt.Fprintf(log, "%d applets linked\n", len(files)-2)
		layer, err := ociimage.LayerFromFiles(files)
		if err != nil {
			return nil, err
		}
		return ociimage.Build([]v1.Layer{layer}, ociimage.Config{Cmd: []string{"sh"}})
	})
	if err != nil {
		return nil, err
	}
	return []ociimage.Archive{{Ref: ref, Path: path}, {Ref: "busybox:1", Path: path}}, nil
}

// isStatic tells whether path is an ELF executable without a program
// interpreter, i.e. one that runs in an image with nothing else in it.
func isStatic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// All builds (or finds in the cache) every image the labs need.
func All(ctx context.Context, rep *progress.Reporter, c cache.Config) (Set, error) {
	return build(ctx, rep, c, true)
}

// ForCluster builds what a cluster of the given mode needs: online, only
// the lab programs (busybox and rabbitmq come from Docker Hub); offline,
// everything.
func ForCluster(ctx context.Context, rep *progress.Reporter, c cache.Config, offline bool) (Set, error) {
	return build(ctx, rep, c, offline)
}

func build(ctx context.Context, rep *progress.Reporter, c cache.Config, offline bool) (Set, error) {
	var set Set
	var err error
	if !offline {
		set.Lab, err = LabPrograms(ctx, rep, c)
		return set, err
	}
	busybox, err := Busybox(ctx, rep, c)
	if err != nil {
		return set, err
	}
	rabbit, err := RabbitMQ(ctx, rep, c)
	if err != nil {
		return set, err
	}
	set.Offline = append(busybox, rabbit)
	if set.Lab, err = LabPrograms(ctx, rep, c); err != nil {
		return set, err
	}
	return set, nil
}
