// Command job-initiator is the broker lab's job-initiator (the lesson's
// job-initiator.py, step 10.8): from outside the cluster it publishes the
// four work items to the taskqueue broker and creates Job pngen, whose
// pods each take one item.
//
// Exit codes: 0 the Job was created, 1 an error, 2 bad flags, 3 the Job
// already exists (delete it first: kubectl delete job pngen -n NAMESPACE).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/joblab/joblab/labs/initiator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags, runs the initiator and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("job-initiator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	kubeconfig := flags.String("kubeconfig", "", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	kubeContext := flags.String("context", "", "kubeconfig context (default: the current context)")
	namespace := flags.String("namespace", initiator.DefaultNamespace, "namespace of the broker's service and of the job")
	brokerURL := flags.String("broker-url", "", "broker URL to publish to, such as amqp://guest:guest@HOST:31672/ (default: find service taskqueue's NodePort, or port-forward)")
	image := flags.String("image", initiator.WorkerImage, "the worker's image")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "job-initiator: unexpected argument %q: it takes only flags (see -h)\n", flags.Arg(0))
		return 2
	}
	config, err := restConfig(*kubeconfig, *kubeContext)
	if err != nil {
		fmt.Fprintf(stderr, "job-initiator: %v\n", err)
		return 1
	}
	kube, err := kubernetes.NewForConfig(config)
	if err != nil {
		fmt.Fprintf(stderr, "job-initiator: Kubernetes client: %v\n", err)
		return 1
	}
	_, err = initiator.Run(ctx, initiator.Options{
		Kube: kube, RESTConfig: config, Namespace: *namespace,
		BrokerURL: *brokerURL, Image: *image, Out: stdout,
	})
	switch {
	case errors.Is(err, initiator.ErrJobExists):
		fmt.Fprintf(stderr, "job-initiator: %v\n", err)
		return 3
	case err != nil:
		fmt.Fprintf(stderr, "job-initiator: %v\n", err)
		return 1
	}
	return 0
}

// restConfig loads the kubeconfig as kubectl does: the given file, else
// $KUBECONFIG, else ~/.kube/config; context overrides the current context.
func restConfig(kubeconfig, kubeContext string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: kubeContext}
	config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("load the kubeconfig: %w; pass --kubeconfig (and --context) or set KUBECONFIG", err)
	}
	return config, nil
}
