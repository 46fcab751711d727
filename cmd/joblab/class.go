package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/classjob"
	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/pkg/classrun"
	"github.com/joblab/joblab/pkg/cluster"
)

// inClusterServer is the API server's address inside its own cluster.
const inClusterServer = "https://kubernetes.default.svc"

func newClassCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "class",
		Short: "Grade a class in the cluster: an Indexed Job, one index per student (submit, status, collect, delete)",
		Long: `Grade a class in a cluster instead of on this machine.

joblab class submit makes, in a grading namespace, an Indexed Job with one
index per student: each index runs joblab verify for its student, in a pod
of joblab's own image, and stores the student's result in a ConfigMap.
This machine only submits, then reads: joblab class status shows the
class's progress, joblab class collect writes the same class page and
reports as a local joblab verify --class. A student's failed grading is
retried alone (backoffLimitPerIndex); one that failed every try shows as
"could not run" with its pods' reasons.

The grader's ServiceAccount may only read its class and write its results,
in the grading namespace. The students' credentials (the kubeconfig each
student's labs would use here) are a Secret there, and go nowhere else.
Everything of the class is owned by its Job: joblab class delete (or
deleting the Job) removes it whole.`,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newClassSubmitCommand(), newClassStatusCommand(), newClassCollectCommand(), newClassDeleteCommand(), newClassGradeCommand())
	return cmd
}

// gradingFlags name the grading cluster, namespace and class.
type gradingFlags struct {
	context, namespace, name string
}

func (g *gradingFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.context, "grading-context", "", "the kubeconfig context of the grading cluster (default: the current context)")
	cmd.Flags().StringVar(&g.namespace, "grading-namespace", classjob.DefaultNS, "the namespace the grading Job runs in")
	cmd.Flags().StringVar(&g.name, "name", classjob.DefaultName, "the class's name (the grading Job is joblab-class-NAME)")
}

// client is the grading cluster's client, and its API server.
func (g *gradingFlags) client(kube *genericclioptions.ConfigFlags) (kubernetes.Interface, *rest.Config, error) {
	if err := classjob.ValidName(g.name); err != nil {
		return nil, nil, usageError("--name: %v", err)
	}
	cfg, err := flagsFor(kube, g.context, g.namespace).ToRESTConfig()
	if err != nil {
		return nil, nil, withCode(exitKubeconfig, fmt.Errorf("the grading cluster (--grading-context %q): %w", g.context, err))
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, withCode(exitKubeconfig, err)
	}
	return cs, cfg, nil
}

// ClassSubmitOptions are joblab class submit's: the targets and labs as
// joblab verify takes them, where to grade, and with which image.
type ClassSubmitOptions struct {
	lf          labFlags
	grading     gradingFlags
	classFile   string
	selector    string
	image       string
	clusterName string
	retries     int32
	wait        bool
	timeout     time.Duration
	kube        *genericclioptions.ConfigFlags
}

func newClassSubmitCommand() *cobra.Command {
	o := &ClassSubmitOptions{kube: genericclioptions.NewConfigFlags(true)}
	cmd := &cobra.Command{
		Use:   "submit [LAB...]",
		Short: "Grade a class as an Indexed Job in the grading cluster (the targets as joblab verify takes them)",
		Example: "  joblab class submit --class class.yaml --name 3a --parallel 5 --wait --out class-3a\n" +
			"  joblab class submit -n s1,s2,s3 normal abnormal",
		ValidArgsFunction: completeLabs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.Run(cmd, args)
		},
	}
	o.lf.register(cmd)
	o.grading.register(cmd)
	o.kube.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&o.classFile, "class", "", "the class file, as joblab verify --class reads it")
	cmd.Flags().StringVar(&o.selector, "namespace-selector", "", "grade every namespace of this label selector as a student")
	cmd.Flags().StringVar(&o.image, "image", "", "the grader's image (default: this joblab binary in an image of its own, pushed to the kind cluster --cluster-name)")
	cmd.Flags().StringVar(&o.clusterName, "cluster-name", cluster.DefaultName, "the kind cluster the grader's image is pushed to, when --image is not given")
	cmd.Flags().Int32Var(&o.retries, "retries", 1, "how many times a student's failed grading is tried again, alone")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "wait until every student is graded, then collect the reports into --out")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 90*time.Minute, "with --wait: how long at most")
	cmd.Flags().Lookup("namespace").Usage = "the students' namespaces, comma-separated"
	cmd.Flags().Lookup("context").Usage = "the students' kubeconfig contexts, comma-separated"
	return cmd
}

