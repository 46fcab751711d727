package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/classrun"
)

// labFlags are the flags of the commands that run labs.
type labFlags struct {
	out, manifests, imageRepo, output, lang string
	keep                                    bool
	parallel                                int
	// labsDir is a lab folder, or a folder of them (joblab/v1), whose labs
	// run beside the lesson's; folderLabs are their names, once loaded.
	labsDir    string
	folderLabs []string
	// brokerNodePort is --broker-nodeport: "", "auto" or a number.
	brokerNodePort string
}

// brokerNodePort is the broker NodePort of the i-th student: the class
// file's (given), else --broker-nodeport's (auto: the lesson's plus i),
// else 0 (the lesson's).
func brokerNodePort(flag string, given int32, i int) (int32, error) {
	if given != 0 {
		return given, nil
	}
	switch flag {
	case "":
		return 0, nil
	case "auto":
		p := int32(lesson.BrokerNodePort + i)
		if p > settings.MaxNodePort {
			return 0, usageError("--broker-nodeport auto: student %d would get NodePort %d, past %d: give the class file's students nodePort values", i+1, p, settings.MaxNodePort)
		}
		return p, nil
	}
	n, err := strconv.ParseInt(flag, 10, 32)
	if err != nil || n < settings.MinNodePort || n > settings.MaxNodePort {
		return 0, usageError("--broker-nodeport %q: auto, or a NodePort of %d-%d", flag, settings.MinNodePort, settings.MaxNodePort)
	}
	return int32(n), nil
}

func (f *labFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.out, "out", "joblab-report", "folder for the reports (report.html, report.md, junit.xml, report.json) and each lab's log")
	fs.StringVar(&f.manifests, "manifests", "", "apply the manifests of this folder (your own YAML, same file names as the lesson's) instead of the lesson's")
	fs.StringVar(&f.imageRepo, "image-repo", "", "pull the lab programs' images from this repository (where 'joblab images --image-repo' pushed them), e.g. registry.school.example/class1")
	fs.BoolVar(&f.keep, "keep", false, "keep what the labs created (namespaces, objects) afterwards")
	fs.IntVar(&f.parallel, "parallel", 0, "lab processes at once, over every student (default: all at once); labs that share an object name in a namespace, or a NodePort, always take turns")
	fs.StringVarP(&f.output, "output", "o", "", "output format of the result: json or yaml (default: a table)")
	fs.StringVar(&f.lang, "lang", "en", "language of the reports: en, or ja (the lesson's: its facts in the notes' terms)")
	fs.StringVar(&f.brokerNodePort, "broker-nodeport", "", "the broker lab's NodePort: auto gives each student of a class one of their own (31672, 31673, ...; a class file's nodePort wins) so that their broker labs run side by side; a number gives that one; default the lesson's 31672")
	fs.StringVar(&f.labsDir, "labs", "", "also run the labs of this lab folder, or folder of lab folders (lab.yaml, joblab/v1; 'joblab lab new' writes one); with no LAB named, only these run")
}

// takeClassLabs makes a class file's labs: the --labs folder; both given
// must name the same folder.
func (f *labFlags) takeClassLabs(classPath, labs string) error {
	if labs == "" {
		return nil
	}
	if f.labsDir != "" && classrun.AbsOrEmpty(f.labsDir) != labs {
		return usageError("--labs %s and the class file %s's labs: %s name two lab folders: give one (the class file's, or --labs)", f.labsDir, classPath, labs)
	}
	f.labsDir = labs
	return nil
}

// loadFolders reads the lab folders of --labs into the catalogue, before
// the labs named are checked.
func (f *labFlags) loadFolders() error {
	if f.labsDir == "" {
		return nil
	}
	names, err := loadLabFolders(f.labsDir)
	if err != nil {
		return err
	}
	f.folderLabs = names
	return nil
}

// loadLabFolders reads lab folders into the catalogue; an error names the
// file, the line and the fix.
func loadLabFolders(dir string) ([]string, error) {
	names, err := lesson.RegisterFolders(dir)
	if err != nil {
		return nil, usageError("--labs %s:\n%v", dir, err)
	}
	return names, nil
}

// chooseLabs is selectLabs, where no name given means the lab folders'
// labs when --labs gave some.
func (f *labFlags) chooseLabs(args []string) ([]string, error) {
	if err := f.loadFolders(); err != nil {
		return nil, err
	}
	if len(args) == 0 && len(f.folderLabs) > 0 {
		return f.folderLabs, nil
	}
	return selectLabs(args)
}

// validate checks the flags before anything is built or started.
func (f *labFlags) validate() error {
	if err := validOutput(f.output, "json", "yaml"); err != nil {
		return err
	}
	if !report.ValidLang(f.lang) {
		return usageError("--lang %q: use %s", f.lang, strings.Join(report.Langs, " or "))
	}
	if f.parallel < 0 {
		return usageError("--parallel %d: give a positive number of labs, or 0 for all at once", f.parallel)
	}
	if f.manifests != "" {
		if st, err := os.Stat(f.manifests); err != nil || !st.IsDir() {
			return usageError("--manifests %s: not a folder; give the folder that holds your manifest files (job-normal-end.yaml, ...)", f.manifests)
		}
	}
	return nil
}

