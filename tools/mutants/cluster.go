package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/joblab/joblab/pkg/cluster"
)

// ClusterMutant is a fault of the cluster, not of the tree: a controller
// off, a flag changed, a node cordoned, a port dropped. It is applied to
// the kind cluster that make cluster made, one lab runs on it, and it is
// undone whatever happened. A broken cluster must never pass: the lab must
// end differs or not verified, with a row naming what is wrong (Names).
type ClusterMutant struct {
	ID, Lab string
	// Break and Restore are bash scripts run on this host, with KUBECONFIG
	// set to the cluster's and NODE_PREFIX to its nodes' name prefix
	// (joblab-). Each waits, bounded, until its change has taken effect.
	Break, Restore string
	// Names is what the killing row or reason must say.
	Names string
	// Equivalent, when set, says why the cluster is correct all the same
	// (configured otherwise): the lab must pass, and failing is a false
	// alarm.
	Equivalent string
	// Why is what a teacher's cluster broken this way does wrong.
	Why string
}

// staticPodEdit edits a control-plane component's static pod manifest
// with a sed expression, keeping the original to restore, and waits until
// the component runs with marker in its command line (the kubelet restarts
// it; restoring waits until marker is gone), then 20 s more for it to take
// its leader lease or serve again. Each wait is bounded: 3 minutes.
func staticPodEdit(component, sedExpr, marker string) (breakScript, restoreScript string) {
	manifest := "/etc/kubernetes/manifests/" + component + ".yaml"
	keep := "/root/" + component + ".joblab-mutant"
	wait := func(test, what string) string {
		return fmt.Sprintf(`for i in $(seq 1 90); do
  cmd=$(kubectl -n kube-system get pod %[1]s-${NODE_PREFIX}control-plane -o jsonpath='{.status.containerStatuses[0].ready} {.spec.containers[0].command}' 2>/dev/null || true)
  if %[2]s; then sleep 20; exit 0; fi
  sleep 2
done
echo "%[1]s is not ready %[3]s after 3 minutes; last seen: $cmd" >&2
exit 1`, component, test, what)
	}
	has := fmt.Sprintf(`echo "$cmd" | grep -qF -- '%s'`, marker)
	breakScript = fmt.Sprintf(`docker exec ${NODE_PREFIX}control-plane sh -c 'cp %[1]s %[2]s && sed -i "%[3]s" %[1]s'
%[4]s`, manifest, keep, sedExpr, wait(`case "$cmd" in true*) `+has+`;; *) false;; esac`, "with "+marker))
	restoreScript = fmt.Sprintf(`docker exec ${NODE_PREFIX}control-plane sh -c 'if test -f %[2]s; then cp %[2]s %[1]s && rm %[2]s; fi'
%[3]s`, manifest, keep, wait(`case "$cmd" in true*) ! `+has+`;; *) false;; esac`, "without "+marker))
	return breakScript, restoreScript
}

// kcmFlag adds a flag to the controller manager.
func kcmFlag(flag string) (breakScript, restoreScript string) {
	return staticPodEdit("kube-controller-manager", `s|^    - kube-controller-manager$|    - kube-controller-manager\n    - `+flag+`|`, flag)
}