// Run submits the class, then (--wait) waits and collects.
func (o *ClassSubmitOptions) Run(cmd *cobra.Command, args []string) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	if o.retries < 0 || o.retries > 5 {
		return usageError("--retries %d: 0 to 5", o.retries)
	}
	cs, gradingCfg, err := o.grading.client(o.kube)
	if err != nil {
		return err
	}
	wanted, classLabs, _, err := classTargets(cmd, o.kube, o.classFile, o.selector)
	if err != nil {
		return err
	}
	if err := o.lf.takeClassLabs(o.classFile, classLabs); err != nil {
		return err
	}
	labs, err := o.lf.chooseLabs(args)
	if err != nil {
		return err
	}
	if err := o.lf.validate(); err != nil {
		return err
	}
	if err := distinctStudents(wanted); err != nil {
		return err
	}
	in := classjob.Input{
		Config:    classjob.Config{Name: o.grading.name, Namespace: o.grading.namespace, Labs: labs, Lang: o.lf.lang},
		Parallel:  int32(o.lf.parallel),
		Retries:   o.retries,
		Manifests: map[int][]byte{},
	}
	var runs []classrun.Target
	for i, w := range wanted {
		t, err := resolveTarget(cmd, o.kube, w.context, w.namespace)
		if err != nil {
			return fmt.Errorf("student %s: %w", w.student, err)
		}
		defer os.RemoveAll(filepath.Dir(t.kubeconfig))
		port, err := brokerNodePort(o.lf.brokerNodePort, w.nodePort, i)
		if err != nil {
			return err
		}
		runs = append(runs, classrun.Target{Student: w.student, ClusterKey: t.server, Settings: settings.Settings{Namespace: t.namespace}})
		kc, err := podKubeconfig(t.kubeconfig, t.server, gradingCfg.Host)
		if err != nil {
			return fmt.Errorf("student %s: %w", w.student, err)
		}
		in.Kubeconfigs = append(in.Kubeconfigs, kc)
		s := classjob.Student{Name: w.student, Namespace: t.namespace, Target: t.describe(), ClusterKey: t.server, NodePort: port}
		dir := w.manifests
		if dir == "" {
			dir = o.lf.manifests
		}
		if dir != "" {
			archive, err := classjob.TarDir(dir)
			if err != nil {
				return fmt.Errorf("student %s: manifests %s: %w", w.student, dir, err)
			}
			in.Manifests[i], s.Manifests = archive, true
		}
		in.Config.Students = append(in.Config.Students, s)
	}
	if err := distinctPlaces(runs); err != nil {
		return err
	}
	if o.lf.labsDir != "" {
		if in.Labs, err = classjob.TarDir(o.lf.labsDir); err != nil {
			return fmt.Errorf("--labs %s: %w", o.lf.labsDir, err)
		}
		in.Config.LabsDir = true
	}
	if in.Image = o.image; in.Image == "" {
		fmt.Fprintf(out, "==> the grader's image: this joblab, for kind cluster %q\n", o.clusterName)
		bc := buildCache()
		if in.Image, err = cluster.ShipJoblab(ctx, cluster.Options{Name: o.clusterName, Mode: imageMode(""), CacheDir: bc.Dir, DebianMirror: bc.DebianMirror}, out); err != nil {
			return withCode(exitCluster, fmt.Errorf("the grader's image: %w (or give one with --image)", err))
		}
	}
	if err := submitClass(ctx, cs, in); err != nil {
		return err
	}
	fmt.Fprintf(out, "==> class %s: %d students, graded by Job %s in namespace %s (image %s, %d at once, each retried %d time(s))\n",
		in.Config.Name, len(in.Config.Students), classjob.JobName(in.Config.Name), in.Config.Namespace, in.Image, ptr.Deref(classjob.Job(in).Spec.Parallelism, 0), o.retries)
	if !o.wait {
		fmt.Fprintf(out, "follow it:  joblab class status --name %s --grading-namespace %s\nthen:       joblab class collect --name %s --grading-namespace %s --out DIR\n", in.Config.Name, in.Config.Namespace, in.Config.Name, in.Config.Namespace)
		return nil
	}
	if err := waitClass(ctx, cmd, cs, o.grading, o.timeout); err != nil {
		return err
	}
	return collectClass(ctx, cmd, cs, o.grading, o.lf.out, o.lf.output)
}