func validOutput(o string, allowed ...string) error {
	if o == "" {
		return nil
	}
	for _, a := range allowed {
		if o == a {
			return nil
		}
	}
	return usageError("output format %q: use %s", o, strings.Join(allowed, " or "))
}

// selectLabs checks the names given; none means every lab.
func selectLabs(names []string) ([]string, error) {
	var valid []string
	for _, l := range lesson.Labs {
		valid = append(valid, l.Name)
	}
	if len(names) == 0 {
		return valid, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		expanded := []string{n}
		if n == lesson.ModernTrack {
			expanded = lesson.TrackLabs(lesson.ModernTrack)
		} else if _, ok := lesson.FindLab(n); !ok {
			return nil, usageError("unknown lab %q; the labs are: %s, or %s for the modern track's labs (see 'joblab list')", n, strings.Join(valid, ", "), lesson.ModernTrack)
		}
		for _, n := range expanded {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// completeLabs offers the lab names to shell completion.
func completeLabs(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, l := range lesson.Labs {
		names = append(names, l.Name+"\t"+l.Summary)
	}
	names = append(names, lesson.ModernTrack+"\tevery lab of the modern track (today's Job features, GA by 1.34)")
	return names, cobra.ShellCompDirectiveNoFileComp
}

func newListCommand() *cobra.Command {
	var output, labsDir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, what each shows and how long it takes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validOutput(output, "json", "yaml", "name"); err != nil {
				return err
			}
			if labsDir != "" {
				if _, err := loadLabFolders(labsDir); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			type labOut struct {
				Name     string `json:"name"`
				Section  string `json:"section"`
				Summary  string `json:"summary"`
				Expected string `json:"expected"`
			}
			var labs []labOut
			for _, l := range lesson.Labs {
				labs = append(labs, labOut{l.Name, l.Section, l.Summary, l.Expected.String()})
			}
			switch output {
			case "json", "yaml":
				return classrun.PrintStructured(w, output, labs)
			case "name":
				for _, l := range labs {
					fmt.Fprintln(w, l.Name)
				}
				return nil
			}
			width := len("LAB")
			for _, l := range lesson.Labs {
				width = max(width, len(l.Name))
			}
			fmt.Fprintf(w, "%-*s %-10s %-9s %s\n", width, "LAB", "LESSON", "TAKES", "WHAT IT SHOWS")
			for _, l := range lesson.Labs {
				fmt.Fprintf(w, "%-*s %-10s ~%-8s %s\n", width, l.Name, l.Section, l.Expected, l.Summary)
			}
			fmt.Fprintf(w, "\n%s: every lab of the modern track (joblab run %s)\n", lesson.ModernTrack, lesson.ModernTrack)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format: json, yaml or name (default: a table)")
	cmd.Flags().StringVar(&labsDir, "labs", "", "also list the labs of this lab folder, or folder of lab folders")
	return cmd
}

// options are the run's options from the lab flags: what every target
// of one joblab run or verify shares.
func (f *labFlags) options(cmd *cobra.Command) (classrun.Options, error) {
	self, err := os.Executable()
	if err != nil {
		return classrun.Options{}, err
	}
	return classrun.Options{Out: f.out, Parallel: f.parallel, Lang: f.lang, Output: f.output, Keep: f.keep,
		ImageRepo: f.imageRepo, LabsDir: f.labsDir, Manifests: f.manifests, TraceRequests: settings.FromEnv().TraceRequests, Self: self, Stdout: cmd.OutOrStdout()}, nil
}

// runClass runs the chosen labs of each target (pkg/classrun) and turns
// its verdict into the command's exit code.
func runClass(ctx context.Context, cmd *cobra.Command, f labFlags, targets []classrun.Target) error {
	_, err := runClassRuns(ctx, cmd, f, targets)
	return err
}

// runClassRuns is runClass, which also returns each target's report (nil
// where a target wrote none): an in-cluster class's index stores its
// student's.
func runClassRuns(ctx context.Context, cmd *cobra.Command, f labFlags, targets []classrun.Target) ([]*report.Run, error) {
	opts, err := f.options(cmd)
	if err != nil {
		return nil, err
	}
	runs, err := classrun.Run(ctx, opts, targets)
	return runs, exitFor(err)
}

// exitFor gives a run's verdict its exit code.
func exitFor(err error) error {
	var e *classrun.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case classrun.Differs:
		return withCode(exitLabFailed, e)
	case classrun.NotVerified:
		return withCode(exitNotVerified, e)
	case classrun.Interrupted:
		return withCode(exitInterrupted, e)
	case classrun.Invalid:
		return withCode(exitUsage, e)
	}
	return err
}
