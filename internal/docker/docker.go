// Package docker talks to the Docker engine through the docker CLI, the same
// way kind does, and turns its failures into messages that name the fix.
package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// ErrNoDocker means the docker CLI is missing or the engine does not answer.
var ErrNoDocker = errors.New("docker is not available")

// Check makes sure the docker CLI exists and the engine answers.
func Check(ctx context.Context) error {
	if _, err := exec.LookPath("docker"); err != nil {
		return fmt.Errorf("%w: the docker command is not installed. Fix: run tools/prepare-host.sh as root (installs Debian's docker.io), or install Docker", ErrNoDocker)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: the Docker engine does not answer (%s). Fix: run tools/prepare-host.sh as root, or start the docker service", ErrNoDocker, firstLine(out, err))
	}
	return nil
}

// Run runs a docker command and returns its standard output; on failure the
// error holds docker's message.
func Run(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("docker %s: %s", strings.Join(args, " "), firstLine(stderr.Bytes(), err))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// ImageExists tells whether the engine holds the image ref.
func ImageExists(ctx context.Context, ref string) bool {
	_, err := Run(ctx, "image", "inspect", "--format", "{{.Id}}", ref)
	return err == nil
}

// ContainerState returns the state of a container ("running", "exited",
// ...), or "" when there is no such container.
func ContainerState(ctx context.Context, name string) string {
	out, err := Run(ctx, "container", "inspect", "--format", "{{.State.Status}}", name)
	if err != nil {
		return ""
	}
	return out
}

// ContainerLabel returns a label of a container, "" when it has none.
func ContainerLabel(ctx context.Context, name, label string) string {
	out, _ := Run(ctx, "container", "inspect", "--format", fmt.Sprintf("{{index .Config.Labels %q}}", label), name)
	return out
}

// NetworkExists tells whether a docker network exists.
func NetworkExists(ctx context.Context, name string) bool {
	_, err := Run(ctx, "network", "inspect", "--format", "{{.Id}}", name)
	return err == nil
}

func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if s == "" {
		return err.Error()
	}
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	return s
}

// CgroupVersion is the cgroup version of the Docker engine's host: "1",
// "2", or "" when the engine does not say.
func CgroupVersion(ctx context.Context) string {
	out, err := Run(ctx, "info", "--format", "{{.CgroupVersion}}")
	if err != nil {
		return ""
	}
	return out
}
