// Command joblab runs the Kubernetes lesson on Jobs and CronJobs on a real
// cluster and says, lab by lab, what the lesson documents next to what
// happened. The checks are the suite's own Ginkgo specs (pkg/specs),
// run inside this binary: no Go toolchain and no clone are needed to run
// them. It follows kubectl's conventions: flags anywhere, --kubeconfig,
// --context and -n read as kubectl reads them, help on stdout, -o json.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// version is stamped by the Makefile (-X main.version=...).
var version = "dev"

// Exit codes, one per kind of failure (README: "Exit codes").
const (
	exitOK          = 0
	exitLabFailed   = 1
	exitUsage       = 2
	exitCluster     = 3 // no Docker, or the kind cluster cannot be made
	exitKubeconfig  = 4 // unreadable kubeconfig, unknown context
	exitUnreachable = 5 // the API server does not answer
	exitForbidden   = 6 // RBAC forbids what the labs need
	// exitNotVerified: no lab differs, but at least one could not observe
	// the fact it exists for (a cluster that cannot show it): not a pass.
	exitNotVerified = 7
	exitInterrupted = 130
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code, err}
}

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}

// execute runs the command line and returns the exit code; every error is
// printed once, on stderr.
func execute(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	name := "joblab"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	code := exitLabFailed
	var ee *exitError
	switch {
	case ctx.Err() != nil:
		code = exitInterrupted
	case errors.As(err, &ee):
		code = ee.code
	case isCobraUsageError(err):
		code = exitUsage
	}
	if code == exitInterrupted && !strings.Contains(err.Error(), "interrupted") {
		err = fmt.Errorf("interrupted: %w", err)
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// isCobraUsageError recognises the errors cobra itself returns for a bad
// command line (it has no error types for them).
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "bad flag syntax"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "joblab",
		Short: "The Jobs and CronJobs lesson, checked on a real cluster",
		Long: `joblab runs the labs of the Kubernetes lesson on Jobs and CronJobs and
checks, fact by fact, that Kubernetes does what the lesson says.

  joblab list                          the labs
  joblab run prime                     a student: one lab on the kind cluster (created or reused)
  joblab verify --context lab -n s1    a teacher: every lab in a student's namespace
  joblab up | down                     the kind cluster only`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("joblab {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%v", err) })
	root.AddCommand(newListCommand(), newRunCommand(), newVerifyCommand(), newCleanCommand(),
		newUpCommand(), newDownCommand(), newNodeImageCommand(), newImagesCommand(), newVersionCommand(), newLabCommand(), newClassCommand(), newSpecsCommand())
	return root
}

// noArgs refuses stray words: "joblab down extra" must not delete anything.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError("%q takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print joblab's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "joblab %s\n", version)
			return nil
		},
	}
}
