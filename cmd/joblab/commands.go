package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	yamlv3 "go.yaml.in/yaml/v3"
	authv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"

	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/internal/versions"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/classrun"
	"github.com/joblab/joblab/pkg/cluster"
	"github.com/joblab/joblab/pkg/framework"
	"github.com/joblab/joblab/pkg/specs"
)

// clusterFlags choose and build the kind cluster.
type clusterFlags struct {
	name, config, mode, logDir string
	kubernetes                 string
	unverified                 bool
	nodes                      int
	// fs tells whether --nodes was given (0 is its default, not a value).
	fs *pflag.FlagSet
}

func (f *clusterFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	f.fs = fs
	fs.StringVar(&f.name, "name", cluster.DefaultName, "name of the kind cluster")
	fs.StringVar(&f.config, "config", "", "kind configuration file (default: the lesson's, built in)")
	fs.StringVar(&f.mode, "mode", "", "image mode: online (public images) or offline (build here, serve from a local mirror); default: detect, or $"+settings.ModeEnv)
	fs.StringVar(&f.logDir, "log-dir", filepath.Join("_artifacts", "logs"), "where step logs and, on failure, the cluster's logs are kept")
	fs.StringVar(&f.kubernetes, "kubernetes", settings.FromEnv().Kubernetes, "Kubernetes release of the cluster, e.g. v1.37.2 or 1.37 (default: "+versions.DefaultKubernetes+", or $"+settings.KubernetesEnv+"); verified: "+strings.Join(versions.VerifiedNames(), ", "))
	fs.BoolVar(&f.unverified, "unverified", settings.FromEnv().Unverified, "allow a --kubernetes release joblab knows but has not verified the labs on (to verify it)")
	fs.IntVar(&f.nodes, "nodes", 0, "number of nodes: the control plane and N-1 workers (default: the configuration's, the lesson's 3; 1 runs every pod on the control plane)")
}

// validate checks the flags before anything is built.
func (f *clusterFlags) validate() error {
	switch cluster.Mode(strings.ToLower(f.mode)) {
	case "", cluster.Online, cluster.Offline:
	default:
		return usageError("--mode %q: use %q or %q (or leave it out to detect)", f.mode, cluster.Online, cluster.Offline)
	}
	if f.nodes < 0 || (f.nodes == 0 && f.fs != nil && f.fs.Changed("nodes")) {
		return usageError("--nodes %d: a cluster has at least one node (use 1 for the control plane alone)", f.nodes)
	}
	if _, err := cluster.ResolveRelease(f.kubernetes, f.unverified); err != nil {
		return usageError("--kubernetes %s: %v", f.kubernetes, err)
	}
	if f.config != "" {
		if _, err := os.Stat(f.config); err != nil {
			return usageError("--config %s: %v", f.config, err)
		}
	}
	return nil
}

func (f *clusterFlags) up(cmd *cobra.Command) (*cluster.Cluster, error) {
	bc := buildCache()
	c, err := cluster.UpWithLabImages(cmd.Context(), cluster.Options{
		Name: f.name, ConfigFile: f.config, Mode: imageMode(f.mode), LogDir: f.logDir, Nodes: f.nodes,
		Kubernetes: f.kubernetes, Unverified: f.unverified, CacheDir: bc.Dir, DebianMirror: bc.DebianMirror,
	}, cmd.OutOrStdout())
	return c, withCode(exitCluster, err)
}