// ClusterCatalogue is every cluster mutant.
var ClusterCatalogue = func() []ClusterMutant {
	gcBreak, gcRestore := kcmFlag("--terminated-pod-gc-threshold=5")
	jobBreak, jobRestore := kcmFlag("--controllers=*,-job-controller")
	// A stock cluster: pods tolerate a lost node 300 s, not the 15 s of
	// joblab's kind configuration.
	stockBreak, stockRestore := staticPodEdit("kube-apiserver",
		`s|toleration-seconds=15$|toleration-seconds=300|`, "--default-unreachable-toleration-seconds=300")
	return []ClusterMutant{
		{
			ID: "cluster-stock-tolerations", Lab: "node-loss", Break: stockBreak, Restore: stockRestore,
			Why:        "the API server's stock default tolerations (300 s for a not-ready or unreachable node)",
			Equivalent: "a correct cluster, only slower: the node-loss bound follows the tolerations in force, read from the pod",
		},
		{
			ID: "cluster-worker-cordoned", Lab: "node-loss",
			Break:   `kubectl cordon ${NODE_PREFIX}worker2`,
			Restore: `kubectl uncordon ${NODE_PREFIX}worker2`,
			Names:   "cordoned",
			Why:     "a worker is cordoned: a lost node's pod has no other node to go to, so the lesson's replacement on another node cannot be shown",
		},
		{
			ID: "cluster-pod-gc-threshold-5", Lab: "normal", Break: gcBreak, Restore: gcRestore,
			Names: "finished pods kept until the Job is deleted",
			Why:   "the controller manager collects finished pods past 5: the lesson's finished pods vanish before their Job is deleted (point 5)",
		},
		{
			ID: "cluster-job-controller-off", Lab: "normal", Break: jobBreak, Restore: jobRestore,
			Names: "Complete",
			Why:   "the Job controller is off: no Job creates a pod",
		},
		{
			ID: "cluster-nodeport-dropped", Lab: "broker",
			Break: `for n in $(docker ps --format '{{.Names}}' --filter label=io.x-k8s.kind.cluster=${CLUSTER}); do
  docker exec "$n" iptables -t raw -I PREROUTING -p tcp --dport 31672 -j DROP || exit 1
done`,
			Restore: `for n in $(docker ps --format '{{.Names}}' --filter label=io.x-k8s.kind.cluster=${CLUSTER}); do
  while docker exec "$n" iptables -t raw -D PREROUTING -p tcp --dport 31672 -j DROP 2>/dev/null; do :; done
done`,
			Names: "31672",
			Why:   "every node drops traffic to NodePort 31672: the initiator cannot reach the broker the lesson's way",
		},
	}
}()

// selectCluster is the cluster mutants of the selection (-lab, ids); an
// id that names no cluster mutant is an error that names it.
func selectCluster(opts options) ([]ClusterMutant, error) {
	var selected []ClusterMutant
	known := map[string]bool{}
	for _, m := range ClusterCatalogue {
		known[m.ID] = true
		if (opts.lab == "" || m.Lab == opts.lab) && (len(opts.ids) == 0 || contains(opts.ids, m.ID)) {
			selected = append(selected, m)
		}
	}
	for _, id := range opts.ids {
		if !known[id] {
			return nil, fmt.Errorf("unknown cluster mutant %q: make mutants-list (or go run ./tools/mutants -cluster -list) shows them", id)
		}
	}
	return selected, nil
}

// printClusterList prints the cluster mutants of the selection (-cluster
// -list): nothing is broken.
func (r *runner) printClusterList(opts options) int {
	selected, err := selectCluster(opts)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitUsage
	}
	tw := tabwriter.NewWriter(r.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLAB\tEQUIVALENT\tCHANGE")
	for _, m := range selected {
		eq := "-"
		if m.Equivalent != "" {
			eq = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.Lab, eq, m.Why)
	}
	tw.Flush()
	fmt.Fprintf(r.stdout, "%d cluster mutants\n", len(selected))
	return exitOK
}

