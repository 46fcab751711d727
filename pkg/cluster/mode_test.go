package cluster

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/internal/versions"
)

func TestLacksCapability(t *testing.T) {
	status := "Name:\tx\nCapBnd:\t000001fffeffffff\n"
	if !lacksCapability(status, 24) {
		t.Error("CAP_SYS_RESOURCE (24) is cleared in 000001fffeffffff but was reported present")
	}
	if lacksCapability(status, 21) {
		t.Error("CAP_SYS_ADMIN (21) is set in 000001fffeffffff but was reported missing")
	}
	if lacksCapability("CapBnd:\t000001ffffffffff\n", 24) {
		t.Error("a full bounding set was reported to lack CAP_SYS_RESOURCE")
	}
}

func TestResolveModeHonoursTheAskedAndRejectsUnknown(t *testing.T) {
	// The asked mode is the settings' (the flag's, or $JOBLAB_IMAGE_MODE
	// read by the command): as written, in any case.
	if m, _, err := ResolveMode(context.Background(), " Offline"); err != nil || m != Offline {
		t.Errorf("got %q, %v; want offline", m, err)
	}
	if _, _, err := ResolveMode(context.Background(), "sideways"); err == nil || !strings.Contains(err.Error(), settings.ModeEnv) {
		t.Errorf("unknown mode: got %v, want an error naming %s", err, settings.ModeEnv)
	}
}

func TestResolveModeDetects(t *testing.T) {
	old := dockerHubProbe
	defer func() { dockerHubProbe = old }()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	dockerHubProbe = srv.URL + "/v2/"
	if m, _, _ := ResolveMode(context.Background(), ""); m != Online {
		t.Errorf("with a registry answering: mode %q, want online", m)
	}
	srv.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dockerHubProbe = "http://" + l.Addr().String() + "/v2/"
	l.Close()
	if m, why, _ := ResolveMode(context.Background(), ""); m != Offline || !strings.Contains(why, "cannot be reached") {
		t.Errorf("with nothing answering: mode %q (%s), want offline", m, why)
	}
}

func TestCgroupV1PatchOnlyWhereTheKubeletRefuses(t *testing.T) {
	for _, c := range []struct {
		kubernetes, host string
		want             bool
	}{
		{"v1.34.2", "1", false}, // failCgroupV1 defaults to false before 1.35
		{"v1.35.4", "1", true},
		{"v1.37.2", "1", true},
		{"v1.37.2", "2", false},
		{"v1.37.2", "", false},
	} {
		rel := versions.Release{Kubernetes: c.kubernetes}
		if got := needsCgroupV1Patch(rel, c.host); got != c.want {
			t.Errorf("Kubernetes %s on a cgroup %q host: patch %v, want %v", c.kubernetes, c.host, got, c.want)
		}
	}
}
