package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/joblab/joblab/internal/settings"
)

// Mode says where the cluster's images come from.
type Mode string

const (
	// Online uses the published kindest/node image and public images; only
	// the lab programs' images are loaded into the nodes.
	Online Mode = "online"
	// Offline uses the node image built by joblab and serves every image
	// the cluster pulls from a local registry mirror.
	Offline Mode = "offline"
)

// dockerHubProbe is the address whose answer tells that images can be
// pulled from Docker Hub.
var dockerHubProbe = "https://registry-1.docker.io/v2/"

// ResolveMode returns the mode asked for, or detects it: online when Docker
// Hub answers within a few seconds, offline otherwise. The reason is meant
// to be shown to the user.
func ResolveMode(ctx context.Context, asked Mode) (Mode, string, error) {
	asked = Mode(strings.ToLower(strings.TrimSpace(string(asked))))
	switch asked {
	case Online, Offline:
		return asked, "asked for", nil
	case "", "auto":
	default:
		return "", "", fmt.Errorf("unknown image mode %q: use %q or %q (or leave %s unset to detect)", asked, Online, Offline, settings.ModeEnv)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, dockerHubProbe, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Offline, fmt.Sprintf("Docker Hub cannot be reached (%v)", err), nil
	}
	resp.Body.Close()
	return Online, "Docker Hub answers", nil
}

// hostLacksSysResource tells whether this host's capability bounding set
// lacks CAP_SYS_RESOURCE; the nodes' containerd must then not give pods a
// negative oom_score_adj, which needs that capability.
func hostLacksSysResource() bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	return lacksCapability(string(data), 24)
}

func lacksCapability(status string, capability uint) bool {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			var bnd uint64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%x", &bnd); err != nil {
				return false
			}
			return bnd&(1<<capability) == 0
		}
	}
	return false
}
