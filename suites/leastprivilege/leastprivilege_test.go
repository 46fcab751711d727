//go:build e2e

// Package leastprivilege runs `joblab verify` as a teacher on a shared
// cluster would: a class of three namespaces, verified at once with a
// kubeconfig whose only rights are the Role that joblab ships
// (manifests/rbac/joblab-verify.yaml), bound in each namespace to one
// ServiceAccount.
package leastprivilege

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
	"github.com/joblab/joblab/pkg/framework"
)

func TestLeastPrivilege(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "joblab verify under the shipped Role")
}

// suiteSettings are the run's settings, from the environment (make e2e,
// ginkgo): the suite is where they are read, and passed on as a value.
var suiteSettings = settings.FromEnv()

var admin *framework.Env

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx, suiteSettings)
	Expect(err).NotTo(HaveOccurred())
	return []byte(kubeconfig)
}, func(kubeconfig []byte) {
	var err error
	admin, err = framework.NewEnv(string(kubeconfig), suiteSettings)
	Expect(err).NotTo(HaveOccurred())
}, NodeTimeout(framework.Timeouts.ClusterBuild))

// labs are every lab of the lesson: all of them must pass under the Role.
func labs() []string {
	var names []string
	for _, l := range lesson.Labs {
		names = append(names, l.Name)
	}
	return names
}

// students is the class the suite verifies: three namespaces, the third
// with its own manifests where one lab is made to fail on purpose.
const students = 3

// unverifiableLab is the lab the shipped Role cannot verify: it needs the
// nodes (to crash one), which a namespaced Role cannot read.
const unverifiableLab = "node-loss"

// equivalentAnswers is a student's folder of correct answers written
// differently: every lab must pass on it.
const equivalentAnswers = "examples/equivalent-answers"

// classParallel is how many labs of the class run at once.
const classParallel = 15

// classroom creates n namespaces labelled as joblab's (removed when the
// spec ends), the shipped Role in each bound to one ServiceAccount, and
// that ServiceAccount's token kubeconfig: the teacher's, in a temporary
// folder.
func classroom(ctx context.Context, n int, prefix string) (namespaces []string, dir, kubeconfig string) {
	for range n {
		ns, err := framework.CreateNamespace(ctx, admin.Client, prefix)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, admin.Client, ns.Name)).To(Succeed()) })
		namespaces = append(namespaces, ns.Name)
	}
	dir = GinkgoT().TempDir()
	kubeconfig = filepath.Join(dir, "teacher.kubeconfig")
	Expect(framework.TeacherKubeconfig(ctx, admin, namespaces, kubeconfig)).To(Succeed())
	return namespaces, dir, kubeconfig
}

// brokenLab is the lab the third student's manifest makes fail: their
// two-containers Job gives up after one retry instead of the lesson's two.
const brokenLab = "two-containers"