func newRunCommand() *cobra.Command {
	var (
		cf        clusterFlags
		lf        labFlags
		namespace string
	)
	cmd := &cobra.Command{
		Use:               "run [LAB...]",
		Short:             "Run labs (all, or those named) on the kind cluster, created or reused",
		Example:           "  joblab run prime\n  joblab run --manifests ./my-yaml normal cron\n  joblab run -o json two-containers\n  joblab run modern                  # the modern track: today's Job features (GA by 1.34)",
		ValidArgsFunction: completeLabs,
		RunE: func(cmd *cobra.Command, args []string) error {
			labs, err := lf.chooseLabs(args)
			if err != nil {
				return err
			}
			if err := cf.validate(); err != nil {
				return err
			}
			if err := lf.validate(); err != nil {
				return err
			}
			port, err := brokerNodePort(lf.brokerNodePort, 0, 0)
			if err != nil {
				return err
			}
			c, err := cf.up(cmd)
			if err != nil {
				return err
			}
			return runClass(cmd.Context(), cmd, lf, []classrun.Target{{Labs: labs, Cluster: fmt.Sprintf("kind cluster %s (Kubernetes %s)", c.Name, c.Kubernetes), ClusterKey: "kind " + c.Name,
				Settings: settings.Settings{Kubeconfig: c.Kubeconfig, Namespace: namespace, BrokerNodePort: port}}})
		},
	}
	cf.register(cmd)
	lf.register(cmd)
	cmd.Flags().StringVarP(&namespace, "namespace", "n", "", "work inside this existing namespace (default: a new namespace per lab)")
	return cmd
}

func newVerifyCommand() *cobra.Command {
	var (
		lf        labFlags
		classFile string
		selector  string
	)
	kube := genericclioptions.NewConfigFlags(true)
	cmd := &cobra.Command{
		Use:   "verify [LAB...]",
		Short: "Run labs on an existing cluster, read as kubectl reads it (--kubeconfig, --context, -n); several namespaces or contexts verify a class",
		Long: `Run labs on an existing cluster, read as kubectl reads it.

Inside one namespace the labs run side by side; labs that create objects
of the same name run one after the other. Several targets verify a class,
concurrently: namespaces of one cluster (-n s1,s2 or --namespace-selector),
contexts of the kubeconfig (--context a,b), or a class file. Each student
gets a report folder; the class gets class.html, class.md, class.csv,
class.json and junit.xml (a suite per student). Labs of different students
that need the same NodePort of one cluster (the broker lab's) take turns.

A class file is YAML, a student's name to where their labs run:

  alice: {namespace: s1}
  bob: {context: lab2, namespace: s2}
  carol: {namespace: s3, manifests: ./carol}   # carol's own YAML
  dave: {namespace: s4, nodePort: 31680}       # dave's broker at NodePort 31680

Its long form also names the lab folders the class is verified on:

  apiVersion: joblab/v1
  kind: Class
  labs: ./exercises       # relative to the file; as --labs would
  students:
    alice: {namespace: s1, manifests: ./alice}

Broker labs of one cluster need its NodePort 31672 in turn; with
--broker-nodeport auto each student's RabbitMQ takes a NodePort of its own
(31672, 31673, ... in the class's order; a class file's nodePort wins), a
departure the teacher allowed that the reports show, and they run side by
side.`,
		Example:           "  joblab verify --context classroom -n student1\n  joblab verify -n s1,s2,s3 --parallel 14\n  joblab verify --class class.yaml --out class-report\n  KUBECONFIG=a:b joblab verify prime",
		ValidArgsFunction: completeLabs,
		RunE: func(cmd *cobra.Command, args []string) error {
			wanted, classLabs, class, err := classTargets(cmd, kube, classFile, selector)
			if err != nil {
				return err
			}
			if err := lf.takeClassLabs(classFile, classLabs); err != nil {
				return err
			}
			labs, err := lf.chooseLabs(args)
			if err != nil {
				return err
			}
			if err := lf.validate(); err != nil {
				return err
			}
			if err := distinctStudents(wanted); err != nil {
				return err
			}
			var runs []classrun.Target
			for _, w := range wanted {
				t, err := resolveTarget(cmd, kube, w.context, w.namespace)
				if err != nil {
					if len(wanted) > 1 {
						err = fmt.Errorf("student %s: %w", w.student, err)
					}
					return err
				}
				defer os.RemoveAll(filepath.Dir(t.kubeconfig))
				port, err := brokerNodePort(lf.brokerNodePort, w.nodePort, len(runs))
				if err != nil {
					return err
				}
				runs = append(runs, classrun.Target{Student: w.student, Labs: labs, Cluster: t.describe(), ClusterKey: t.server, Manifests: w.manifests,
					Settings: settings.Settings{Kubeconfig: t.kubeconfig, Namespace: t.namespace, BrokerNodePort: port}})
			}
			if err := distinctPlaces(runs); err != nil {
				return err
			}
			if !class {
				runs[0].Student = ""
			}
			return runClass(cmd.Context(), cmd, lf, runs)
		},
	}
	lf.register(cmd)
	kube.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&classFile, "class", "", "verify a class: a YAML file of student name -> {context, namespace, manifests, nodePort} (or, with apiVersion: joblab/v1 and kind: Class, students: beside labs:)")
	cmd.Flags().StringVar(&selector, "namespace-selector", "", "verify every namespace of this label selector as a student (needs the right to list namespaces)")
	// -n and --context take several values, comma-separated.
	cmd.Flags().Lookup("namespace").Usage = "namespace(s) to work in, comma-separated: several verify a class, one student each"
	cmd.Flags().Lookup("context").Usage = "kubeconfig context(s) to use, comma-separated: several verify a class, one student each"
	return cmd
}

