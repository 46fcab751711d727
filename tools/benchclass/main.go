// Command benchclass measures how joblab verifies a class (make
// bench-class). For each class size it creates that many namespaces on the
// cluster, gives a teacher exactly the shipped Role in them (a
// ServiceAccount token kubeconfig, as the least-privilege suite does), runs
//
//	joblab verify --kubeconfig <teacher> -n ns1,ns2,... --out <dir>/<size>
//
// and records the wall time, each lab's time per student, the API requests
// each lab sent per student (the lab processes' client-side count), and the
// peak memory of joblab's processes (the sum of their resident sets,
// sampled). The figures go to benchmark.json in the output folder, next to
// each size's class report. The namespaces are removed afterwards, also on
// Ctrl-C (which reaches joblab as an interrupt, so its labs clean up).
//
// Usage:
//
//	go run ./tools/benchclass [-sizes 1,5,10] [-joblab bin/joblab] [-out DIR] [LAB...]
//
// The cluster is the one the suites use ($JOBLAB_KUBECONFIG, or the kind
// cluster joblab up makes); make bench-class creates or reuses it first.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/joblab/joblab/internal/classjob"
	"github.com/joblab/joblab/internal/report"
	"github.com/joblab/joblab/internal/settings"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// Size is the measurement of one class size.
type Size struct {
	Students    int     `json:"students"`
	WallSeconds float64 `json:"wallSeconds"`
	// ExitCode is joblab verify's: 0 every lab of every student passed.
	ExitCode   int `json:"exitCode"`
	LabsPassed int `json:"labsPassed"`
	Labs       int `json:"labs"`
	// Per lab, over the students: the longest and the mean time, and the
	// most and the mean API requests one student's lab sent.
	SecondsPerLab     map[string]Spread `json:"secondsPerLab"`
	APIRequestsPerLab map[string]Spread `json:"apiRequestsPerLabPerStudent"`
	// PeakRSSBytes is the largest sum, over one sample, of the resident
	// sets of joblab and its lab processes (sampled every 250 ms).
	PeakRSSBytes int64 `json:"peakRSSBytes"`
	PeakProcs    int   `json:"peakProcesses"`
	// PeakBy is, at the sample of PeakRSSBytes, the resident set of
	// each program of the tree (by its command name, summed over its
	// processes): which part of joblab held the memory.
	PeakBy map[string]int64 `json:"peakRSSBytesByCommand,omitempty"`
	Report string           `json:"report"`
	// Mode is "local" (joblab verify) or "in-cluster" (joblab class
	// submit --wait: PeakRSSBytes is then the teacher's process alone).
	Mode string `json:"mode"`
	// Parallel is what was asked at once (0: everything): students
	// in-cluster, lab processes locally.
	Parallel int `json:"parallel,omitempty"`
	// Grading pods (in-cluster): each pod's peak memory and CPU time, as
	// the pod read them from its own cgroup.
	PodPeakBytes  *Spread `json:"gradingPodPeakBytes,omitempty"`
	PodCPUSeconds *Spread `json:"gradingPodCPUSeconds,omitempty"`
	// PodLargestProcessBytes is each pod's largest process's peak
	// resident set (getrusage): the cgroup's peak above also counts the
	// page cache of the files the pod wrote and read.
	PodLargestProcessBytes *Spread `json:"gradingPodLargestProcessBytes,omitempty"`
	UsageFrom              string  `json:"gradingPodUsageFrom,omitempty"`
}