// podKubeconfig is a student's kubeconfig for a grading pod: every file
// it names put inside it, and, when the student's cluster is the grading
// cluster, its server the in-cluster address (the host's may be a port
// on 127.0.0.1). Credentials a pod cannot use (an exec plugin) are
// refused with the fix.
func podKubeconfig(path, server, gradingServer string) ([]byte, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return nil, err
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return nil, err
	}
	for name, a := range cfg.AuthInfos {
		if a.Exec != nil || a.AuthProvider != nil {
			return nil, fmt.Errorf("its credentials (user %s) run a program on this machine (exec or auth-provider), which a grading pod cannot: give it a token or a client certificate (e.g. a ServiceAccount bound to manifests/rbac/joblab-verify.yaml)", name)
		}
	}
	if server == gradingServer {
		for _, c := range cfg.Clusters {
			c.Server = inClusterServer
		}
	}
	return clientcmd.Write(*cfg)
}

// submitClass creates the grading namespace (when missing), the Job
// (suspended), what it owns, and resumes it.
func submitClass(ctx context.Context, cs kubernetes.Interface, in classjob.Input) error {
	ns := in.Config.Namespace
	if _, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{classjob.ManagedByKey: classjob.ManagedByValue}}}, metav1.CreateOptions{}); err != nil {
			return withCode(exitForbidden, fmt.Errorf("creating the grading namespace %s: %w (create it, or give --grading-namespace)", ns, err))
		}
	} else if err != nil && !apierrors.IsForbidden(err) {
		return err
	}
	job, err := cs.BatchV1().Jobs(ns).Create(ctx, classjob.Job(in), metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return usageError("class %s exists in namespace %s already: read it (joblab class status/collect --name %s), or remove it (joblab class delete --name %s)", in.Config.Name, ns, in.Config.Name, in.Config.Name)
	}
	if err != nil {
		return withCode(exitForbidden, fmt.Errorf("creating the grading Job in %s: %w", ns, err))
	}
	fail := func(what string, err error) error {
		_ = cs.BatchV1().Jobs(ns).Delete(context.WithoutCancel(ctx), job.Name, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)})
		return fmt.Errorf("creating the class's %s in %s: %w (the class was removed)", what, ns, err)
	}
	sa, role, binding, cm, secret, err := classjob.Owned(in, job)
	if err != nil {
		return fail("files", err)
	}
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return fail("ServiceAccount", err)
	}
	if _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		return fail("Role", err)
	}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		return fail("RoleBinding", err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		return fail("ConfigMap", err)
	}
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		return fail("Secret", err)
	}
	if _, err := cs.BatchV1().Jobs(ns).Patch(ctx, job.Name, types.MergePatchType, []byte(`{"spec":{"suspend":false}}`), metav1.PatchOptions{}); err != nil {
		return fail("start (resume)", err)
	}
	return nil
}

// classState reads a class: its config, Job, pods and each graded
// index's verdict.
type classState struct {
	config   classjob.Config
	job      *batchv1.Job
	pods     []corev1.Pod
	verdicts map[int]string
}

// resultPage is how many results a teacher's joblab reads at once: what
// it holds while it reads a class never grows with the class's size.
const resultPage = 20

