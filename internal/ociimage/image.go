package ociimage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// OwnerLabel marks images, containers and Kubernetes objects that joblab
// created, so that it only ever changes or removes what it owns.
const OwnerLabel = "app.kubernetes.io/managed-by=joblab"

// Archive is a built image: its reference and the docker archive that
// holds it.
type Archive struct {
	Ref  string
	Path string
}

// Config is the runtime configuration of an image.
type Config struct {
	Entrypoint []string
	Cmd        []string
	Env        []string
	User       string
	WorkingDir string
	StopSignal string
	Labels     map[string]string
}

// Build stacks layers, first to last, into an image for this host's
// platform with the given configuration.
func Build(layers []v1.Layer, cfg Config) (v1.Image, error) {
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		return nil, fmt.Errorf("adding layers: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	labels := map[string]string{}
	k, v, _ := strings.Cut(OwnerLabel, "=")
	labels[k] = v
	for key, val := range cfg.Labels {
		labels[key] = val
	}
	env := cfg.Env
	if len(env) == 0 {
		env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	cf.Config = v1.Config{
		Entrypoint: cfg.Entrypoint,
		Cmd:        cfg.Cmd,
		Env:        env,
		User:       cfg.User,
		WorkingDir: cfg.WorkingDir,
		StopSignal: cfg.StopSignal,
		Labels:     labels,
	}
	return mutate.ConfigFile(img, cf)
}

// WriteArchive writes img, tagged ref, as a docker-loadable archive at
// path. The archive appears only when complete, so a crash never leaves a
// half-written archive behind.
func WriteArchive(path, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("image name %q: %w", ref, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".partial"
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing image archive %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// ReadArchive opens a docker archive written by WriteArchive.
func ReadArchive(path string) (v1.Image, error) {
	return tarball.ImageFromPath(path, nil)
}

// LoadIntoDocker loads a docker archive into the Docker engine.
func LoadIntoDocker(ctx context.Context, archive string) error {
	cmd := exec.CommandContext(ctx, "docker", "load", "--input", archive)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("docker load %s: %w: %s", archive, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Push writes img to a registry under ref. Plain-HTTP registries are used
// when insecure is set (the local mirror). Layers the registry already
// holds are not sent again.
func Push(ctx context.Context, img v1.Image, ref string, insecure bool) error {
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(ref, opts...)
	if err != nil {
		return fmt.Errorf("image name %q: %w", ref, err)
	}
	if err := remote.Write(r, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}
