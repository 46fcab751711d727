// Package mirror runs the local registry that stands in for docker.io and
// registry.k8s.io when no registry can be reached. It is a container of the
// CNCF distribution registry, built from the Go module proxy, on kind's
// docker network; the kind nodes use it as mirror, and joblab pushes the
// images the cluster needs into it.
package mirror

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/docker"
	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/versions"
)

const (
	// ContainerName is the registry container; nodes reach it by this name.
	ContainerName = "joblab-registry"
	// Network is kind's docker network, shared with the nodes.
	Network = "kind"
	// HostAddress is where joblab pushes images from the host.
	HostAddress = "127.0.0.1:5001"
	// NodeEndpoint is the mirror endpoint the nodes' containerd uses.
	NodeEndpoint = "http://" + ContainerName + ":5000"
	volume       = "joblab-registry-data"
	recipe       = "mirror-1"
)

const registryConfig = `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
`

// Ensure builds the registry image if needed and makes sure the registry
// container runs and answers. A container of that name that joblab does not
// own is left alone, with an error. The registry's program is built in c.
func Ensure(ctx context.Context, rep *progress.Reporter, c cache.Config) error {
	ref := "joblab/registry:" + versions.Distribution + "-" + cache.Tag(recipe, versions.Distribution, registryConfig, registryMain)
	if !docker.ImageExists(ctx, ref) {
		if err := rep.Run("registry image "+ref, func(log io.Writer) error { return buildImage(ctx, c, ref, log) }); err != nil {
			return err
		}
	}
	state := docker.ContainerState(ctx, ContainerName)
	if state != "" && docker.ContainerLabel(ctx, ContainerName, ownerKey()) != ownerValue() {
		return fmt.Errorf("a container named %s exists and was not created by joblab: remove or rename it (docker rm -f %s) so joblab can run its registry mirror", ContainerName, ContainerName)
	}
	if state != "" {
		if image, _ := docker.Run(ctx, "container", "inspect", "--format", "{{.Config.Image}}", ContainerName); image != ref {
			rep.Printf("==> registry mirror: replacing container of image %s with %s", image, ref)
			if _, err := docker.Run(ctx, "rm", "-f", ContainerName); err != nil {
				return err
			}
			state = ""
		}
	}
	if !docker.NetworkExists(ctx, Network) {
		// The same network kind would create (IPv4 part); kind reuses it.
		if _, err := docker.Run(ctx, "network", "create", "--driver", "bridge", "-o", "com.docker.network.bridge.enable_ip_masquerade=true", Network); err != nil && !docker.NetworkExists(ctx, Network) {
			return fmt.Errorf("creating docker network %s: %w", Network, err)
		}
	}
	switch state {
	case "running":
	case "":
		if _, err := docker.Run(ctx, "run", "-d", "--name", ContainerName, "--restart", "unless-stopped",
			"--network", Network, "-p", HostAddress+":5000", "-v", volume+":/var/lib/registry",
			"--label", ociimage.OwnerLabel, ref); err != nil {
			return fmt.Errorf("starting the registry mirror: %w (is port %s free?)", err, HostAddress)
		}
	default:
		if _, err := docker.Run(ctx, "start", ContainerName); err != nil {
			return fmt.Errorf("starting the registry mirror: %w", err)
		}
	}
	err := waitReady(ctx, 30*time.Second)
	if err == nil || ctx.Err() != nil {
		return err
	}
	// A container that docker reports running but that resets every
	// connection has been seen after the Docker engine restarted under a
	// reused registry (its network endpoint restored stale): one restart
	// gives it a fresh endpoint.
	rep.Printf("==> registry mirror: %v; restarting its container once", firstLine(err.Error()))
	if _, rerr := docker.Run(ctx, "restart", ContainerName); rerr != nil {
		return fmt.Errorf("%w; restarting it failed too: %w (remove it with 'joblab down' and run again)", err, rerr)
	}
	if err := waitReady(ctx, 30*time.Second); err != nil {
		return fmt.Errorf("%w (after one restart; state: %s; remove it with 'joblab down' and run again)", err, containerSummary(ctx))
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// containerSummary says how docker sees the registry container: its state,
// address on the kind network and published port.
func containerSummary(ctx context.Context) string {
	out, err := docker.Run(ctx, "container", "inspect", "--format",
		"{{.State.Status}} since {{.State.StartedAt}}, address {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}, ports {{json .NetworkSettings.Ports}}", ContainerName)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(out)
}

// Remove stops and removes the registry container. Its volume, which holds
// the pushed images, is kept unless purge is set.
func Remove(ctx context.Context, purge bool) error {
	if docker.ContainerState(ctx, ContainerName) != "" {
		if docker.ContainerLabel(ctx, ContainerName, ownerKey()) != ownerValue() {
			return fmt.Errorf("container %s was not created by joblab: left alone", ContainerName)
		}
		if _, err := docker.Run(ctx, "rm", "-f", ContainerName); err != nil {
			return err
		}
	}
	if purge {
		if _, err := docker.Run(ctx, "volume", "rm", "-f", volume); err != nil {
			return err
		}
	}
	return nil
}

// Push pushes image archives to the mirror under their own names, so that
// registry.k8s.io/pause:3.10 is served as pause:3.10 and docker.io's
// library/busybox:latest as library/busybox:latest.
func Push(ctx context.Context, rep *progress.Reporter, archives []ociimage.Archive) error {
	return rep.Run(fmt.Sprintf("push %d images to the registry mirror", len(archives)), func(log io.Writer) error {
		for _, a := range archives {
			img, err := ociimage.ReadArchive(a.Path)
			if err != nil {
				return fmt.Errorf("reading %s: %w (remove the file to rebuild it)", a.Path, err)
			}
			target := HostAddress + "/" + RepositoryPath(a.Ref)
			fmt.Fprintf(log, "push %s as %s\n", a.Ref, target)
			if err := ociimage.Push(ctx, img, target, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// RepositoryPath is the path (repository and tag) of ref inside a mirror:
// the registry host is dropped and Docker Hub's implicit library/ and
// :latest are made explicit.
func RepositoryPath(ref string) string {
	first, rest, found := strings.Cut(ref, "/")
	if !found || (!strings.ContainsAny(first, ".:") && first != "localhost") {
		rest = ref
		if !found {
			rest = "library/" + ref
		}
	}
	if first == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	if !strings.Contains(rest[strings.LastIndex(rest, "/")+1:], ":") && !strings.Contains(rest, "@") {
		rest += ":latest"
	}
	return rest
}

// ContainerdPatch is the containerd configuration that makes the nodes pull
// docker.io and registry.k8s.io images from the mirror.
func ContainerdPatch() string {
	var b strings.Builder
	for _, host := range []string{"docker.io", "registry.k8s.io"} {
		fmt.Fprintf(&b, "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.%q]\n  endpoint = [%q]\n", host, NodeEndpoint)
	}
	return b.String()
}

func waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+HostAddress+"/v2/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	logs, _ := docker.Run(ctx, "logs", "--tail", "20", ContainerName)
	return fmt.Errorf("registry mirror at %s did not answer within %s (last: %s); container log:\n%s", HostAddress, timeout, last, logs)
}

// registryMain is the registry command with only the storage the mirror
// uses (its file system). The published command also links the Azure,
// Google Cloud and S3 drivers and their SDKs, most of its compile time.
const registryMain = `// Command registry is the distribution registry with file system storage only.
package main

import (
	"os"

	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

func main() {
	if err := registry.RootCmd.Execute(); err != nil {
		os.Exit(1)
	}
}
`

func buildImage(ctx context.Context, c cache.Config, ref string, log io.Writer) error {
	dir := filepath.Join(c.Root(), "mirror")
	bin := filepath.Join(dir, "registry-"+versions.Distribution+"-filesystem")
	if _, err := os.Stat(bin); err != nil {
		if err := gobuild.Build(ctx, filepath.Join(dir, "gowork"), gobuild.Module{Path: "github.com/distribution/distribution/v3", Version: versions.Distribution},
			[]gobuild.Command{{Package: "registry", Main: registryMain, Output: bin + ".partial"}}, log); err != nil {
			return err
		}
		if err := os.Rename(bin+".partial", bin); err != nil {
			return err
		}
	}
	layer, err := ociimage.LayerFromFiles([]ociimage.File{
		{Path: "/bin/registry", Source: bin, Mode: 0o755},
		{Path: "/etc/distribution/config.yml", Data: []byte(registryConfig)},
		{Path: "/var/lib/registry", Dir: true},
		{Path: "/tmp", Dir: true, Mode: 0o1777},
	})
	if err != nil {
		return err
	}
	img, err := ociimage.Build([]v1.Layer{layer}, ociimage.Config{Entrypoint: []string{"/bin/registry", "serve", "/etc/distribution/config.yml"}})
	if err != nil {
		return err
	}
	archive := filepath.Join(dir, "registry.tar")
	defer os.Remove(archive)
	if err := ociimage.WriteArchive(archive, ref, img); err != nil {
		return err
	}
	return ociimage.LoadIntoDocker(ctx, archive)
}

func ownerKey() string   { k, _, _ := strings.Cut(ociimage.OwnerLabel, "="); return k }
func ownerValue() string { _, v, _ := strings.Cut(ociimage.OwnerLabel, "="); return v }
