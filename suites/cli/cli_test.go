//go:build e2e

// Package cli drives the joblab command as a student would, on the real
// cluster: interrupting `joblab run` mid-lab must leave nothing behind, and
// `joblab clean` must then find nothing to remove.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/gobuild"
	labreport "github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/cluster"
	"github.com/joblab/joblab/pkg/framework"
)

func TestCLI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "the joblab command")
}

var (
	admin     *framework.Env
	bin       string
	root      string
	artifacts string
)

// suiteSettings are the run's settings, from the environment (make e2e,
// ginkgo): the suite is where they are read, and passed on as a value.
var suiteSettings = settings.FromEnv()

// setup is what the first process prepares for all: the cluster and the
// joblab binary.
type setup struct{ Kubeconfig, Bin string }

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx, suiteSettings)
	Expect(err).NotTo(HaveOccurred())
	repo, err := gobuild.RepoRoot()
	Expect(err).NotTo(HaveOccurred())
	dir, err := os.MkdirTemp("", "joblab-cli-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { os.RemoveAll(dir) })
	built := filepath.Join(dir, "joblab")
	build := exec.CommandContext(ctx, "go", "build", "-o", built, "./cmd/joblab")
	build.Dir = repo
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	data, err := json.Marshal(setup{Kubeconfig: kubeconfig, Bin: built})
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	var s setup
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	var err error
	admin, err = framework.NewEnv(s.Kubeconfig, suiteSettings)
	Expect(err).NotTo(HaveOccurred())
	bin = s.Bin
	root, err = gobuild.RepoRoot()
	Expect(err).NotTo(HaveOccurred())
	artifacts, err = filepath.Abs(suiteSettings.Artifacts())
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(framework.Timeouts.ClusterBuild))

var _ = ReportAfterSuite("skipped specs, with their reasons", func(report Report) {
	Expect(framework.ReportSkips(suiteSettings.Artifacts(), report)).To(Succeed())
})

// labNamespaces lists joblab's namespaces of one lab that are not yet gone.
func labNamespaces(ctx context.Context, lab string) []string {
	list, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: framework.OwnerLabelKey + "=" + framework.OwnerLabelValue})
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, ns := range list.Items {
		if strings.HasPrefix(ns.Name, "joblab-"+lab+"-") {
			out = append(out, ns.Name)
		}
	}
	return out
}

// activeOwnedNamespaces are the namespaces labelled as joblab's that are
// not being deleted: what joblab clean would remove.
func activeOwnedNamespaces(ctx context.Context) []string {
	list, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: framework.OwnerLabelKey + "=" + framework.OwnerLabelValue})
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, ns := range list.Items {
		if ns.DeletionTimestamp == nil {
			out = append(out, ns.Name)
		}
	}
	return out
}

var _ = Describe("joblab run", Label("cli"), Serial, func() {
	It("removes what it created when interrupted mid-lab, and joblab clean finds nothing left", func(ctx context.Context) {
		// An earlier suite's abnormal namespace may still be terminating.
		Eventually(func() []string { return labNamespaces(ctx, "abnormal") }).WithContext(ctx).
			WithTimeout(framework.Timeouts.Namespace).WithPolling(2*time.Second).Should(BeEmpty(), "leftovers from an earlier run")

		// Other suites' namespaces may be there, still Active, when this
		// spec begins: joblab clean may remove those, never one of this run.
		before := map[string]bool{}
		for _, ns := range activeOwnedNamespaces(ctx) {
			before[ns] = true
		}

		By("starting joblab run abnormal")
		cmd := exec.Command(bin, "run", "--out", filepath.Join(artifacts, "cli-interrupted"), "abnormal")
		cmd.Dir = root
		stdout, err := cmd.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		cmd.Stderr = GinkgoWriter
		Expect(cmd.Start()).To(Succeed())

		By("interrupting it once the lab waits for its Job (Ctrl-C)")
		sc := bufio.NewScanner(stdout)
		waiting := false
		for sc.Scan() {
			line := sc.Text()
			GinkgoWriter.Println(line)
			if strings.Contains(line, "abnormal") && strings.Contains(line, "waiting until job abnormal-end ends Failed") {
				waiting = true
				break
			}
		}
		Expect(waiting).To(BeTrue(), "joblab run never reached the lab's wait")
		Expect(labNamespaces(ctx, "abnormal")).To(HaveLen(1), "the lab's namespace exists while it runs")
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		go func() {
			for sc.Scan() {
				GinkgoWriter.Println(sc.Text())
			}
		}()
		err = cmd.Wait()
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "joblab run must fail when interrupted, got %v", err)
		Expect(exit.ExitCode()).To(Equal(130))

		By("checking that the lab's namespace is gone")
		Eventually(func() []string { return labNamespaces(ctx, "abnormal") }).WithContext(ctx).
			WithTimeout(framework.Timeouts.Namespace).WithPolling(2 * time.Second).Should(BeEmpty())

		By("joblab clean")
		clean := exec.CommandContext(ctx, bin, "clean", "--kubeconfig", admin.Kubeconfig)
		out, err := clean.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(MatchRegexp(`(?m)^\d+ leftovers removed`))
		var removed, earlier []string
		for _, line := range strings.Split(string(out), "\n") {
			if ns, ok := strings.CutPrefix(line, "deleted namespace "); ok {
				if before[ns] {
					earlier = append(earlier, ns)
				} else {
					removed = append(removed, ns)
				}
			}
		}
		if len(earlier) > 0 {
			AddReportEntry("joblab clean removed namespaces that were there before this run began", earlier)
		}
		Expect(removed).To(BeEmpty(), "namespaces the interrupted run left behind, found by joblab clean:\n%s", out)
	})
})

