package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apiServer answers a job GET with found (200) or not found (404), and
// every other request with 404.
func apiServer(t *testing.T, jobFound bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if jobFound && r.Method == http.MethodGet && r.URL.Path == "/apis/batch/v1/namespaces/lab/jobs/pngen" {
			fmt.Fprint(w, `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pngen","namespace":"lab"}}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"%s not found"}`, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	content := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: %q}}]
users: [{name: test, user: {token: abc}}]
contexts: [{name: test, context: {cluster: test, user: test}}]
current-context: test
`, srv.URL)
	if err := os.WriteFile(kubeconfig, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       func(t *testing.T) []string
		wantCode   int
		wantStderr string
	}{
		{"job exists", func(t *testing.T) []string {
			return []string{"--kubeconfig", apiServer(t, true), "--namespace", "lab", "--broker-url", "amqp://guest:guest@127.0.0.1:1/"}
		}, 3, "delete it first with 'kubectl delete job pngen -n lab'"},
		{"broker service missing", func(t *testing.T) []string {
			return []string{"--kubeconfig", apiServer(t, false), "--namespace", "lab"}
		}, 1, "service taskqueue not found in namespace lab"},
		{"no kubeconfig", func(t *testing.T) []string {
			return []string{"--kubeconfig", filepath.Join(t.TempDir(), "missing")}
		}, 1, "pass --kubeconfig"},
		{"unknown flag", func(t *testing.T) []string { return []string{"--nope"} }, 2, "flag provided but not defined: -nope"},
		{"argument", func(t *testing.T) []string { return []string{"pngen"} }, 2, `unexpected argument "pngen"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args(t), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want it to say %q", errOut.String(), tt.wantStderr)
			}
		})
	}
}