// Spread is the largest and the mean of a figure over the students.
type Spread struct {
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Benchmark is benchmark.json.
type Benchmark struct {
	Started time.Time `json:"started"`
	Cluster string    `json:"cluster"`
	Labs    []string  `json:"labs"`
	// Flags are joblab's flags besides the targets (--broker-nodeport).
	Flags []string `json:"flags,omitempty"`
	Sizes []Size   `json:"sizes"`
	// CronRatio is, for one student, the wall time over the cron lab's
	// own duration (the lesson's floor: four scheduled minutes).
	CronRatio float64 `json:"wallOverCronLabForOneStudent,omitempty"`
	Host      string  `json:"host"`
}

func main() {
	os.Exit(run())
}

func run() int {
	sizesFlag := flag.String("sizes", "1,5,10", "class sizes to measure, comma-separated")
	bin := flag.String("joblab", "bin/joblab", "the joblab binary to measure")
	out := flag.String("out", filepath.Join(settings.FromEnv().Artifacts(), "bench-class"), "folder for benchmark.json and each size's class report")
	inCluster := flag.Bool("in-cluster", false, "grade each class in the cluster (joblab class submit --wait) instead of on this machine")
	parallel := flag.Int("parallel", 0, "in-cluster: students graded at once; local: lab processes at once, over every student (joblab verify --parallel); default: all")
	brokerPort := flag.String("broker-nodeport", "auto", "passed to joblab as --broker-nodeport: auto gives each student's broker a NodePort of its own (the class runs its broker labs side by side); empty: the lesson's 31672 for all, taken in turn")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "benchclass: -sizes %q: give positive numbers, e.g. 1,5,10\n", *sizesFlag)
			return 2
		}
		sizes = append(sizes, n)
	}
	labs := flag.Args()
	if len(labs) == 0 {
		for _, l := range lesson.Labs {
			labs = append(labs, l.Name)
		}
	}
	joblab, err := filepath.Abs(*bin)
	if err == nil {
		_, err = os.Stat(joblab)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchclass: the joblab binary %s: %v (make build makes it)\n", *bin, err)
		return 2
	}
	var flags []string // joblab's flags besides the targets
	if *brokerPort != "" {
		flags = append(flags, "--broker-nodeport", *brokerPort)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	kubeconfig, err := framework.EnsureCluster(ctx, settings.FromEnv())
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchclass: %v\n", err)
		return 1
	}
	admin, err := framework.NewEnv(kubeconfig, settings.FromEnv())
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchclass: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "benchclass: %v\n", err)
		return 1
	}
	host, _ := os.Hostname()
	bench := Benchmark{Started: time.Now(), Cluster: admin.Config.Host, Labs: labs, Flags: flags, Host: fmt.Sprintf("%s, %d CPUs", host, runtime.NumCPU())}
	// Sizes measured before and not measured again are kept.
	benchPath := filepath.Join(*out, "benchmark.json")
	mode := "local"
	if *inCluster {
		mode = "in-cluster"
	}
	var earlier Benchmark
	if data, err := os.ReadFile(benchPath); err == nil && json.Unmarshal(data, &earlier) == nil {
		for _, s := range earlier.Sizes {
			if s.Mode == "" {
				s.Mode = "local"
			}
			if !slices.Contains(sizes, s.Students) || s.Mode != mode {
				bench.Sizes = append(bench.Sizes, s)
			}
		}
		bench.CronRatio = earlier.CronRatio
	}
	code := 0
	for _, n := range sizes {
		fmt.Printf("==> class of %d: creating %d namespaces and the teacher's kubeconfig\n", n, n)
		var size Size
		var err error
		if *inCluster {
			size, err = measureInCluster(ctx, admin, joblab, n, *parallel, flags, labs, filepath.Join(*out, fmt.Sprintf("in-cluster-%d", n)))
		} else {
			size, err = measure(ctx, admin, joblab, n, *parallel, flags, labs, filepath.Join(*out, fmt.Sprintf("class-%d", n)))
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchclass: class of %d: %v\n", n, err)
			code = 1
			if ctx.Err() != nil {
				return 130
			}
			continue
		}
		if size.ExitCode != 0 {
			code = 1
		}
		fmt.Printf("==> class of %d (%s): %.0f s, %d/%d labs passed, peak memory here %d MiB over %d processes\n", n, size.Mode, size.WallSeconds, size.LabsPassed, size.Labs, size.PeakRSSBytes>>20, size.PeakProcs)
		if len(size.PeakBy) > 1 {
			fmt.Printf("    at that peak: %s\n", byCommandText(size.PeakBy))
		}
		if size.PodPeakBytes != nil {
			fmt.Printf("    grading pods: peak memory %.0f MiB at most, %.0f MiB on average; CPU %.0f s at most, %.0f s on average (%s)\n", size.PodPeakBytes.Max/(1<<20), size.PodPeakBytes.Mean/(1<<20), size.PodCPUSeconds.Max, size.PodCPUSeconds.Mean, size.UsageFrom)
			if l := size.PodLargestProcessBytes; l != nil {
				fmt.Printf("    grading pods' largest process: %.0f MiB at most, %.0f MiB on average (the cgroup's peak also counts page cache)\n", l.Max/(1<<20), l.Mean/(1<<20))
			}
		}
		bench.Sizes = append(bench.Sizes, size)
		sort.Slice(bench.Sizes, func(i, j int) bool {
			if bench.Sizes[i].Mode != bench.Sizes[j].Mode {
				return bench.Sizes[i].Mode == "local"
			}
			return bench.Sizes[i].Students < bench.Sizes[j].Students
		})
		if n == 1 && !*inCluster {
			if cron, ok := size.SecondsPerLab["cron"]; ok && cron.Max > 0 {
				bench.CronRatio = size.WallSeconds / cron.Max
			}
		}
		data, _ := json.MarshalIndent(bench, "", "  ")
		if err := os.WriteFile(benchPath, append(data, '\n'), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "benchclass: %v\n", err)
			return 1
		}
	}
	fmt.Printf("benchmark: %s\n", filepath.Join(*out, "benchmark.json"))
	return code
}

