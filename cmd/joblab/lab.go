package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/joblab/joblab/internal/labdef"
)

// newLabCommand is joblab lab: a teacher's own exercises, as lab folders.
func newLabCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Write and check lab folders: a teacher's own exercises (lab.yaml, joblab/v1), run with joblab run --labs DIR",
		Args:  noArgs,
	}
	cmd.AddCommand(newLabNewCommand(), newLabCheckCommand())
	return cmd
}

// labNewOptions are joblab lab new's.
type labNewOptions struct {
	name, dir string
}

func (o *labNewOptions) complete(args []string) {
	o.name = args[0]
	if o.dir == "" {
		o.dir = o.name
	}
}

func (o *labNewOptions) validate() error {
	if _, err := labdef.Parse("lab.yaml", []byte(labdef.Starter(o.name)[labdef.FileName])); err != nil {
		return usageError("lab name %q: %v", o.name, err)
	}
	if _, err := os.Stat(o.dir); err == nil {
		return usageError("%s exists already: joblab lab new writes a new folder and overwrites nothing; give another name or --dir", o.dir)
	}
	return nil
}

func (o *labNewOptions) run(cmd *cobra.Command) error {
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	files := labdef.Starter(o.name)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(o.dir, name), []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s/{%s}: edit the Job and the facts to the exercise, then\n  joblab lab check %s\n  joblab run --labs %s\n", o.dir, strings.Join(names, ","), o.dir, o.dir)
	return nil
}

func newLabNewCommand() *cobra.Command {
	o := &labNewOptions{}
	cmd := &cobra.Command{
		Use:     "new NAME",
		Short:   "Write a starter lab folder: a Job of 4 completions, 2 at a time, and four facts about it",
		Example: "  joblab lab new ten-by-five && joblab lab check ten-by-five",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.complete(args)
			if err := o.validate(); err != nil {
				return err
			}
			return o.run(cmd)
		},
	}
	cmd.Flags().StringVar(&o.dir, "dir", "", "folder to write (default: NAME)")
	return cmd
}

// labCheckOptions are joblab lab check's.
type labCheckOptions struct {
	dir string
}

func (o *labCheckOptions) run(cmd *cobra.Command) error {
	labs, err := labdef.Load(o.dir)
	if err != nil {
		return usageError("%v", err)
	}
	w := cmd.OutOrStdout()
	for _, l := range labs {
		objs, _ := l.Objects()
		steps, facts := l.StepsAndFacts()
		runs := ""
		if n := len(l.Runs); n > 0 {
			runs = fmt.Sprintf("%d runs, ", n)
		}
		fmt.Fprintf(w, "%s: %s%d steps, %d facts, applies %s (%s)\n", l.Name, runs, steps, facts, strings.Join(l.Manifests(), ", "), strings.Join(objs, ", "))
	}
	fmt.Fprintf(w, "ok: %d lab(s); run with joblab run --labs %s\n", len(labs), o.dir)
	return nil
}

func newLabCheckCommand() *cobra.Command {
	o := &labCheckOptions{}
	return &cobra.Command{
		Use:   "check DIR",
		Short: "Check a lab folder, or a folder of them, without a cluster: the format, every step and fact, the files they apply",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = args[0]
			return o.run(cmd)
		},
	}
}