// wantedTarget is a student's target before it is checked.
type wantedTarget struct {
	student, context, namespace, manifests string
	// nodePort is the student's broker NodePort (class file), 0 for the
	// lesson's or --broker-nodeport's.
	nodePort int32
}

// classTargets lists the targets the flags name: one (the usual case), the
// namespaces of -n a,b or --namespace-selector, the contexts of --context
// a,b (each with -n's namespace, or its own), or the class file's students.
// class tells whether the flags ask for a class (a list, a selector or a
// class file), however many students that makes.
func classTargets(cmd *cobra.Command, kube *genericclioptions.ConfigFlags, classPath, selector string) (targets []wantedTarget, labs string, class bool, err error) {
	contexts, err := listFlag("--context", ptrValue(kube.Context))
	if err != nil {
		return nil, "", false, err
	}
	namespaces, err := listFlag("-n/--namespace", ptrValue(kube.Namespace))
	if err != nil {
		return nil, "", false, err
	}
	if classPath != "" && (len(namespaces) > 0 || len(contexts) > 0 || selector != "") {
		return nil, "", false, usageError("--class %s names every student's context and namespace: leave out -n, --context and --namespace-selector", classPath)
	}
	if selector != "" && len(namespaces) > 0 {
		return nil, "", false, usageError("give either -n or --namespace-selector, not both")
	}
	if selector != "" && len(contexts) > 1 {
		return nil, "", false, usageError("--namespace-selector lists the namespaces of one cluster: give one --context with it (or a class file for several clusters)")
	}
	if classPath != "" {
		c, err := readClassFile(classPath)
		return c.targets, c.labs, true, err
	}
	class = selector != "" || len(namespaces) > 1 || len(contexts) > 1
	if selector != "" {
		list, err := namespacesBySelector(cmd, kube, firstOr(contexts, ""), selector)
		if err != nil {
			return nil, "", false, err
		}
		namespaces = list
	}
	if len(contexts) == 0 {
		contexts = []string{""}
	}
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	for _, c := range contexts {
		for _, n := range namespaces {
			student := n
			switch {
			case len(contexts) > 1 && len(namespaces) > 1:
				student = c + "." + n
			case len(contexts) > 1:
				student = c
			}
			targets = append(targets, wantedTarget{student: student, context: c, namespace: n})
		}
	}
	return targets, "", class, nil
}

