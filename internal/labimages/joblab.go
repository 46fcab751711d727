package labimages

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

// JoblabRepository is the repository of joblab's own image: the grader
// of an in-cluster class (joblab class submit).
const JoblabRepository = "joblab/joblab"

// JoblabBinary is the binary's path in the image.
const JoblabBinary = "/usr/local/bin/joblab"

// JoblabImage is an image holding the joblab binary that runs now, alone
// (no base image): the same binary grades a class in the cluster. A
// binary linked against the C library (built with cgo) cannot run there:
// inside a clone, one is then built from its source with cgo off;
// outside, the error says how to get a static one. The tag is the
// binary's digest, so that a changed joblab is a new image.
func JoblabImage(ctx context.Context, rep *progress.Reporter, c cache.Config) (ociimage.Archive, error) {
	self, err := os.Executable()
	if err != nil {
		return ociimage.Archive{}, err
	}
	bin := self
	if !isStatic(self) {
		if _, err := gobuild.RepoRoot(); err != nil {
			return ociimage.Archive{}, fmt.Errorf("this joblab (%s) is linked against the C library and cannot run in an image of its own: build it with CGO_ENABLED=0 (make build does), or give the grader's image with --image", self)
		}
		if err := os.MkdirAll(dir(c), 0o755); err != nil {
			return ociimage.Archive{}, err
		}
		bin = filepath.Join(dir(c), "joblab-static.bin")
		if err := rep.Run("build joblab with cgo off (this binary is linked against the C library)", func(log io.Writer) error {
			return gobuild.Local(ctx, "./cmd/joblab", bin, log)
		}); err != nil {
			return ociimage.Archive{}, err
		}
	}
	sum, err := fileSHA256(bin)
	if err != nil {
		return ociimage.Archive{}, err
	}
	ref := JoblabRepository + ":" + sum[:12]
	path, err := cached(c, rep, ref+" (this joblab)", "joblab-"+sum[:32], ref, func(log io.Writer) (v1.Image, error) {
		layer, err := ociimage.LayerFromFiles([]ociimage.File{{Path: JoblabBinary, Source: bin, Mode: 0o755}, {Path: "/tmp", Dir: true, Mode: 0o1777}})
		if err != nil {
			return nil, err
		}
		return ociimage.Build([]v1.Layer{layer}, ociimage.Config{Entrypoint: []string{JoblabBinary}, Env: []string{"HOME=/tmp"}, User: "65534", WorkingDir: "/tmp"})
	})
	if err != nil {
		return ociimage.Archive{}, err
	}
	pruneBuilds(c, "joblab", path, keptBuilds)
	return ociimage.Archive{Ref: ref, Path: path}, nil
}
