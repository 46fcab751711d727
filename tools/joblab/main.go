// Command joblab builds the lesson's cluster and images and manages the
// cluster's life: "joblab up" creates (or reuses) the kind cluster,
// "joblab down" deletes it, "joblab node-image" and "joblab images" only
// build images.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/nodeimage"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/pkg/cluster"
)

// version is stamped by the Makefile.
var version = "dev"

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

var commands = []command{
	{"list", "list the labs, what each shows and how long it takes", runList},
	{"run", "run labs (all, or those named) on the kind cluster, created or reused", runRun},
	{"verify", "run labs on an existing cluster (--kubeconfig, --context)", runVerify},
	{"clean", "delete every namespace joblab created (label app.kubernetes.io/managed-by=joblab)", runClean},
	{"up", "create the kind cluster, or reuse a healthy one (building images offline)", runUp},
	{"down", "delete the kind cluster and stop the registry mirror", runDown},
	{"node-image", "build the offline kind node image and control-plane images", runNodeImage},
	{"images", "build the lab images (busybox, rabbitmq, the lab programs)", runImages},
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "joblab %s: the Jobs and CronJobs lesson, on a real cluster\n\nUsage: joblab <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'joblab <command> --help' for a command's flags.\nEnvironment: %s=online|offline forces the image mode; JOBLAB_CACHE_DIR moves the build cache.\n", cluster.ModeEnv)
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(os.Stdout)
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Println("joblab", version)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:])
			var ee *exitError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case ctx.Err() != nil:
				fmt.Fprintf(os.Stderr, "joblab %s: interrupted: %v\n", c.name, err)
				return exitInterrupted
			case errors.As(err, &ee):
				fmt.Fprintf(os.Stderr, "joblab %s: %v\n", c.name, err)
				return ee.code
			default:
				fmt.Fprintf(os.Stderr, "joblab %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(os.Stderr, "joblab: unknown command %q\n\n", args[0])
	usage(os.Stderr)
	return 2
}

type clusterFlags struct {
	name, config, kubeconfig, mode, logDir string
}

func (f *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "name", cluster.DefaultName, "name of the kind cluster")
	fs.StringVar(&f.config, "config", "kind-config.yaml", "kind configuration file")
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "where to write the cluster's kubeconfig (default: in the cache directory)")
	fs.StringVar(&f.mode, "mode", "", "image mode: online (public images) or offline (build here, serve from a local mirror); default: detect, or $"+cluster.ModeEnv)
	fs.StringVar(&f.logDir, "log-dir", "_artifacts/logs", "where step logs and, on failure, cluster logs are kept")
}

func runUp(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	var f clusterFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := up(ctx, f)
	if err != nil {
		return err
	}
	fmt.Printf("\nexport KUBECONFIG=%s\n", c.Kubeconfig)
	return nil
}

// up creates or reuses the kind cluster with every lab image available.
func up(ctx context.Context, f clusterFlags) (*cluster.Cluster, error) {
	return cluster.UpWithLabImages(ctx, cluster.Options{
		Name: f.name, ConfigFile: f.config, Kubeconfig: f.kubeconfig, Mode: cluster.Mode(f.mode), LogDir: f.logDir,
	}, os.Stdout)
}

func runDown(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("down", flag.ContinueOnError)
	name := fs.String("name", cluster.DefaultName, "name of the kind cluster")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return cluster.Down(ctx, *name, os.Stdout)
}

func runNodeImage(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("node-image", flag.ContinueOnError)
	logDir := fs.String("log-dir", "_artifacts/logs", "where step logs are kept")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := nodeimage.Build(ctx, progress.New(os.Stdout, *logDir, 0))
	if err != nil {
		return err
	}
	fmt.Println(res.NodeImage)
	for _, c := range res.Components {
		fmt.Printf("  %s\t%s\n", c.Ref, c.Path)
	}
	return nil
}

func runImages(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	logDir := fs.String("log-dir", "_artifacts/logs", "where step logs are kept")
	repo := fs.String("image-repo", "", "also push the lab programs' images to this repository (e.g. registry.school.example/class1), for clusters that cannot see this host")
	insecure := fs.Bool("insecure", false, "the --image-repo registry speaks plain HTTP")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	set, err := labimages.All(ctx, progress.New(os.Stdout, *logDir, 0))
	if err != nil {
		return err
	}
	for _, a := range append(set.Offline, set.Lab...) {
		fmt.Printf("  %s\t%s\n", a.Ref, a.Path)
	}
	if *repo == "" {
		return nil
	}
	for _, a := range set.Lab {
		img, err := ociimage.ReadArchive(a.Path)
		if err != nil {
			return err
		}
		target := strings.TrimSuffix(*repo, "/") + "/" + strings.TrimPrefix(a.Ref, "joblab/")
		if err := ociimage.Push(ctx, img, target, *insecure); err != nil {
			return fmt.Errorf("%w (is the registry reachable, and are you logged in with docker login?)", err)
		}
		fmt.Printf("pushed %s as %s\n", a.Ref, target)
	}
	fmt.Printf("run the labs with: joblab verify --image-repo %s ...\n", *repo)
	return nil
}