// measure verifies a class of n fresh namespaces and removes them after.
func measure(ctx context.Context, admin *framework.Env, joblab string, n, parallel int, flags, labs []string, dir string) (Size, error) {
	size := Size{Students: n, Report: dir, Mode: "local", Parallel: parallel}
	var namespaces []string
	defer removeNamespaces(admin, &namespaces)
	if err := createNamespaces(ctx, admin, n, "bench", &namespaces); err != nil {
		return size, err
	}
	// The size's folder is this tool's own output: an earlier run's
	// students must not count in this one.
	if err := os.RemoveAll(dir); err != nil {
		return size, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return size, err
	}
	kubeconfig := filepath.Join(dir, "teacher.kubeconfig")
	if err := framework.TeacherKubeconfig(ctx, admin, namespaces, kubeconfig); err != nil {
		return size, err
	}
	defer os.Remove(kubeconfig) // a token: not left in the report folder

	args := append([]string{"verify", "--kubeconfig", kubeconfig, "-n", strings.Join(namespaces, ","), "--out", dir, "-o", "json",
		"--parallel", strconv.Itoa(parallel)}, append(slices.Clone(flags), labs...)...)
	cmd := exec.CommandContext(ctx, joblab, args...)
	// Ctrl-C reaches joblab as an interrupt, so that its labs clean up.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 4 * time.Minute
	if err := runSampled(ctx, cmd, filepath.Join(dir, "joblab.log"), &size); err != nil {
		return size, err
	}
	return size, readClass(dir, n, labs, &size)
}

// createNamespaces makes n fresh namespaces, adding each to *made as soon
// as it exists (so that removeNamespaces finds it, also after an error).
func createNamespaces(ctx context.Context, admin *framework.Env, n int, prefix string, made *[]string) error {
	for range n {
		ns, err := framework.CreateNamespace(ctx, admin.Client, prefix)
		if err != nil {
			return err
		}
		*made = append(*made, ns.Name)
	}
	return nil
}

// removeNamespaces removes the namespaces a measurement made, also when
// it was interrupted: with a context of its own.
func removeNamespaces(admin *framework.Env, made *[]string) {
	cleanup, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, ns := range *made {
		if err := framework.DeleteNamespace(cleanup, admin.Client, ns); err != nil {
			fmt.Fprintf(os.Stderr, "benchclass: removing namespace %s: %v\n", ns, err)
		}
	}
}