// readClass reads the class, its pods and its results, a page of results
// at a time; onResult, when not nil, is given each result (its student,
// the student's index and the ConfigMap) while its page is held, and
// nothing of the result is kept but its verdict.
func readClass(ctx context.Context, cs kubernetes.Interface, g gradingFlags, onResult func(classjob.Student, int, *corev1.ConfigMap) error) (*classState, error) {
	ns, name := g.namespace, classjob.JobName(g.name)
	job, err := cs.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, usageError("no class %s in namespace %s (no Job %s): submit it with joblab class submit --name %s", g.name, ns, name, g.name)
	}
	if err != nil {
		return nil, err
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("the class's ConfigMap %s: %w", name, err)
	}
	st := &classState{job: job, verdicts: map[int]string{}}
	if err := json.Unmarshal([]byte(cm.Data[classjob.ConfigFile]), &st.config); err != nil {
		return nil, fmt.Errorf("the class's ConfigMap %s: %w", name, err)
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: classjob.ClassSelector(g.name) + "," + classjob.RoleKey + "=job"})
	if err != nil {
		return nil, err
	}
	st.pods = pods.Items
	opts := metav1.ListOptions{LabelSelector: classjob.ResultSelector(g.name), Limit: resultPage}
	for {
		page, err := cs.CoreV1().ConfigMaps(ns).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("the class's results (ConfigMaps %s in %s): %w", classjob.ResultSelector(g.name), ns, err)
		}
		for i := range page.Items {
			r := &page.Items[i]
			idx, err := strconv.Atoi(r.Labels[classjob.IndexKey])
			if err != nil || idx < 0 || idx >= len(st.config.Students) {
				continue
			}
			st.verdicts[idx] = r.Data["verdict"]
			if onResult != nil {
				if err := onResult(st.config.Students[idx], idx, r); err != nil {
					return nil, err
				}
			}
		}
		if page.Continue == "" {
			return st, nil
		}
		opts.Continue = page.Continue
	}
}

func (st *classState) states() []classjob.StudentState {
	return classjob.States(st.config, st.job, st.pods, st.verdicts)
}

func newClassStatusCommand() *cobra.Command {
	var g gradingFlags
	kube := genericclioptions.NewConfigFlags(true)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show an in-cluster class's progress: each student graded, running, waiting, retrying or could not run",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cs, _, err := g.client(kube)
			if err != nil {
				return err
			}
			st, err := readClass(cmd.Context(), cs, g, nil)
			if err != nil {
				return err
			}
			printStates(cmd, st)
			return nil
		},
	}
	g.register(cmd)
	kube.AddFlags(cmd.Flags())
	return cmd
}

func printStates(cmd *cobra.Command, st *classState) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "INDEX\tSTUDENT\tSTATE\tTRIES\tDETAIL")
	counts := map[string]int{}
	for _, s := range st.states() {
		counts[s.State]++
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\n", s.Index, s.Student, s.State, s.Tries, s.Detail)
	}
	w.Flush()
	fmt.Fprintf(cmd.OutOrStdout(), "class %s: %d students: %d graded, %d running, %d waiting, %d retrying, %d could not run\n", st.config.Name, len(st.config.Students),
		counts[classjob.StateGraded], counts[classjob.StateRunning], counts[classjob.StateWaiting], counts[classjob.StateRetrying], counts[classjob.StateFailed])
}