// runCluster runs the cluster mutants of the selection, one after another,
// each broken, judged by one make lab, and restored.
func (r *runner) runCluster(ctx context.Context, opts options) int {
	selected, err := selectCluster(opts)
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitUsage
	}
	if len(selected) == 0 && len(opts.ids) == 0 {
		fmt.Fprintf(r.stderr, "==> no cluster mutant for lab %s\n", opts.lab)
		return exitOK
	}
	if len(selected) == 0 {
		fmt.Fprintln(r.stderr, "mutants: no cluster mutant of those ids: make mutants-list shows them")
		return exitUsage
	}
	env := append(os.Environ(), "KUBECONFIG="+gradeKubeconfig(), "CLUSTER="+cluster.DefaultName, "NODE_PREFIX="+cluster.DefaultName+"-")
	script := func(ctx context.Context, what, s string, log *os.File) error {
		cmd := exec.CommandContext(ctx, "bash", "-c", s)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
		fmt.Fprintf(log, "\n$ (%s)\n%s\n", what, s)
		return cmd.Run()
	}
	work, err := os.MkdirTemp("", "joblab-cluster-mutants-")
	if err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
		return exitFailed
	}
	defer os.RemoveAll(work)
	report := Report{Started: time.Now(), Repo: opts.repo, Timeout: opts.timeout.String()}
	for _, cm := range selected {
		res := Result{ID: cm.ID, Lab: cm.Lab, Why: cm.Why, Equivalent: cm.Equivalent, Files: "(the cluster)", Change: cm.Why, MakeExit: -1}
		// The restore, kept as a script: a second Ctrl-C quits at once,
		// and the cluster is then put back by hand with it.
		restorePath := filepath.Join(opts.out, "logs", cm.ID+".restore.sh")
		restore := "#!/bin/bash\n# Puts the cluster back after cluster mutant " + cm.ID + ".\nset -e\nexport KUBECONFIG=" + shellQuote(gradeKubeconfig()) + " CLUSTER=" + cluster.DefaultName + " NODE_PREFIX=" + cluster.DefaultName + "-\n" + cm.Restore + "\n"
		if err := os.WriteFile(restorePath, []byte(restore), 0o755); err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(r.stderr, "==> %s: breaking the cluster (%s); interrupted twice, put it back with: bash %s\n", cm.ID, cm.Why, restorePath)
		logPath := filepath.Join(opts.out, "logs", cm.ID+".log")
		log, err := os.Create(logPath)
		if err != nil {
			fmt.Fprintf(r.stderr, "mutants: %v\n", err)
			return exitFailed
		}
		res.Log = logPath
		if err := script(ctx, "break", cm.Break, log); err != nil {
			res.Verdict, res.Detail = Error, fmt.Sprintf("breaking the cluster failed: %v (log %s)", err, logPath)
		} else {
			artifacts := filepath.Join(work, cm.ID)
			run := r.runMake(ctx, opts, Mutant{ID: cm.ID, Lab: cm.Lab}, opts.repo, artifacts, filepath.Join(work, cm.ID+".make.log"))
			res.Seconds = run.elapsed.Round(time.Second).Seconds()
			res.MakeExit = run.exitCode
			run.logTail = lastLines(filepath.Join(work, cm.ID+".make.log"), logTailLines)
			if data, err := os.ReadFile(filepath.Join(work, cm.ID+".make.log")); err == nil {
				_, _ = log.Write(data)
			}
			reports, err := readReport(filepath.Join(artifacts, "report.json"))
			o := judge(reports, err, run)
			res.Verdict, res.KilledBy, res.Facts, res.Spec, res.Failure, res.Detail = o.verdict, o.killedBy, o.facts, o.spec, o.failure, o.detail
			if o.verdict == Killed && cm.Equivalent == "" && !strings.Contains(o.failure+" "+o.killedBy, cm.Names) {
				res.Verdict, res.Detail = Error, fmt.Sprintf("the lab failed, but no row names %q: %s", cm.Names, firstLine(o.failure))
			}
		}
		// Undone whatever happened, also after Ctrl-C.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
		if err := script(rctx, "restore", cm.Restore, log); err != nil {
			fmt.Fprintf(r.stderr, "mutants: RESTORING THE CLUSTER AFTER %s FAILED: %v; see %s (or make cluster-delete && make cluster)\n", cm.ID, err, logPath)
			res.Verdict, res.Detail = Error, "restore failed: "+err.Error()
		}
		cancel()
		log.Close()
		report.Results = append(report.Results, res)
		fmt.Fprintf(r.stderr, "    %s: %s\n", cm.ID, progressLine(res))
		if ctx.Err() != nil {
			break
		}
	}
	report.Summary = summarize(report.Results)
	if err := writeOutputs(opts.out, report); err != nil {
		fmt.Fprintf(r.stderr, "mutants: %v\n", err)
	}
	r.printTable(report.Results)
	fmt.Fprintln(r.stdout, summaryLine(report.Summary))
	if ctx.Err() != nil {
		return exitInterrupted
	}
	if !report.Summary.Passed {
		return exitFailed
	}
	return exitOK
}

// shellQuote quotes s for bash.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