// listFlag splits a comma-separated flag value; a value given but naming
// nothing (",", "a,,b") is refused rather than read as "not given".
func listFlag(flag, value string) ([]string, error) {
	if value == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, x := range strings.Split(value, ",") {
		x = strings.TrimSpace(x)
		if x == "" {
			return nil, usageError("%s %q has an empty item: write the names comma-separated, e.g. s1,s2", flag, value)
		}
		if seen[x] {
			return nil, usageError("%s %q names %s twice", flag, value, x)
		}
		seen[x] = true
		out = append(out, x)
	}
	return out, nil
}

// classFile is what a class file says: the students, and maybe the lab
// folders they are verified on.
type classFile struct {
	targets []wantedTarget
	// labs is the class file's labs: (absolute), "" when it names none.
	labs string
}

// classExample shows both forms of a class file in an error.
const classExample = "write one line per student, e.g. 'alice: {namespace: s1}' (keys: context, namespace, manifests, nodePort); " +
	"to name lab folders too, write 'apiVersion: joblab/v1', 'kind: Class', 'labs: FOLDER' and the students under 'students:'"

// readClassFile reads a class file, in one of two forms. The short one is
// a map of student name -> context, namespace, and maybe the student's own
// manifests folder and broker NodePort. The long one (apiVersion:
// joblab/v1, kind: Class) holds that map under students:, beside labs:, a
// lab folder or a folder of them that the class is verified on (so that a
// student may be called "labs"). Folders are relative to the file;
// students come in the file's order, names taken as written (a student
// 0421 stays "0421", not an octal number).
func readClassFile(path string) (classFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return classFile{}, usageError("--class: %v", err)
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return classFile{}, usageError("--class %s: %v; %s", path, err, classExample)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yamlv3.MappingNode || len(doc.Content[0].Content) == 0 {
		return classFile{}, usageError("--class %s names no student; %s", path, classExample)
	}
	root := doc.Content[0]
	if !hasKey(root, "apiVersion") {
		targets, err := readStudents(path, root)
		return classFile{targets: targets}, err
	}
	var out classFile
	var students *yamlv3.Node
	fields := map[string]string{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "apiVersion", "kind", "labs":
			if v.Kind != yamlv3.ScalarNode {
				return classFile{}, usageError("--class %s line %d: %s must be a single value", path, v.Line, k.Value)
			}
			fields[k.Value] = v.Value
		case "students":
			students = v
		default:
			return classFile{}, usageError("--class %s line %d: unknown field %q of a kind: Class file (apiVersion, kind, labs, students)", path, k.Line, k.Value)
		}
	}
	if fields["apiVersion"] != labdef.APIVersion || fields["kind"] != "Class" {
		return classFile{}, usageError("--class %s: apiVersion %q, kind %q: this joblab reads apiVersion: %s with kind: Class", path, fields["apiVersion"], fields["kind"], labdef.APIVersion)
	}
	if students == nil || students.Kind != yamlv3.MappingNode || len(students.Content) == 0 {
		return classFile{}, usageError("--class %s: students: names no student; %s", path, classExample)
	}
	if out.targets, err = readStudents(path, students); err != nil {
		return classFile{}, err
	}
	if labs := fields["labs"]; labs != "" {
		if !filepath.IsAbs(labs) {
			labs = filepath.Join(filepath.Dir(path), labs)
		}
		if fi, err := os.Stat(labs); err != nil || !fi.IsDir() {
			return classFile{}, usageError("--class %s: labs %s is not a folder: give a lab folder (holding lab.yaml) or a folder of them, relative to the class file", path, labs)
		}
		out.labs = classrun.AbsOrEmpty(labs)
	}
	return out, nil
}