var _ = Describe("joblab run --image-repo", Label("cli"), Serial, func() {
	It("reports a lab image missing from the class registry at once, and runs the lab once the images are pushed there", func(ctx context.Context) {
		if mode, why, _ := cluster.ResolveMode(ctx, ""); mode != cluster.Offline {
			Skip("this check pushes to the local registry mirror, which runs only offline (" + why + ")")
		}
		By("running the prime lab against a class registry that lacks the image")
		missing := filepath.Join(artifacts, "cli-missing-image")
		run := exec.CommandContext(ctx, bin, "run", "--out", missing, "--image-repo", "docker.io/joblab-class-missing", "prime")
		run.Dir = root
		out, err := run.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "want a failed run, got %v", err)
		Expect(exit.ExitCode()).To(Equal(1))
		report, err := os.ReadFile(filepath.Join(missing, "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(report)).To(ContainSubstring("joblab-class-missing/pn-generator:0.1.0"))
		Expect(string(report)).To(ContainSubstring("cannot be pulled"))

		By("joblab images --image-repo (the local mirror stands in for the class registry)")
		push := exec.CommandContext(ctx, bin, "images", "--image-repo", "127.0.0.1:5001/joblab-class", "--insecure")
		push.Dir = root
		out, err = push.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))

		By("running the prime lab with the class registry")
		passed := filepath.Join(artifacts, "cli-image-repo")
		run = exec.CommandContext(ctx, bin, "run", "--out", passed, "--image-repo", "docker.io/joblab-class", "prime")
		run.Dir = root
		out, err = run.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(MatchRegexp(`(?m)^prime\s+passed`))

		By("opening this run's report.html in headless Chromium")
		browser, err := labreport.Browser()
		Expect(err).NotTo(HaveOccurred())
		dom := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", "file://"+filepath.Join(passed, "report.html"))
		out, err = dom.Output()
		Expect(err).NotTo(HaveOccurred(), "chromium (Debian's, installed by tools/prepare-host.sh)")
		Expect(string(out)).To(ContainSubstring(`<section class="lab" id="lab-prime" data-verdict="passed">`))
		Expect(string(out)).To(ContainSubstring("primes printed"))
	})
})

