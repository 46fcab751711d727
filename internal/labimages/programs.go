package labimages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

// Program is a lab program and the image the lesson's manifests name it by.
type Program struct {
	// Package is the main package, relative to the repository root.
	Package string
	// Ref is the image reference, with a fixed version tag.
	Ref string
	// Binary is the program's path inside the image.
	Binary string
}

// Programs are the lab programs that run in the cluster.
var Programs = []Program{
	{Package: "./labs/pn-generator", Ref: "joblab/pn-generator:0.1.0", Binary: "/usr/local/bin/pn-generator"},
	{Package: "./labs/queue-worker", Ref: "joblab/pn-generator-que:0.2.0", Binary: "/usr/local/bin/pn-generator-que"},
}

// LabPrograms builds an image for every lab program: the static Go binary
// alone, no base image. An image is rebuilt only when the source of the lab
// programs or the module's dependencies changed.
func LabPrograms(ctx context.Context, rep *progress.Reporter) ([]ociimage.Archive, error) {
	root, err := gobuild.RepoRoot()
	if err != nil {
		return nil, err
	}
	sourceSum, err := sourceDigest(root)
	if err != nil {
		return nil, err
	}
	var out []ociimage.Archive
	for _, p := range Programs {
		name := strings.TrimPrefix(p.Package, "./labs/")
		tag := name + "-" + cache.Tag(recipe, p.Ref, p.Package, sourceSum)
		path, err := cached(rep, p.Ref+" ("+p.Package+")", tag, p.Ref, func(log io.Writer) (v1.Image, error) {
			bin := filepath.Join(dir(), tag+".bin")
			defer os.Remove(bin)
			if err := gobuild.Local(ctx, p.Package, bin, log); err != nil {
				return nil, err
			}
			data, err := os.ReadFile(bin)
			if err != nil {
				return nil, err
			}
			layer, err := ociimage.LayerFromFiles([]ociimage.File{{Path: p.Binary, Data: data, Mode: 0o755}, {Path: "/tmp", Dir: true, Mode: 0o1777}})
			if err != nil {
				return nil, err
			}
			return ociimage.Build([]v1.Layer{layer}, ociimage.Config{Entrypoint: []string{p.Binary}, User: "65534"})
		})
		if err != nil {
			return nil, err
		}
		out = append(out, ociimage.Archive{Ref: p.Ref, Path: path})
	}
	return out, nil
}

// sourceDigest hashes the Go files under labs/ and go.mod/go.sum.
func sourceDigest(root string) (string, error) {
	var paths []string
	err := filepath.WalkDir(filepath.Join(root, "labs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	paths = append(paths, filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum"))
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, p)
		io.WriteString(h, rel+"\n")
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