// waitClass watches the grading Job until it ends (Complete, or Failed
// when an index failed every try), printing each change of the count of
// students graded; bounded by timeout, it then says what it last saw.
func waitClass(ctx context.Context, cmd *cobra.Command, cs kubernetes.Interface, g gradingFlags, timeout time.Duration) error {
	out := cmd.OutOrStdout()
	ns, name := g.namespace, classjob.JobName(g.name)
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	last := ""
	var lastJob *batchv1.Job
	_, err := watchtools.UntilWithSync(wctx, listWatchJob(cs, ns, name), &batchv1.Job{}, nil, func(e watch.Event) (bool, error) {
		job, ok := e.Object.(*batchv1.Job)
		if !ok {
			return false, nil
		}
		lastJob = job
		line := fmt.Sprintf("%d of %d graded (active %d, indexes done %q, failed %q)", job.Status.Succeeded, ptr.Deref(job.Spec.Completions, 0), job.Status.Active, job.Status.CompletedIndexes, ptr.Deref(job.Status.FailedIndexes, ""))
		if line != last {
			fmt.Fprintf(out, "[%8s] class %s: %s\n", time.Since(start).Round(time.Second), g.name, line)
			last = line
		}
		for _, c := range job.Status.Conditions {
			if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		seen := "no Job seen"
		if lastJob != nil {
			seen = last
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(wctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("waited %s for class %s (Job %s in %s) to end; last seen: %s (joblab class status --name %s shows each student)", timeout, g.name, name, ns, seen, g.name)
		}
		return fmt.Errorf("watching class %s: %w; last seen: %s", g.name, err, seen)
	}
	return nil
}

// listWatchJob lists and watches one Job by name.
func listWatchJob(cs kubernetes.Interface, ns, name string) *cache.ListWatch {
	selector := fields.OneTermEqualSelector("metadata.name", name).String()
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, options metav1.ListOptions) (runtime.Object, error) {
			options.FieldSelector = selector
			return cs.BatchV1().Jobs(ns).List(ctx, options)
		},
		WatchFuncWithContext: func(ctx context.Context, options metav1.ListOptions) (watch.Interface, error) {
			options.FieldSelector = selector
			return cs.BatchV1().Jobs(ns).Watch(ctx, options)
		},
	}
}

func newClassCollectCommand() *cobra.Command {
	var (
		g              gradingFlags
		outDir, output string
	)
	kube := genericclioptions.NewConfigFlags(true)
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Write an in-cluster class's reports (class.html/md/csv/json, junit.xml, a folder per student) from its results",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cs, _, err := g.client(kube)
			if err != nil {
				return err
			}
			return collectClass(cmd.Context(), cmd, cs, g, outDir, output)
		},
	}
	g.register(cmd)
	kube.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&outDir, "out", "joblab-report", "folder for the class's reports")
	cmd.Flags().StringVarP(&output, "output", "o", "", "output format of the result: json or yaml (default: a table)")
	return cmd
}

// collectClass writes the class's reports from its results, as a local
// class run does; a student not graded (yet) has every lab as a row
// saying why. Its exit code is a local class's.
func collectClass(ctx context.Context, cmd *cobra.Command, cs kubernetes.Interface, g gradingFlags, outDir, output string) error {
	if err := validOutput(output, "json", "yaml"); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	dir, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	// Each result is written to its student's folder as its page is read,
	// and only its slim run is kept for the class's pages.
	graded := map[int]report.Student{}
	st, err := readClass(ctx, cs, g, func(student classjob.Student, i int, r *corev1.ConfigMap) error {
		data, err := classjob.RunJSON(r)
		run := &report.Run{}
		if err == nil {
			err = json.Unmarshal(data, run)
		}
		if err != nil {
			return fmt.Errorf("student %s's result: %w", student.Name, err)
		}
		graded[i], err = writeStudent(dir, student, run)
		return err
	})
	if err != nil {
		return err
	}
	c := st.config
	class := report.Class{Title: "joblab: the Jobs and CronJobs lesson, class verification (in-cluster: " + c.Name + ")", Lang: c.Lang, Started: st.job.CreationTimestamp.Time, Labs: c.Labs}
	if end := jobEnd(st.job); !end.IsZero() {
		class.Duration = end.Sub(class.Started)
	} else {
		class.Duration = time.Since(class.Started)
	}
	finished := true
	for _, s := range st.states() {
		student := c.Students[s.Index]
		if written, ok := graded[s.Index]; ok {
			class.Students = append(class.Students, written)
			continue
		}
		finished = finished && s.State == classjob.StateFailed
		verdict, why := report.VerdictInterrupted, "not graded yet: "+s.State
		if s.Detail != "" {
			why += " (" + s.Detail + ")"
		}
		if s.State == classjob.StateFailed {
			verdict, why = report.VerdictFailed, "could not run: every grading pod failed: "+s.Detail
		}
		run := &report.Run{Title: "joblab: " + student.Name, Lang: c.Lang, Cluster: student.Target, Started: class.Started}
		for _, lab := range c.Labs {
			run.Labs = append(run.Labs, report.Lab{Lab: lab, Spec: "could not run", Verdict: verdict, Reason: why})
		}
		written, err := writeStudent(dir, student, run)
		if err != nil {
			return err
		}
		class.Students = append(class.Students, written)
	}
	if err := classrun.WriteClass(class, dir); err != nil {
		return err
	}
	switch output {
	case "json", "yaml":
		if err := classrun.PrintStructured(out, output, class.View()); err != nil {
			return err
		}
	default:
		fmt.Fprintf(out, "\n%s\nclass reports: %s, %s, %s, %s\n", class.Table(), filepath.Join(dir, "class.html"), filepath.Join(dir, "class.md"), filepath.Join(dir, "class.csv"), filepath.Join(dir, "junit.xml"))
	}
	where := filepath.Join(dir, "class.md")
	if !finished {
		return withCode(exitLabFailed, fmt.Errorf("class %s is not graded yet (joblab class status --name %s); collected what there is (details: %s)", c.Name, c.Name, where))
	}
	return exitFor(classrun.Verdict(class.Students, where))
}

