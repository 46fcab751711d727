// Command upstreame2e builds Kubernetes' own end-to-end suite
// (k8s.io/kubernetes/test/e2e, as e2e.test) for the cluster's release and
// runs its [sig-apps] Job and CronJob tests that are not Slow, Serial,
// Disruptive, Flaky or behind a feature gate, on the kind cluster joblab
// made (make upstream-e2e). Offline, the two images those tests run
// (e2e-test-images/busybox and pause, named by the binary's own
// --list-images) are served by the registry mirror: busybox from joblab's
// Debian busybox image, pause from the control-plane images already there.
//
// Usage:
//
//	go run ./tools/upstreame2e [-kubernetes v1.37.2] [-kubeconfig FILE] [-out DIR] [-procs 2] [-dry-run]
//
// The binary is cached per release under joblab's cache directory; its
// JUnit report and a summary go to -out.
package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/docker"
	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/mirror"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/internal/versions"
	"github.com/joblab/joblab/pkg/cluster"
)

// The tests run: the Job and CronJob specs of sig-apps, without those
// upstream marks as slow, serial, disruptive or flaky, or that need a
// feature gate (Feature:..., FeatureGate:...).
const (
	focus       = `\[sig-apps\] (Job|CronJob) `
	labelFilter = `!Slow && !Serial && !Disruptive && !Flaky && !/Feature/`
)

func main() {
	s := settings.FromEnv()
	kubernetes := flag.String("kubernetes", s.Kubernetes, "the release whose e2e suite to build (default: "+versions.DefaultKubernetes+")")
	kubeconfig := flag.String("kubeconfig", orDefault(s.Kubeconfig, cluster.DefaultKubeconfig(s.CacheDir, cluster.DefaultName)), "the cluster to test")
	out := flag.String("out", filepath.Join(s.Artifacts(), "upstream-e2e"), "where the JUnit report and the summary go")
	procs := flag.Int("procs", 2, "parallel test processes (ginkgo -p)")
	dryRun := flag.Bool("dry-run", false, "list the selected specs without running them")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubernetes, *kubeconfig, *out, *procs, *dryRun); err != nil {
		fmt.Fprintln(os.Stderr, "upstream-e2e:", err)
		os.Exit(1)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func run(ctx context.Context, kubernetes, kubeconfig, out string, procs int, dryRun bool) error {
	rel, err := cluster.ResolveRelease(kubernetes, true)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	rep := progress.New(os.Stdout, out, 0)
	c := settings.FromEnv().Cache()
	bin, err := buildSuite(ctx, rep, c, rel)
	if err != nil {
		return err
	}
	if docker.ContainerState(ctx, mirror.ContainerName) == "running" {
		if err := serveImages(ctx, rep, c, bin); err != nil {
			return err
		}
	}
	if dryRun {
		procs = 1 // ginkgo lists specs in one process only
	}
	args := []string{"run", "github.com/onsi/ginkgo/v2/ginkgo", "--no-color", "--procs", fmt.Sprint(procs),
		"--focus", focus, "--label-filter", labelFilter, "--timeout", "60m",
		"--junit-report", "junit.xml", "--output-dir", out}
	if dryRun {
		args = append(args, "--dry-run", "-v")
	}
	args = append(args, bin, "--", "--kubeconfig", kubeconfig, "--provider", "skeleton", "--disable-log-dump",
		"--report-dir", out, "--e2e-output-dir", out)
	fmt.Printf("==> Kubernetes %s's own Job and CronJob e2e (%s, label filter %q) on %s\n", rel.Kubernetes, focus, labelFilter, kubeconfig)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	runErr := cmd.Run()
	summary, err := summarize(filepath.Join(out, "junit.xml"), rel.Kubernetes, time.Since(start))
	if err == nil {
		fmt.Print(summary)
		_ = os.WriteFile(filepath.Join(out, "summary.md"), []byte(summary), 0o644)
	}
	if runErr != nil {
		return fmt.Errorf("the e2e suite failed: %w (JUnit: %s)", runErr, filepath.Join(out, "junit.xml"))
	}
	return err
}

// buildSuite compiles e2e.test of rel, unless cached.
func buildSuite(ctx context.Context, rep *progress.Reporter, c cache.Config, rel versions.Release) (string, error) {
	dir := filepath.Join(c.Root(), "upstream-e2e")
	// ginkgo runs a compiled suite only under a name ending in .test.
	bin := filepath.Join(dir, rel.Kubernetes, "e2e.test")
	if _, err := os.Stat(bin); err == nil {
		rep.Printf("==> e2e.test of Kubernetes %s: cached", rel.Kubernetes)
		return bin, nil
	}
	err := rep.Run("e2e.test of Kubernetes "+rel.Kubernetes+" (go test -c k8s.io/kubernetes/test/e2e from the module proxy)", func(log io.Writer) error {
		replaces, err := gobuild.LocalReplaces(ctx, "k8s.io/kubernetes", rel.Kubernetes, rel.Staging)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			return err
		}
		tmp := bin + ".partial"
		mod := gobuild.Module{Path: "k8s.io/kubernetes", Version: rel.Kubernetes, Replace: replaces, Go: rel.Go}
		if err := gobuild.TestBinary(ctx, filepath.Join(dir, "gowork"), mod, "k8s.io/kubernetes/test/e2e", tmp, log); err != nil {
			return err
		}
		return os.Rename(tmp, bin)
	})
	return bin, err
}

// serveImages pushes to the mirror the e2e images the selected tests run
// that it lacks: busybox under the e2e name the binary lists. pause is one
// of the control-plane images, pushed when the cluster was made.
func serveImages(ctx context.Context, rep *progress.Reporter, c cache.Config, bin string) error {
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--list-images")
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s --list-images: %w", bin, err)
	}
	var busyboxRef string
	for _, ref := range strings.Fields(stdout.String()) {
		if strings.Contains(ref, "/e2e-test-images/busybox:") {
			busyboxRef = ref
		}
	}
	if busyboxRef == "" {
		return fmt.Errorf("%s --list-images names no e2e-test-images/busybox image", bin)
	}
	busybox, err := labimages.Busybox(ctx, rep, c)
	if err != nil {
		return err
	}
	return mirror.Push(ctx, rep, []ociimage.Archive{{Ref: busyboxRef, Path: busybox[0].Path}})
}

// summarize counts the JUnit report's test cases.
func summarize(path, release string, took time.Duration) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		return "", err
	}
	var passed, failed, skipped int
	var failures []string
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if !strings.HasPrefix(c.Name, "[It] ") {
				continue // the suite's setup and report nodes
			}
			switch {
			case c.Failure != nil || c.Error != nil:
				failed++
				failures = append(failures, c.Name)
			case c.Skipped != nil:
				skipped++
			default:
				passed++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nKubernetes %s, upstream [sig-apps] Job and CronJob e2e (not Slow/Serial/Disruptive/Flaky/feature-gated): %d passed, %d failed, %d skipped or not selected, in %s\n", release, passed, failed, skipped, took.Round(time.Second))
	for _, f := range failures {
		fmt.Fprintf(&b, "  FAILED: %s\n", f)
	}
	return b.String(), nil
}