// hasKey tells whether a YAML map has a key.
func hasKey(m *yamlv3.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// readStudents reads a class file's map of students.
func readStudents(path string, root *yamlv3.Node) ([]wantedTarget, error) {
	var out []wantedTarget
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		name := key.Value
		if key.Kind != yamlv3.ScalarNode || name == "" {
			return nil, usageError("--class %s line %d: a student's name must be a plain word; %s", path, key.Line, classExample)
		}
		if seen[name] {
			return nil, usageError("--class %s line %d: student %s appears twice", path, key.Line, name)
		}
		seen[name] = true
		if value.Kind != yamlv3.MappingNode {
			return nil, usageError("--class %s line %d: student %s: %s", path, value.Line, name, classExample)
		}
		w := wantedTarget{student: name}
		for j := 0; j+1 < len(value.Content); j += 2 {
			k, v := value.Content[j], value.Content[j+1]
			if v.Kind != yamlv3.ScalarNode {
				return nil, usageError("--class %s line %d: student %s: %s must be a single value", path, v.Line, name, k.Value)
			}
			switch k.Value {
			case "context":
				w.context = v.Value
			case "namespace":
				w.namespace = v.Value
			case "manifests":
				w.manifests = v.Value
			case "nodePort":
				n, err := strconv.ParseInt(v.Value, 10, 32)
				if err != nil || n < settings.MinNodePort || n > settings.MaxNodePort {
					return nil, usageError("--class %s line %d: student %s: nodePort %q: a NodePort of %d-%d for this student's broker lab (the lesson's is %d)", path, v.Line, name, v.Value, settings.MinNodePort, settings.MaxNodePort, lesson.BrokerNodePort)
				}
				w.nodePort = int32(n)
			default:
				return nil, usageError("--class %s line %d: student %s: unknown field %q; %s", path, k.Line, name, k.Value, classExample)
			}
		}
		if w.context == "" && w.namespace == "" {
			return nil, usageError("--class %s: student %s has neither context nor namespace", path, name)
		}
		if w.manifests != "" && !filepath.IsAbs(w.manifests) {
			w.manifests = filepath.Join(filepath.Dir(path), w.manifests)
		}
		if w.manifests != "" {
			if fi, err := os.Stat(w.manifests); err != nil || !fi.IsDir() {
				return nil, usageError("--class %s: student %s: manifests %s is not a folder", path, name, w.manifests)
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// namespacesBySelector lists the namespaces of a label selector.
func namespacesBySelector(cmd *cobra.Command, kube *genericclioptions.ConfigFlags, context, selector string) ([]string, error) {
	cfg, err := flagsFor(kube, context, "").ToRESTConfig()
	if err != nil {
		return nil, withCode(exitKubeconfig, err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, withCode(exitKubeconfig, err)
	}
	list, err := cs.CoreV1().Namespaces().List(cmd.Context(), metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, withCode(exitForbidden, fmt.Errorf("listing the namespaces of --namespace-selector %s: %w (without the right to list namespaces, name them: -n s1,s2)", selector, err))
	}
	var names []string
	for _, n := range list.Items {
		names = append(names, n.Name)
	}
	if len(names) == 0 {
		return nil, usageError("--namespace-selector %s selects no namespace", selector)
	}
	return names, nil
}

func ptrValue(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// distinctStudents refuses two students whose report folders would be one
// (names equal but for case or characters a file name cannot hold), and
// names that are not a folder of their own (".", "..").
func distinctStudents(ws []wantedTarget) error {
	seen := map[string]string{}
	for _, w := range ws {
		folder := classrun.StudentFolder(w.student)
		if len(ws) > 1 && (folder == "" || folder == "." || folder == "..") {
			return usageError("student %q cannot name a report folder: rename them", w.student)
		}
		key := strings.ToLower(folder)
		if other, ok := seen[key]; ok {
			return usageError("students %q and %q would share the report folder %s: rename one", other, w.student, folder)
		}
		seen[key] = w.student
	}
	return nil
}

// distinctPlaces refuses two students in the same namespace of the same
// cluster: their labs would create, wait for and remove the same objects.
func distinctPlaces(runs []classrun.Target) error {
	seen := map[string]string{}
	for _, r := range runs {
		if r.Settings.Namespace == "" {
			continue // each lab makes a namespace of its own
		}
		key := r.ClusterKey + " " + r.Settings.Namespace
		if other, ok := seen[key]; ok {
			return usageError("students %q and %q both work in namespace %s of %s: give each their own namespace", other, r.Student, r.Settings.Namespace, r.ClusterKey)
		}
		seen[key] = r.Student
	}
	return nil
}

// flagsFor is a copy of the kubectl flags given, for one context and
// namespace ("" keeps what the flags and kubeconfig say).
func flagsFor(kube *genericclioptions.ConfigFlags, context, namespace string) *genericclioptions.ConfigFlags {
	f := genericclioptions.NewConfigFlags(false)
	f.CacheDir, f.KubeConfig = kube.CacheDir, kube.KubeConfig
	f.ClusterName, f.AuthInfoName = kube.ClusterName, kube.AuthInfoName
	f.APIServer, f.TLSServerName, f.Insecure = kube.APIServer, kube.TLSServerName, kube.Insecure
	f.CertFile, f.KeyFile, f.CAFile = kube.CertFile, kube.KeyFile, kube.CAFile
	f.BearerToken, f.Impersonate, f.ImpersonateUID = kube.BearerToken, kube.Impersonate, kube.ImpersonateUID
	f.ImpersonateGroup, f.ImpersonateUserExtra = kube.ImpersonateGroup, kube.ImpersonateUserExtra
	f.Username, f.Password, f.Timeout, f.DisableCompression = kube.Username, kube.Password, kube.Timeout, kube.DisableCompression
	f.Context = ptr.To(context)
	f.Namespace = ptr.To(namespace)
	return f
}

// target is a cluster (and maybe a namespace) read as kubectl reads it.
type target struct {
	kubeconfig string // a private, flattened copy for the lab processes
	context    string
	server     string
	namespace  string
	version    string // the API server's Kubernetes version
}

func (t target) describe() string {
	s := fmt.Sprintf("context %s (%s, Kubernetes %s)", t.context, t.server, t.version)
	if t.namespace != "" {
		s += ", namespace " + t.namespace
	}
	return s
}

// resolveTarget reads the kubeconfig with kubectl's loading rules (so
// KUBECONFIG=a:b merges and every flag applies) for one context and
// namespace ("" for the flags' and the kubeconfig's), checks that the API
// server answers and, in a namespace, that joblab may work there, and
// writes the chosen context, flattened, to a private file for the labs.
func resolveTarget(cmd *cobra.Command, all *genericclioptions.ConfigFlags, context, namespace string) (target, error) {
	kube := flagsFor(all, context, namespace)
	loader := kube.ToRawKubeConfigLoader()
	raw, err := loader.RawConfig()
	if err != nil {
		return target{}, withCode(exitKubeconfig, fmt.Errorf("reading the kubeconfig: %w (pass --kubeconfig, or set KUBECONFIG)", err))
	}
	name := raw.CurrentContext
	if context != "" {
		name = context
	}
	kctx, ok := raw.Contexts[name]
	if name == "" || !ok {
		var known []string
		for n := range raw.Contexts {
			known = append(known, n)
		}
		sort.Strings(known)
		if len(known) == 0 {
			return target{}, withCode(exitKubeconfig, errors.New("the kubeconfig has no contexts: pass --kubeconfig (or set KUBECONFIG) to a cluster's kubeconfig"))
		}
		return target{}, withCode(exitKubeconfig, fmt.Errorf("no context %q in the kubeconfig; the contexts are: %s (pass --context)", name, strings.Join(known, ", ")))
	}
	t := target{context: name}
	switch {
	case namespace != "":
		t.namespace = namespace
	case kctx.Namespace != "":
		t.namespace = kctx.Namespace
	}
	restCfg, err := kube.ToRESTConfig()
	if err != nil {
		return target{}, withCode(exitKubeconfig, fmt.Errorf("context %s: %w", name, err))
	}
	t.server = restCfg.Host
	restCfg.Timeout = 10 * time.Second
	cs, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return target{}, withCode(exitKubeconfig, err)
	}
	info, err := cs.Discovery().ServerVersion()
	if err != nil {
		return target{}, withCode(exitUnreachable, fmt.Errorf("the API server of context %s (%s) does not answer: %w", name, t.server, err))
	}
	t.version = info.GitVersion
	if err := mayRunLabs(cmd, cs, t.namespace); err != nil {
		return target{}, err
	}
	// The labs' kubeconfig is written from the REST configuration that
	// was just checked, with every kubectl override applied (--as,
	// --token, --server, ...): the labs run as exactly this identity.
	kc := kubeconfigFor(restCfg, name, t.namespace)
	dir, err := os.MkdirTemp("", "joblab-kubeconfig-")
	if err != nil {
		return target{}, err
	}
	t.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, t.kubeconfig); err != nil {
		os.RemoveAll(dir)
		return target{}, err
	}
	return t, nil
}

// mayRunLabs asks the API server whether joblab may create Jobs where the
// labs will run: in the namespace, or (without one) namespaces.
func mayRunLabs(cmd *cobra.Command, cs kubernetes.Interface, namespace string) error {
	attrs := &authv1.ResourceAttributes{Namespace: namespace, Verb: "create", Group: "batch", Resource: "jobs"}
	fix := "bind the Role of manifests/rbac/joblab-verify.yaml to it"
	if namespace == "" {
		attrs = &authv1.ResourceAttributes{Verb: "create", Resource: "namespaces"}
		fix = "give -n NAMESPACE to work inside one namespace, with the Role of manifests/rbac/joblab-verify.yaml"
	}
	review := &authv1.SelfSubjectAccessReview{Spec: authv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs}}
	res, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(cmd.Context(), review, metav1.CreateOptions{})
	if err != nil {
		return withCode(exitForbidden, fmt.Errorf("asking the API server what joblab may do: %w", err))
	}
	if !res.Status.Allowed {
		where := "in namespace " + namespace
		if namespace == "" {
			where = "(it needs to create namespaces)"
		}
		return withCode(exitForbidden, fmt.Errorf("forbidden: this user may not create %s %s; %s", attrs.Resource, where, fix))
	}
	return nil
}

func newCleanCommand() *cobra.Command {
	kube := genericclioptions.NewConfigFlags(true)
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Delete what joblab left behind (by its label " + framework.OwnerLabelKey + "=" + framework.OwnerLabelValue + ")",
		Long: "Without -n: delete every namespace joblab created. With -n: delete only joblab's\n" +
			"labelled objects inside that namespace (the namespace itself stays).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := kube.ToRESTConfig()
			if err != nil {
				return withCode(exitKubeconfig, fmt.Errorf("reading the kubeconfig: %w", err))
			}
			cs, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				return withCode(exitKubeconfig, err)
			}
			out := cmd.OutOrStdout()
			owned := framework.AllOwned
			if kube.Namespace != nil && *kube.Namespace != "" {
				ns := *kube.Namespace
				if err := framework.DeleteOwned(cmd.Context(), cs, ns, owned, framework.Timeouts.Namespace); err != nil {
					return withCode(exitUnreachable, fmt.Errorf("removing joblab's objects in namespace %s: %w", ns, err))
				}
				// Pods of an earlier run whose Job is gone go too.
				if _, err := releaseOrphans(cmd, cs, ns); err != nil {
					return err
				}
				fmt.Fprintf(out, "joblab's objects removed from namespace %s (label %s)\n", ns, owned)
				return nil
			}
			list, err := cs.CoreV1().Namespaces().List(cmd.Context(), metav1.ListOptions{LabelSelector: owned})
			if err != nil {
				return withCode(exitUnreachable, fmt.Errorf("listing namespaces labelled %s: %w", owned, err))
			}
			removed := 0
			for _, ns := range list.Items {
				if ns.DeletionTimestamp != nil {
					// Already going: unless pods whose Job is gone hold it.
					if _, err := releaseOrphans(cmd, cs, ns.Name); err != nil {
						return err
					}
					continue
				}
				if err := cs.CoreV1().Namespaces().Delete(cmd.Context(), ns.Name, metav1.DeleteOptions{}); err != nil {
					return fmt.Errorf("deleting namespace %s: %w", ns.Name, err)
				}
				fmt.Fprintf(out, "deleted namespace %s\n", ns.Name)
				removed++
			}
			fmt.Fprintf(out, "%d leftovers removed (namespaces labelled %s)\n", removed, owned)
			return nil
		},
	}
	kube.AddFlags(cmd.Flags())
	return cmd
}