// writeStudent writes a student's own reports into its folder of dir and
// returns the student as the class's pages read it (its slim run).
func writeStudent(dir string, student classjob.Student, run *report.Run) (report.Student, error) {
	folder := classrun.StudentFolder(student.Name)
	if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
		return report.Student{}, err
	}
	if err := classrun.WriteReports(run, filepath.Join(dir, folder)); err != nil {
		return report.Student{}, err
	}
	return report.Student{Name: student.Name, Target: student.Target, Folder: folder, Run: run.Slim()}, nil
}

func jobEnd(job *batchv1.Job) time.Time {
	if job.Status.CompletionTime != nil {
		return job.Status.CompletionTime.Time
	}
	for _, c := range job.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time
		}
	}
	return time.Time{}
}

func newClassDeleteCommand() *cobra.Command {
	var g gradingFlags
	kube := genericclioptions.NewConfigFlags(true)
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Remove an in-cluster class: its Job, and with it everything it owns (results, credentials, the grader's rights)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cs, _, err := g.client(kube)
			if err != nil {
				return err
			}
			name := classjob.JobName(g.name)
			err = cs.BatchV1().Jobs(g.namespace).Delete(cmd.Context(), name, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)})
			if apierrors.IsNotFound(err) {
				// Its Job gone, a class may still have grading pods the
				// Job controller did not release (they keep the grading
				// namespace from going).
				if n, err := releaseOrphans(cmd, cs, g.namespace); n > 0 || err != nil {
					return err
				}
				return usageError("no class %s in namespace %s", g.name, g.namespace)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "class %s: Job %s deleted in %s; its pods, results, credentials and the grader's rights go with it\n", g.name, name, g.namespace)
			return nil
		},
	}
	g.register(cmd)
	kube.AddFlags(cmd.Flags())
	return cmd
}

// newClassGradeCommand is what each index of the grading Job runs: joblab
// verify for its student, then the result stored in a ConfigMap.
func newClassGradeCommand() *cobra.Command {
	var configPath, credentials string
	cmd := &cobra.Command{
		Use:    "grade",
		Short:  "Grade one student of an in-cluster class (what each index of the grading Job runs)",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return gradeIndex(cmd, configPath, credentials, os.Getenv("JOB_COMPLETION_INDEX"))
		},
	}
	cmd.Flags().StringVar(&configPath, "config", classjob.MountConfig+"/"+classjob.ConfigFile, "the class's config")
	cmd.Flags().StringVar(&credentials, "credentials", classjob.MountSecret, "the folder of the students' kubeconfigs")
	return cmd
}