// runSampled runs cmd, its output to logPath, sampling the memory of its
// process tree, and records the wall time, the peak and the exit code.
// An error is one of running it, or the interruption of the measurement.
func runSampled(ctx context.Context, cmd *exec.Cmd, logPath string, size *Size) error {
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	peak := make(chan treeSample, 1)
	done := make(chan struct{})
	go func() { peak <- samplePeak(cmd.Process.Pid, done) }()
	err = cmd.Wait()
	size.WallSeconds = time.Since(start).Seconds()
	close(done)
	p := <-peak
	size.PeakRSSBytes, size.PeakProcs, size.PeakBy = p.rss, p.procs, p.byCommand
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		size.ExitCode = exit.ExitCode()
	default:
		return err
	}
	return ctx.Err()
}

// tally gathers, over the students, each lab's time and API requests.
type tally struct{ seconds, requests map[string][]float64 }

func newTally() tally { return tally{map[string][]float64{}, map[string][]float64{}} }

// add counts one student's run (a lab of several specs summed).
func (t tally) add(run *report.Run) {
	perLab := map[string][2]float64{}
	for _, l := range run.Labs {
		v := perLab[l.Lab]
		v[0] += l.Duration.Seconds()
		v[1] += float64(l.APIRequests)
		perLab[l.Lab] = v
	}
	for lab, v := range perLab {
		t.seconds[lab] = append(t.seconds[lab], v[0])
		t.requests[lab] = append(t.requests[lab], v[1])
	}
}

// fill writes the spreads into size.
func (t tally) fill(size *Size) {
	size.SecondsPerLab = spreads(t.seconds)
	size.APIRequestsPerLab = spreads(t.requests)
}

// readClass fills the per-lab figures from each student's report.
func readClass(dir string, n int, labs []string, size *Size) error {
	// One student's reports are the folder's own; a class's are in a
	// folder per student.
	paths := []string{filepath.Join(dir, "report.json")}
	if n > 1 {
		paths = nil
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() {
				paths = append(paths, filepath.Join(dir, e.Name(), "report.json"))
			}
		}
	}
	t := newTally()
	students := 0
	for _, path := range paths {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		run, err := report.FromGinkgoJSON(path)
		if err != nil {
			return err
		}
		students++
		t.add(run)
		// Scored against the labs asked for: one without a report counts
		// as not passed.
		size.LabsPassed += report.Student{Run: run}.Score(labs).LabsPassed
	}
	if students != n {
		return fmt.Errorf("%d of %d students left a report in %s (see joblab.log there)", students, n, dir)
	}
	size.Labs = n * len(labs)
	t.fill(size)
	return nil
}

func spreads(m map[string][]float64) map[string]Spread {
	out := map[string]Spread{}
	for k, vs := range m {
		var s Spread
		for _, v := range vs {
			s.Max = max(s.Max, v)
			s.Mean += v
		}
		s.Mean /= float64(len(vs))
		out[k] = s
	}
	return out
}

// byCommandText is a sample's memory per command, the largest first.
func byCommandText(by map[string]int64) string {
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return by[names[i]] > by[names[j]] })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d MiB", n, by[n]>>20)
	}
	return strings.Join(parts, ", ")
}

// treeSample is one sample of a process tree: the sum of its resident
// sets, how many processes, and the sum per command name.
type treeSample struct {
	rss       int64
	procs     int
	byCommand map[string]int64
}

// samplePeak samples, until done, the resident sets of pid and its
// descendants, and returns the sample of the largest sum (with the most
// processes seen in any sample).
func samplePeak(pid int, done <-chan struct{}) treeSample {
	var best treeSample
	procs := 0
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		s := treeRSS(pid)
		if s.rss > best.rss {
			best = s
		}
		procs = max(procs, s.procs)
		best.procs = procs
		select {
		case <-done:
			return best
		case <-tick.C:
		}
	}
}

// treeRSS sums VmRSS over pid and every process descended from it, also
// per command name.
func treeRSS(root int) treeSample {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return treeSample{}
	}
	parent := map[int]int{}
	rss := map[int]int64{}
	name := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			fields := strings.Fields(v)
			if len(fields) == 0 {
				continue
			}
			switch k {
			case "Name":
				name[pid] = fields[0]
			case "PPid":
				parent[pid], _ = strconv.Atoi(fields[0])
			case "VmRSS":
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				rss[pid] = kb * 1024
			}
		}
	}
	s := treeSample{byCommand: map[string]int64{}}
	for pid := range parent {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				s.rss += rss[pid]
				s.procs++
				s.byCommand[name[pid]] += rss[pid]
				break
			}
		}
	}
	return s
}