// releaseOrphans releases joblab's pods in namespace ns that keep the Job
// controller's finalizer after their Job is gone (they would keep the
// namespace, or a clean-up, waiting), says which it released and returns
// how many.
func releaseOrphans(cmd *cobra.Command, cs kubernetes.Interface, ns string) (int, error) {
	released, err := framework.ReleaseOrphanedPods(cmd.Context(), cs, ns)
	if len(released) > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "released %d pods of namespace %s whose Job is gone from the Job controller's finalizer: %s\n",
			len(released), ns, strings.Join(released, ", "))
	}
	if apierrors.IsForbidden(err) {
		return len(released), withCode(exitForbidden, err)
	}
	if err != nil {
		return len(released), withCode(exitUnreachable, err)
	}
	return len(released), nil
}

// failer is the testing value Ginkgo reports a failed suite to.
type failer struct{ failed bool }

func (f *failer) Fail() { f.failed = true }

// newSpecsCommand is the lab process: it runs one lab's specs of the
// lesson suite in this process, with the settings its parent passed, and
// writes Ginkgo's JSON report to the settings' artifacts folder.
func newSpecsCommand() *cobra.Command {
	var label string
	cmd := &cobra.Command{
		Use:    "__specs",
		Short:  "Run one lab's specs in this process (used by run and verify)",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if label == "" {
				return usageError("--label is required")
			}
			if cmd.Context().Err() != nil {
				return withCode(exitInterrupted, errors.New("interrupted before the lab started"))
			}
			s := settings.FromEnv()
			specs.Register(s)
			suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
			suiteConfig.LabelFilter = label
			// An hour for a lab alone, longer where its waits are (Slowness).
			suiteConfig.Timeout = time.Duration(float64(60*time.Minute) * min(max(1, s.Slowness), settings.MaxSlowness))
			reporterConfig.JSONReport = filepath.Join(s.Artifacts(), "report.json")
			reporterConfig.NoColor = true
			reporterConfig.Verbose = true
			gomega.RegisterFailHandler(ginkgo.Fail)
			var f failer
			if !ginkgo.RunSpecs(&f, specs.SuiteName, suiteConfig, reporterConfig) {
				return withCode(exitLabFailed, errors.New("the lab differs from the lesson"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&label, "label", "", "the lab's label")
	return cmd
}

// kubeconfigFor writes a REST configuration as a one-context kubeconfig.
func kubeconfigFor(rc *rest.Config, name, namespace string) *clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{
		Server: rc.Host, CertificateAuthority: rc.CAFile, CertificateAuthorityData: rc.CAData,
		InsecureSkipTLSVerify: rc.Insecure, TLSServerName: rc.ServerName,
	}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{
		Token: rc.BearerToken, TokenFile: rc.BearerTokenFile,
		ClientCertificate: rc.CertFile, ClientCertificateData: rc.CertData,
		ClientKey: rc.KeyFile, ClientKeyData: rc.KeyData,
		Username: rc.Username, Password: rc.Password,
		Impersonate: rc.Impersonate.UserName, ImpersonateUID: rc.Impersonate.UID,
		ImpersonateGroups: rc.Impersonate.Groups, ImpersonateUserExtra: rc.Impersonate.Extra,
		Exec: rc.ExecProvider, AuthProvider: rc.AuthProvider,
	}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: namespace}
	cfg.CurrentContext = name
	return cfg
}
