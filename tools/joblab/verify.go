package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	authv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type runFlags struct {
	out       string
	procs     int
	keep      bool
	imageRepo string
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.imageRepo, "image-repo", "", "pull the lab programs' images from this repository (where 'joblab images --image-repo' pushed them), e.g. registry.school.example/class1")
	fs.StringVar(&f.out, "out", "joblab-report", "directory for the reports (report.html, report.md, junit.xml) and logs")
	fs.IntVar(&f.procs, "procs", 6, "labs run in parallel, each in its own namespace")
	fs.BoolVar(&f.keep, "keep", false, "keep the labs' namespaces and objects afterwards")
}

func runRun(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var cf clusterFlags
	cf.register(fs)
	var rf runFlags
	rf.register(fs)
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	labs, err := selectLabs(fs.Args())
	if err != nil {
		return err
	}
	c, err := up(ctx, cf)
	if err != nil {
		return &exitError{exitCluster, err}
	}
	return runSuite(ctx, suiteRun{labs: labs, kubeconfig: c.Kubeconfig, outDir: rf.out, procs: rf.procs, keep: rf.keep, imageRepo: rf.imageRepo})
}

func runVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", defaultKubeconfig(), "kubeconfig of the cluster to verify")
	kubeCtx := fs.String("context", "", "context of the kubeconfig to use (default: its current context)")
	namespace := fs.String("namespace", "", "work only inside this existing namespace (labs then run one after another; only namespaced rights are needed: see manifests/rbac/joblab-verify.yaml)")
	var rf runFlags
	rf.register(fs)
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	labs, err := selectLabs(fs.Args())
	if err != nil {
		return err
	}
	if err := reachable(ctx, *kubeconfig, *kubeCtx, *namespace); err != nil {
		return err
	}
	run := suiteRun{labs: labs, kubeconfig: *kubeconfig, kubeCtx: *kubeCtx, namespace: *namespace, outDir: rf.out, procs: rf.procs, keep: rf.keep, imageRepo: rf.imageRepo}
	if *namespace != "" {
		run.procs = 1 // the labs share the namespace and some object names
	}
	return runSuite(ctx, run)
}

func runClean(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clean", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", defaultKubeconfig(), "kubeconfig of the cluster to clean")
	kubeCtx := fs.String("context", "", "context of the kubeconfig to use")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	cs, err := clientFor(*kubeconfig, *kubeCtx)
	if err != nil {
		return err
	}
	const owned = "app.kubernetes.io/managed-by=joblab"
	list, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: owned})
	if err != nil {
		return &exitError{exitUnreachable, fmt.Errorf("listing namespaces labelled %s: %w", owned, err)}
	}
	removed := 0
	for _, ns := range list.Items {
		if ns.DeletionTimestamp != nil {
			continue
		}
		if err := cs.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			return fmt.Errorf("deleting namespace %s: %w", ns.Name, err)
		}
		fmt.Printf("deleted namespace %s\n", ns.Name)
		removed++
	}
	fmt.Printf("%d leftovers removed (namespaces labelled %s)\n", removed, owned)
	return nil
}

// defaultKubeconfig is $KUBECONFIG, else joblab's kind cluster's, else
// ~/.kube/config.
func defaultKubeconfig() string {
	if kc := os.Getenv("KUBECONFIG"); kc != "" {
		return kc
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".kube", "config")
}

func clientFor(kubeconfig, kubeCtx string) (*kubernetes.Clientset, error) {
	if _, err := os.Stat(kubeconfig); err != nil {
		return nil, &exitError{exitKubeconfig, fmt.Errorf("cannot read kubeconfig %s: %w (pass --kubeconfig)", kubeconfig, err)}
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: kubeCtx})
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, &exitError{exitKubeconfig, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)}
	}
	cfg.Timeout = 10 * time.Second
	return kubernetes.NewForConfig(cfg)
}

// reachable checks, before any lab starts, that the cluster answers and,
// with a namespace, that it exists and joblab may create Jobs in it.
func reachable(ctx context.Context, kubeconfig, kubeCtx, namespace string) error {
	cs, err := clientFor(kubeconfig, kubeCtx)
	if err != nil {
		return err
	}
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		return &exitError{exitUnreachable, fmt.Errorf("the API server of %s does not answer: %w", kubeconfig, err)}
	}
	if namespace == "" {
		return nil
	}
	review := &authv1.SelfSubjectAccessReview{Spec: authv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authv1.ResourceAttributes{
		Namespace: namespace, Verb: "create", Group: "batch", Resource: "jobs",
	}}}
	res, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
	if err != nil {
		return &exitError{exitForbidden, fmt.Errorf("asking the API server what joblab may do in namespace %s: %w", namespace, err)}
	}
	if !res.Status.Allowed {
		return &exitError{exitForbidden, fmt.Errorf("forbidden: this kubeconfig may not create Jobs in namespace %s; bind the Role of manifests/rbac/joblab-verify.yaml to it", namespace)}
	}
	return nil
}