func gradeIndex(cmd *cobra.Command, configPath, credentials, indexValue string) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	c, err := classjob.ReadConfig(configPath)
	if err != nil {
		return err
	}
	i, err := classjob.Index(c, indexValue)
	if err != nil {
		return err
	}
	s := c.Students[i]
	fmt.Fprintf(out, "==> class %s, index %d: student %s (%s), labs %s\n", c.Name, i, s.Name, s.Target, strings.Join(c.Labs, ", "))
	work, err := os.MkdirTemp("", "joblab-grade-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	lf := labFlags{out: filepath.Join(work, "out"), lang: c.Lang}
	configDir := filepath.Dir(configPath)
	if c.LabsDir {
		data, err := os.ReadFile(filepath.Join(configDir, classjob.LabsArchive))
		if err != nil {
			return err
		}
		lf.labsDir = filepath.Join(work, "labs")
		if err := classjob.Untar(data, lf.labsDir); err != nil {
			return err
		}
		if err := lf.loadFolders(); err != nil {
			return err
		}
	}
	manifests := ""
	if s.Manifests {
		data, err := os.ReadFile(filepath.Join(configDir, classjob.ManifestsKey(i)))
		if err != nil {
			return err
		}
		manifests = filepath.Join(work, "manifests")
		if err := classjob.Untar(data, manifests); err != nil {
			return err
		}
	}
	// The class's other students load the same cluster meanwhile.
	sharing := 0
	for _, other := range c.Students {
		if other.ClusterKey == s.ClusterKey {
			sharing++
		}
	}
	run := classrun.Target{Labs: c.Labs, Cluster: s.Target, ClusterKey: s.ClusterKey, Manifests: manifests,
		Settings: settings.Settings{Kubeconfig: filepath.Join(credentials, classjob.KubeconfigKey(i)), Namespace: s.Namespace, BrokerNodePort: s.NodePort,
			Slowness: settings.SlownessFor(sharing)}}
	runs, runErr := runClassRuns(ctx, cmd, lf, []classrun.Target{run})
	if ctx.Err() != nil {
		// Stopped (the pod deleted, the node drained): no result, and a
		// failed pod, so that the index is graded again.
		return withCode(exitInterrupted, fmt.Errorf("student %s: grading interrupted; no result stored, the index is tried again", s.Name))
	}
	if runs[0] == nil {
		return fmt.Errorf("student %s could not be graded: %v", s.Name, runErr)
	}
	// A lab that could not run says why in its log: shown here, so that
	// kubectl logs of the grading pod tells the teacher.
	for _, l := range runs[0].Labs {
		if l.Spec == "could not run" || strings.Contains(l.Reason, "could not run") || strings.Contains(l.Reason, "SynchronizedBeforeSuite") {
			if data, err := os.ReadFile(filepath.Join(lf.out, "labs", l.Lab+".log")); err == nil {
				lines := strings.Split(strings.TrimSpace(string(data)), "\n")
				fmt.Fprintf(out, "--- the end of lab %s's log:\n%s\n---\n", l.Lab, strings.Join(lines[max(0, len(lines)-30):], "\n"))
			}
		}
	}
	runs[0].Title += ": " + s.Name
	data, err := json.Marshal(runs[0])
	if err != nil {
		return err
	}
	verdict, couldNot := "passed", 0
	for _, l := range runs[0].Labs {
		if strings.Contains(l.Reason, "could not run") || strings.Contains(l.Reason, "SynchronizedBeforeSuite") {
			couldNot++
		}
	}
	switch {
	case couldNot == len(runs[0].Labs):
		verdict = "could not run"
	case runs[0].OnlyNotVerified():
		verdict = report.VerdictNotVerified
	case !runs[0].Passed():
		verdict = "differs"
	}
	result, err := classjob.Result(c, i, data, verdict)
	if err != nil {
		return err
	}
	classjob.AddUsage(result.Data, classjob.OwnUsage())
	if err := storeResult(ctx, c.Namespace, result); err != nil {
		return fmt.Errorf("storing student %s's result: %w", s.Name, err)
	}
	fmt.Fprintf(out, "==> student %s: %s; result stored in ConfigMap %s (this pod: peak %s bytes, %s s of CPU, from %s)\n", s.Name, verdict, result.Name, result.Data[classjob.PeakBytesKey], result.Data[classjob.CPUSecondsKey], result.Data[classjob.UsageFromKey])
	return nil
}

// storeResult creates the result, or replaces the one a failed try left.
func storeResult(ctx context.Context, ns string, cm *corev1.ConfigMap) error {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return fmt.Errorf("%w (joblab class grade runs in a grading pod)", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, err = cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		old, gerr := cs.CoreV1().ConfigMaps(ns).Get(ctx, cm.Name, metav1.GetOptions{})
		if gerr != nil {
			return gerr
		}
		cm.ResourceVersion = old.ResourceVersion
		_, err = cs.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{})
	}
	return err
}
