package cluster

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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

func TestResolveModeHonoursEnvAndRejectsUnknown(t *testing.T) {
	t.Setenv(ModeEnv, "Offline")
	if m, _, err := ResolveMode(context.Background(), ""); err != nil || m != Offline {
		t.Errorf("got %q, %v; want offline", m, err)
	}
	t.Setenv(ModeEnv, "sideways")
	if _, _, err := ResolveMode(context.Background(), ""); err == nil || !strings.Contains(err.Error(), ModeEnv) {
		t.Errorf("unknown mode: got %v, want an error naming %s", err, ModeEnv)
	}
}

func TestResolveModeDetects(t *testing.T) {
	t.Setenv(ModeEnv, "")
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
