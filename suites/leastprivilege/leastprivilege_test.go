//go:build e2e

// Package leastprivilege runs `joblab verify --namespace` as a teacher on a
// shared cluster would: with a kubeconfig whose only rights are the Role
// that joblab ships (manifests/rbac/joblab-verify.yaml), bound in one
// namespace to a ServiceAccount.
package leastprivilege

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/gobuild"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
	"github.com/joblab/joblab/suites/framework"
)

func TestLeastPrivilege(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "joblab verify under the shipped Role")
}

var admin *framework.Env

var _ = SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	kubeconfig, err := framework.EnsureCluster(ctx)
	Expect(err).NotTo(HaveOccurred())
	return []byte(kubeconfig)
}, func(kubeconfig []byte) {
	var err error
	admin, err = framework.NewEnv(string(kubeconfig))
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

var _ = Describe("joblab verify --namespace", Label("least-privilege"), func() {
	It("passes every lab with only the shipped Role, creating nothing outside the namespace", func(ctx context.Context) {
		By("creating a namespace and a ServiceAccount bound to the shipped Role")
		ns, err := framework.CreateNamespace(ctx, admin.Client, "classroom")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) { Expect(framework.DeleteNamespace(ctx, admin.Client, ns.Name)).To(Succeed()) })
		objs, err := manifests.Load("rbac/joblab-verify.yaml")
		Expect(err).NotTo(HaveOccurred())
		role := objs[0].(*rbacv1.Role)
		_, err = admin.Client.RbacV1().Roles(ns.Name).Create(ctx, role, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		sa, err := admin.Client.CoreV1().ServiceAccounts(ns.Name).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "teacher"}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		_, err = admin.Client.RbacV1().RoleBindings(ns.Name).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "joblab-verify"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: ns.Name}},
		}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())

		By("writing a kubeconfig with the ServiceAccount's token")
		tok, err := admin.Client.CoreV1().ServiceAccounts(ns.Name).CreateToken(ctx, sa.Name, &authnv1.TokenRequest{Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		kubeconfig := filepath.Join(dir, "teacher.kubeconfig")
		Expect(clientcmd.WriteToFile(clientcmdapi.Config{
			Clusters:       map[string]*clientcmdapi.Cluster{"kind": {Server: admin.Config.Host, CertificateAuthorityData: admin.Config.CAData}},
			AuthInfos:      map[string]*clientcmdapi.AuthInfo{"teacher": {Token: tok.Status.Token}},
			Contexts:       map[string]*clientcmdapi.Context{"classroom": {Cluster: "kind", AuthInfo: "teacher", Namespace: ns.Name}},
			CurrentContext: "classroom",
		}, kubeconfig)).To(Succeed())

		By("checking that this kubeconfig has no cluster-wide rights")
		teacher, err := framework.NewEnv(kubeconfig)
		Expect(err).NotTo(HaveOccurred())
		_, err = teacher.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing namespaces: %v", err)
		_, err = teacher.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "listing nodes: %v", err)
		before, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())

		By("running joblab verify --namespace with it")
		root, err := gobuild.RepoRoot()
		Expect(err).NotTo(HaveOccurred())
		bin := filepath.Join(dir, "joblab")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/joblab")
		build.Dir = root
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		artifacts, err := filepath.Abs(framework.ArtifactsDir())
		Expect(err).NotTo(HaveOccurred())
		reportDir := filepath.Join(artifacts, "least-privilege")
		args := append([]string{"verify", "--kubeconfig", kubeconfig, "--namespace", ns.Name, "--out", reportDir}, labs()...)
		verify := exec.CommandContext(ctx, bin, args...)
		verify.Dir = root
		verify.Env = append(os.Environ(), "ARTIFACTS="+reportDir)
		out, err = verify.CombinedOutput()
		GinkgoWriter.Printf("%s\n", out)
		Expect(err).NotTo(HaveOccurred(), "joblab verify failed:\n%s", out)
		for _, lab := range labs() {
			Expect(string(out)).To(MatchRegexp(`(?m)^`+lab+`\s+passed`), "lab %s did not pass", lab)
		}
		report, err := os.ReadFile(filepath.Join(reportDir, "report.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(report)).To(ContainSubstring("port-forward to pod taskqueue"), "without rights on nodes the initiator must reach the broker through a port-forward")

		By("checking that nothing was created outside the namespace, and nothing left in it")
		after, err := admin.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		// Only what appeared counts: other work on the cluster may remove
		// namespaces meanwhile.
		Expect(created(before.Items, after.Items)).To(BeEmpty(), "namespaces created by joblab verify --namespace")
		jobs, err := admin.Client.BatchV1().Jobs(ns.Name).List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(jobs.Items).To(BeEmpty())
	})
})

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
