package framework

import (
	"context"
	"fmt"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/manifests"
)

// TeacherKubeconfig gives a teacher exactly the rights joblab ships for
// verifying namespaces: the Role of manifests/rbac/joblab-verify.yaml in
// each namespace, bound to one ServiceAccount (teacher, in the first
// namespace), and writes a kubeconfig with that ServiceAccount's token
// (valid an hour) to path, whose context works in the first namespace.
func TeacherKubeconfig(ctx context.Context, admin *Env, namespaces []string, path string) error {
	if len(namespaces) == 0 {
		return fmt.Errorf("TeacherKubeconfig: no namespace")
	}
	objs, err := manifests.Load("rbac/joblab-verify.yaml")
	if err != nil {
		return err
	}
	role, ok := objs[0].(*rbacv1.Role)
	if !ok {
		return fmt.Errorf("rbac/joblab-verify.yaml: first object is a %T, want a Role", objs[0])
	}
	home := namespaces[0]
	sa, err := admin.Client.CoreV1().ServiceAccounts(home).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "teacher"}}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	for _, ns := range namespaces {
		if _, err := admin.Client.RbacV1().Roles(ns).Create(ctx, role.DeepCopy(), metav1.CreateOptions{}); err != nil {
			return err
		}
		if _, err := admin.Client.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "joblab-verify"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: role.Name},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: home}},
		}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	tok, err := admin.Client.CoreV1().ServiceAccounts(home).CreateToken(ctx, sa.Name, &authnv1.TokenRequest{Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	return clientcmd.WriteToFile(clientcmdapi.Config{
		Clusters:       map[string]*clientcmdapi.Cluster{"kind": {Server: admin.Config.Host, CertificateAuthorityData: admin.Config.CAData}},
		AuthInfos:      map[string]*clientcmdapi.AuthInfo{"teacher": {Token: tok.Status.Token}},
		Contexts:       map[string]*clientcmdapi.Context{"classroom": {Cluster: "kind", AuthInfo: "teacher", Namespace: home}},
		CurrentContext: "classroom",
	}, path)
}
