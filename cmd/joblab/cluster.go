package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/nodeimage"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/internal/versions"
	"github.com/joblab/joblab/pkg/cluster"
)

func newUpCommand() *cobra.Command {
	var cf clusterFlags
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create the kind cluster, or reuse a healthy one (building images offline; Go is needed only to build them)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cf.validate(); err != nil {
				return err
			}
			c, err := cf.up(cmd)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\nexport KUBECONFIG=%s\n", c.Kubeconfig)
			return nil
		},
	}
	cf.register(cmd)
	return cmd
}

func newDownCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Delete the kind cluster and stop the registry mirror (the image cache stays)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withCode(exitCluster, cluster.Down(cmd.Context(), cluster.Options{Name: name, CacheDir: buildCache().Dir, Out: cmd.OutOrStdout()}))
		},
	}
	cmd.Flags().StringVar(&name, "name", cluster.DefaultName, "name of the kind cluster")
	return cmd
}

func newNodeImageCommand() *cobra.Command {
	var (
		logDir, kubernetes string
		unverified         bool
	)
	cmd := &cobra.Command{
		Use:   "node-image",
		Short: "Build the offline kind node image and control-plane images (needs Go: Kubernetes is built from the module proxy)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rel, err := cluster.ResolveRelease(kubernetes, unverified)
			if err != nil {
				return usageError("--kubernetes %s: %v", kubernetes, err)
			}
			res, err := nodeimage.Build(cmd.Context(), progress.New(cmd.OutOrStdout(), logDir, 0), buildCache(), rel)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.NodeImage)
			for _, c := range res.Components {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s\t%s\n", c.Ref, c.Path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&logDir, "log-dir", filepath.Join("_artifacts", "logs"), "where step logs are kept")
	cmd.Flags().StringVar(&kubernetes, "kubernetes", settings.FromEnv().Kubernetes, "Kubernetes release to build (default: "+versions.DefaultKubernetes+")")
	cmd.Flags().BoolVar(&unverified, "unverified", settings.FromEnv().Unverified, "allow a release joblab has not verified the labs on")
	return cmd
}

func newImagesCommand() *cobra.Command {
	var (
		logDir, repo string
		insecure     bool
	)
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Build the lab images (busybox, rabbitmq, the lab programs), and push the lab programs' to a class registry",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			set, err := labimages.All(cmd.Context(), progress.New(out, logDir, 0), buildCache())
			if err != nil {
				return err
			}
			for _, a := range append(set.Offline, set.Lab...) {
				fmt.Fprintf(out, "  %s\t%s\n", a.Ref, a.Path)
			}
			if repo == "" {
				return nil
			}
			for _, a := range set.Lab {
				img, err := ociimage.ReadArchive(a.Path)
				if err != nil {
					return err
				}
				target := strings.TrimSuffix(repo, "/") + "/" + strings.TrimPrefix(a.Ref, "joblab/")
				if err := ociimage.Push(cmd.Context(), img, target, insecure); err != nil {
					return fmt.Errorf("%w (is the registry reachable, and are you logged in with docker login?)", err)
				}
				fmt.Fprintf(out, "pushed %s as %s\n", a.Ref, target)
			}
			fmt.Fprintf(out, "run the labs with: joblab verify --image-repo %s ...\n", repo)
			return nil
		},
	}
	cmd.Flags().StringVar(&logDir, "log-dir", filepath.Join("_artifacts", "logs"), "where step logs are kept")
	cmd.Flags().StringVar(&repo, "image-repo", "", "also push the lab programs' images to this repository (e.g. registry.school.example/class1), for clusters that cannot see this host")
	cmd.Flags().BoolVar(&insecure, "insecure", false, "the --image-repo registry speaks plain HTTP")
	return cmd
}

// buildCache is where the builds are cached and which Debian mirror they
// use: $JOBLAB_CACHE_DIR and $JOBLAB_DEBIAN_MIRROR, read here, at the
// command, and passed down.
func buildCache() cache.Config { return settings.FromEnv().Cache() }

// imageMode is the image mode asked for: the --mode flag, else
// $JOBLAB_IMAGE_MODE (cluster.ResolveMode checks it, naming the variable).
func imageMode(flag string) cluster.Mode {
	if flag != "" {
		return cluster.Mode(strings.ToLower(flag))
	}
	return cluster.Mode(settings.FromEnv().ImageMode)
}