var _ = Describe("joblab verify as a class", Label("least-privilege"), func() {
	It("verifies three namespaces at once with only the shipped Role, scores them, and creates nothing outside them", func(ctx context.Context) {
		By("creating three namespaces, the shipped Role in each, bound to one ServiceAccount, and its kubeconfig")
		namespaces, dir, kubeconfig := classroom(ctx, students, "classroom")

		By("checking that this kubeconfig has no cluster-wide rights")
		teacher, err := framework.NewEnv(kubeconfig, settings.Settings{ImageRepo: suiteSettings.ImageRepo})
		Expect(err).NotTo(HaveOccurred())
		_, err = teacher.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing namespaces: %v", err)
		_, err = teacher.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing nodes: %v", err)
		before, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())

		By("giving the third student their own manifests, with " + brokenLab + "'s backoffLimit changed from 2 to 1")
		own := filepath.Join(dir, "student3")
		Expect(os.MkdirAll(filepath.Join(own, "legacy"), 0o755)).To(Succeed())
		for _, name := range append(manifests.Names(), "legacy/cron-job.v1beta1.yaml") {
			data, err := manifests.Read(name)
			Expect(err).NotTo(HaveOccurred())
			if name == "job-container-failed.yaml" {
				edited := strings.Replace(string(data), "backoffLimit: 2", "backoffLimit: 1", 1)
				Expect(edited).NotTo(Equal(string(data)), "the lesson's manifest no longer says backoffLimit: 2")
				data = []byte(edited)
			}
			Expect(os.MkdirAll(filepath.Dir(filepath.Join(own, name)), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(own, name), data, 0o644)).To(Succeed())
		}
		By("giving the second student a folder of correct answers written differently (" + equivalentAnswers + "): only the lesson's files, kubectl-generated YAML, defaults written out, lists reordered")
		root, err := gobuild.RepoRoot()
		Expect(err).NotTo(HaveOccurred())
		answers, err := os.ReadDir(filepath.Join(root, equivalentAnswers))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.MkdirAll(filepath.Join(dir, "student2"), 0o755)).To(Succeed())
		for _, f := range answers {
			if strings.HasSuffix(f.Name(), ".yaml") {
				data, err := os.ReadFile(filepath.Join(root, equivalentAnswers, f.Name()))
				Expect(err).NotTo(HaveOccurred())
				Expect(os.WriteFile(filepath.Join(dir, "student2", f.Name()), data, 0o644)).To(Succeed())
			}
		}
		class := filepath.Join(dir, "class.yaml")
		Expect(os.WriteFile(class, []byte(fmt.Sprintf("student1: {namespace: %s}\nstudent2: {namespace: %s, manifests: student2}\nstudent3: {namespace: %s, manifests: student3}\n", namespaces[0], namespaces[1], namespaces[2])), 0o644)).To(Succeed())

		By(fmt.Sprintf("running joblab verify --class with it: every lab of every student, %d at once", classParallel))
		bin := filepath.Join(dir, "joblab")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/joblab")
		build.Dir = root
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		artifacts, err := filepath.Abs(suiteSettings.Artifacts())
		Expect(err).NotTo(HaveOccurred())
		reportDir := filepath.Join(artifacts, "least-privilege")
		// At most classParallel labs at once, as a teacher on a small
		// machine runs a class: with all 45 at once on 2 cores, pods
		// started so late that timing facts (back-off, a Job's pod count
		// seen by a watch) wavered from run to run.
		// Each student's broker at a NodePort of its own (31672, 31673,
		// 31674): the class's broker labs run side by side.
		args := append([]string{"verify", "--kubeconfig", kubeconfig, "--class", class, "--out", reportDir, "--parallel", fmt.Sprint(classParallel), "--broker-nodeport", "auto"}, labs()...)
		verify := exec.CommandContext(ctx, bin, args...)
		verify.Dir = root
		verify.Env = append(os.Environ(), "ARTIFACTS="+reportDir)
		out, err = verify.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue(), "joblab verify must fail (student3's lab differs): %v\n%s", err, out)
		Expect(exit.ExitCode()).To(Equal(1), "exit code of a class where a lab differs:\n%s", out)

		By("reading the class's scores: students 1 and 2 pass every lab, student 3 all but " + brokenLab + "; node-loss is not verified for anyone (the Role cannot read nodes), never passed")
		var view struct {
			Students []struct {
				Name  string
				Score struct{ LabsPassed, Labs, FactsMatched, Facts int }
				Labs  map[string]struct{ Outcome, Why string }
			}
		}
		data, err := os.ReadFile(filepath.Join(reportDir, "class.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &view)).To(Succeed())
		Expect(view.Students).To(HaveLen(students))
		for i, st := range view.Students {
			Expect(st.Name).To(Equal(fmt.Sprintf("student%d", i+1)))
			Expect(st.Labs).To(HaveLen(len(labs())), "labs of %s", st.Name)
			for _, lab := range labs() {
				want := "passed"
				switch {
				case st.Name == "student3" && lab == brokenLab:
					want = "differs"
				case lab == unverifiableLab:
					want = "not verified"
					Expect(st.Labs[lab].Why).To(ContainSubstring("the nodes cannot be read"), "%s %s", st.Name, lab)
				}
				Expect(st.Labs[lab].Outcome).To(Equal(want), "%s %s: %s", st.Name, lab, st.Labs[lab].Why)
			}
			if st.Name == "student3" {
				Expect(st.Score.LabsPassed).To(Equal(len(labs()) - 2))
				Expect(st.Score.FactsMatched).To(BeNumerically("<", st.Score.Facts))
				Expect(st.Labs[brokenLab].Why).To(ContainSubstring("backoffLimit"), "the first difference is the manifest's")
			} else {
				Expect(st.Score.LabsPassed).To(Equal(len(labs()) - 1))
				Expect(st.Score.FactsMatched).To(Equal(st.Score.Facts))
				Expect(st.Score.Facts).To(BeNumerically(">", 50), "facts checked for %s", st.Name)
			}
		}
		md, err := os.ReadFile(filepath.Join(reportDir, "student1", "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("port-forward to pod taskqueue"), "without rights on nodes the initiator must reach the broker through a port-forward")
		md, err = os.ReadFile(filepath.Join(reportDir, "student2", "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("job-normal-end.yaml: written by | the student's folder | the student's folder"), "student2's own files are named as theirs")
		Expect(string(md)).To(ContainSubstring("taskQueue-deploy.yaml: Service taskqueue nodePort (a departure the teacher allowed) | lesson: 31672 | here: 31673"), "student2's broker at its own NodePort, said as a departure the teacher allowed")
		Expect(string(md)).To(MatchRegexp(`\| ok \| RabbitMQ answers at <node IP>:31673 \(from a pod: the nodes cannot be read here\) \|`), "student2's RabbitMQ reached at its own NodePort")
		Expect(string(md)).To(ContainSubstring("legacy/cron-job.v1beta1.yaml: written by"), "the legacy file student2 never wrote is named as joblab's")
		Expect(string(md)).To(ContainSubstring("the folder has none; a student need not write it"))

		By("rendering the class page in headless Chromium")
		dom := renderDOM(ctx, filepath.Join(reportDir, "class.html"))
		Expect(strings.Count(dom, `<tr class="student"`)).To(Equal(students))
		Expect(strings.Count(dom, `data-outcome=`)).To(Equal(students * len(labs())))
		Expect(dom).To(ContainSubstring(`data-lab="` + brokenLab + `" data-outcome="differs"`))
		Expect(strings.Count(dom, `data-outcome="passed"`)).To(Equal(students*len(labs()) - 1 - students))
		Expect(strings.Count(dom, `data-lab="`+unverifiableLab+`" data-outcome="not verified"`)).To(Equal(students))

		By("checking that nothing was created outside the namespaces, and nothing left in them")
		after, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		// Only what appeared counts: other work on the cluster may remove
		// namespaces meanwhile.
		Expect(created(before.Items, after.Items)).To(BeEmpty(), "namespaces created by joblab verify")
		for _, ns := range namespaces {
			jobs, err := admin.Client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
			Expect(err).NotTo(HaveOccurred())
			Expect(jobs.Items).To(BeEmpty(), "Jobs left in %s", ns)
		}
	})
})

// renderDOM loads a page in headless Chromium and returns its DOM.
func renderDOM(ctx context.Context, page string) string {
	bin, err := report.Browser()
	Expect(err).NotTo(HaveOccurred(), "the class page is checked in Chromium: install it (tools/prepare-host.sh does)")
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", "file://"+page).Output()
	Expect(err).NotTo(HaveOccurred(), "chromium --dump-dom %s", page)
	return string(out)
}

// created lists the namespaces of after that were not in before.
func created(before, after []corev1.Namespace) []string {
	had := map[string]bool{}
	for _, n := range before {
		had[n.Name] = true
	}
	var out []string
	for _, n := range after {
		if !had[n.Name] && n.DeletionTimestamp == nil {
			out = append(out, n.Name)
		}
	}
	return out
}