var _ = Describe("joblab verify --class with a class file naming lab folders", Label("cli", "lab-folder"), Serial, func() {
	It("names a lesson file missing from a student's folder as a differing row, with the fix", func(ctx context.Context) {
		By("a student's folder without pn_job.yaml, and joblab verify of the prime lab on it")
		dir := GinkgoT().TempDir()
		ns, err := framework.CreateNamespace(ctx, admin.Client, "folder-missing")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, admin.Client, ns.Name)).To(Succeed()) })
		report := filepath.Join(artifacts, "cli-missing-file")
		verify := exec.CommandContext(ctx, bin, "verify", "--kubeconfig", admin.Kubeconfig, "-n", ns.Name, "--manifests", dir, "--out", report, "prime")
		verify.Dir = root
		out, err := verify.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "the folder lacks the lab's file: want a failed verify, got %v", err)
		Expect(exit.ExitCode()).To(Equal(1))

		By("reading the report: the file and the fix, not an internal error")
		md, err := os.ReadFile(filepath.Join(report, "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("| prime | failed |"))
		Expect(string(md)).To(MatchRegexp(`\| DIFFERS \| kubectl apply -f pn_job.yaml \| applied \| the manifests folder \S+ has no pn_job.yaml, which this lab applies: write it there`))
		Expect(string(md)).NotTo(ContainSubstring("Unexpected error"))
	})

	It("grades a teacher's lab folder both ways: an equivalent answer passes, a wrong one differs by the facts it changes", func(ctx context.Context) {
		By("writing two students' answers to the example exercise (10 completions, 5 at a time)")
		dir := GinkgoT().TempDir()
		reference, err := os.ReadFile(filepath.Join(root, "examples/labs/ten-by-five/job.yaml"))
		Expect(err).NotTo(HaveOccurred())
		// alice writes it as kubectl create job --dry-run=client -o yaml
		// does, with defaults written out; bob runs two pods at a time.
		alice := `apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: ten-by-five
spec:
  backoffLimit: 6
  completionMode: NonIndexed
  parallelism: 5
  completions: 10
  template:
    metadata:
      creationTimestamp: null
    spec:
      restartPolicy: Never
      containers:
      - command: ["sh", "-c", "sleep 5; echo done"]
        image: busybox:latest
        imagePullPolicy: Always
        name: busybox
        resources: {}
status: {}
`
		bob := strings.Replace(string(reference), "parallelism: 5", "parallelism: 2", 1)
		Expect(bob).NotTo(Equal(string(reference)))
		// The class file's long form names the teacher's lab folders
		// itself (no --labs), beside the students.
		class := "apiVersion: joblab/v1\nkind: Class\nlabs: " + filepath.Join(root, "examples", "labs") + "\nstudents:\n  alice: {namespace: NS-alice, manifests: ./alice}\n  bob: {namespace: NS-bob, manifests: ./bob}\n"
		for name, job := range map[string]string{"alice": alice, "bob": bob} {
			Expect(os.MkdirAll(filepath.Join(dir, name), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, name, "job.yaml"), []byte(job), 0o644)).To(Succeed())
			ns, err := framework.CreateNamespace(ctx, admin.Client, "folder-"+name)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, admin.Client, ns.Name)).To(Succeed()) })
			class = strings.Replace(class, "NS-"+name, ns.Name, 1)
		}
		Expect(os.WriteFile(filepath.Join(dir, "class.yaml"), []byte(class), 0o644)).To(Succeed())

		By("joblab lab check, then joblab verify --class class.yaml (labs: examples/labs)")
		check := exec.CommandContext(ctx, bin, "lab", "check", "examples/labs")
		check.Dir = root
		out, err := check.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("ten-by-five: 2 steps, 9 facts"))
		report := filepath.Join(artifacts, "cli-lab-folder")
		verify := exec.CommandContext(ctx, bin, "verify", "--kubeconfig", admin.Kubeconfig, "--class", filepath.Join(dir, "class.yaml"), "--out", report)
		verify.Dir = root
		out, err = verify.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "bob's answer differs: want a failed verify, got %v", err)
		Expect(exit.ExitCode()).To(Equal(1))

		By("reading each student's report")
		aliceReport, err := os.ReadFile(filepath.Join(report, "alice", "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(aliceReport)).To(ContainSubstring("| ten-by-five | passed |"))
		Expect(string(aliceReport)).To(ContainSubstring("| ok | job.yaml: the manifest |"))
		bobReport, err := os.ReadFile(filepath.Join(report, "bob", "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(bobReport)).To(ContainSubstring("| ten-by-five | failed |"))
		Expect(string(bobReport)).To(ContainSubstring("| DIFFERS | job.yaml: Job ten-by-five spec.parallelism | 5 | 2 |"))
		Expect(string(bobReport)).To(ContainSubstring("| DIFFERS | most pods active at once | 5 (exercise 1: 5 at a time) | 2 |"))
		Expect(string(bobReport)).To(ContainSubstring("| DIFFERS | pods created in waves |"))
		Expect(string(bobReport)).To(MatchRegexp(`\| ok \| kubectl get jobs: COMPLETIONS \| 10/10 .*\| 10/10 \|`))
	})
})
