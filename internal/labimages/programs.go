package labimages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

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
func LabPrograms(ctx context.Context, rep *progress.Reporter, c cache.Config) ([]ociimage.Archive, error) {
	root, err := gobuild.RepoRoot()
	if err != nil {
		return lastBuilds(c, rep)
	}
	sourceSum, err := sourceDigest(root)
	if err != nil {
		return nil, err
	}
	var out []ociimage.Archive
	for _, p := range Programs {
		name := strings.TrimPrefix(p.Package, "./labs/")
		tag := name + "-" + cache.Tag(recipe, p.Ref, p.Package, sourceSum)
		path, err := cached(c, rep, p.Ref+" ("+p.Package+")", tag, p.Ref, func(log io.Writer) (v1.Image, error) {
			bin := filepath.Join(dir(c), tag+".bin")
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
		// Remember which build a clone last served, for runs outside one.
		_ = os.WriteFile(lastBuildFile(c, name), []byte(path), 0o644)
		pruneBuilds(c, name, path, keptBuilds)
		out = append(out, ociimage.Archive{Ref: p.Ref, Path: path})
	}
	return out, nil
}

func lastBuildFile(c cache.Config, name string) string { return filepath.Join(dir(c), name+".last") }

// keptBuilds is how many builds of a lab program the cache keeps: every
// edit of labs/ makes a new one (the mutation catalogue makes dozens), and
// runs side by side (make mutants, a student's clone) may still serve a
// recent one.
const keptBuilds = 4

// pruneBuilds removes the builds of program name but the newest keep
// (by modification time), never current, the one being served.
func pruneBuilds(c cache.Config, name, current string, keep int) {
	paths, err := filepath.Glob(filepath.Join(dir(c), name+"-*.tar"))
	if err != nil {
		return
	}
	type build struct {
		path string
		mod  time.Time
	}
	var builds []build
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil {
			builds = append(builds, build{p, info.ModTime()})
		}
	}
	sort.Slice(builds, func(i, j int) bool { return builds[i].mod.After(builds[j].mod) })
	for i, b := range builds {
		if i >= keep && b.path != current {
			_ = os.Remove(b.path)
		}
	}
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

// lastBuilds serves the lab programs' images from the cache when joblab
// runs outside a clone (no source to build them from, maybe no Go): the
// builds that a run from a clone last served. Without one it says how to get one.
func lastBuilds(c cache.Config, rep *progress.Reporter) ([]ociimage.Archive, error) {
	var out []ociimage.Archive
	for _, p := range Programs {
		name := strings.TrimPrefix(p.Package, "./labs/")
		newest, newestTime := "", time.Time{}
		if data, err := os.ReadFile(lastBuildFile(c, name)); err == nil {
			if st, err := os.Stat(string(data)); err == nil {
				newest, newestTime = string(data), st.ModTime()
			}
		}
		if newest == "" {
			return nil, fmt.Errorf("the image %s is built from joblab's source, and this is not a clone of joblab and no clone has built it yet (%s): run 'joblab up' once from a clone (it needs Go), or push the images to a class registry with 'joblab images --image-repo' and run with --image-repo", p.Ref, dir(c))
		}
		rep.Printf("==> image %s: the build of %s from the cache (not in a joblab clone, so not rebuilt)", p.Ref, newestTime.Format(time.RFC3339))
		out = append(out, ociimage.Archive{Ref: p.Ref, Path: newest})
	}
	return out, nil
}