// measureInCluster grades a class of n fresh namespaces in the cluster
// (joblab class submit --wait, the students' labs under the teacher's
// Role-bound token, the grading Job in a namespace of its own), samples
// the teacher's process, and reads each grading pod's usage and each
// student's run from the results before removing everything.
func measureInCluster(ctx context.Context, admin *framework.Env, joblab string, n, parallel int, flags, labs []string, dir string) (Size, error) {
	size := Size{Students: n, Report: dir, Mode: "in-cluster", Parallel: parallel}
	var namespaces []string
	defer removeNamespaces(admin, &namespaces)
	if err := createNamespaces(ctx, admin, n, "bench", &namespaces); err != nil {
		return size, err
	}
	students := slices.Clone(namespaces)
	if err := createNamespaces(ctx, admin, 1, "bench-grading", &namespaces); err != nil {
		return size, err
	}
	grading := namespaces[n]
	if err := os.RemoveAll(dir); err != nil {
		return size, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return size, err
	}
	kubeconfig := filepath.Join(dir, "teacher.kubeconfig")
	if err := framework.TeacherKubeconfig(ctx, admin, students, kubeconfig); err != nil {
		return size, err
	}
	defer os.Remove(kubeconfig)
	adminCfg, err := clientcmd.LoadFromFile(admin.Kubeconfig)
	if err != nil {
		return size, err
	}
	class := fmt.Sprintf("bench-%d", n)
	args := append([]string{"class", "submit", "--context", "classroom", "-n", strings.Join(students, ","), "--grading-context", adminCfg.CurrentContext,
		"--grading-namespace", grading, "--name", class, "--parallel", strconv.Itoa(parallel), "--wait", "--out", dir, "-o", "json"}, append(slices.Clone(flags), labs...)...)
	cmd := exec.CommandContext(ctx, joblab, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig+string(os.PathListSeparator)+admin.Kubeconfig)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	if err := runSampled(ctx, cmd, filepath.Join(dir, "joblab.log"), &size); err != nil {
		return size, err
	}
	results, err := admin.Client.CoreV1().ConfigMaps(grading).List(ctx, metav1.ListOptions{LabelSelector: classjob.ResultSelector(class)})
	if err != nil {
		return size, err
	}
	var peaks, cpus, largest []float64
	t := newTally()
	for i := range results.Items {
		r := &results.Items[i]
		if b, err := strconv.ParseFloat(r.Data[classjob.PeakBytesKey], 64); err == nil {
			peaks = append(peaks, b)
		}
		if c, err := strconv.ParseFloat(r.Data[classjob.CPUSecondsKey], 64); err == nil {
			cpus = append(cpus, c)
		}
		if b, err := strconv.ParseFloat(r.Data[classjob.LargestProcessKey], 64); err == nil {
			largest = append(largest, b)
		}
		size.UsageFrom = r.Data[classjob.UsageFromKey]
		data, err := classjob.RunJSON(r)
		if err != nil {
			return size, err
		}
		var run report.Run
		if err := json.Unmarshal(data, &run); err != nil {
			return size, err
		}
		t.add(&run)
		size.LabsPassed += report.Student{Run: &run}.Score(labs).LabsPassed
	}
	if len(results.Items) != n {
		return size, fmt.Errorf("%d of %d students were graded (see %s)", len(results.Items), n, filepath.Join(dir, "joblab.log"))
	}
	size.Labs = n * len(labs)
	t.fill(&size)
	pp, pc := spreadOf(peaks), spreadOf(cpus)
	size.PodPeakBytes, size.PodCPUSeconds = &pp, &pc
	if len(largest) > 0 {
		pl := spreadOf(largest)
		size.PodLargestProcessBytes = &pl
	}
	return size, nil
}

func spreadOf(vs []float64) Spread {
	if len(vs) == 0 {
		return Spread{}
	}
	return spreads(map[string][]float64{"": vs})[""]
}
