//go:build e2e

package lessons

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/joblab/joblab/labs/initiator"
	"github.com/joblab/joblab/labs/primes"
	"github.com/joblab/joblab/labs/queue"
	"github.com/joblab/joblab/suites/framework"
	"github.com/joblab/joblab/suites/lesson"
)

// BrokerInput is the input of BrokerSpec.
type BrokerInput struct {
	Env *framework.Env
	Lab string
}

// BrokerSpec is lessons 10.6-10.8: RabbitMQ runs as the lesson deploys it,
// the job initiator fills the queue from outside the cluster and creates
// Job pngen, and each of its pods takes one work item and prints exactly
// the primes of it.
func BrokerSpec(ctx context.Context, in BrokerInput) {
	lab := framework.StartLab(ctx, in.Env, in.Lab)
	r, cs, ns := lab.Report, in.Env.Client, lab.Namespace

	lab.Step("kubectl apply -f taskQueue-deploy.yaml")
	Expect(framework.Apply(ctx, in.Env.Config, ns, "taskQueue-deploy.yaml")).To(Succeed())
	lab.Step("waiting until the broker's Deployment is available")
	Expect(framework.WaitForDeploymentAvailable(ctx, cs, ns, "taskqueue", framework.LabTimeouts.BrokerReady)).To(Succeed())

	lab.Step("running the job initiator from outside the cluster")
	var said bytes.Buffer
	_, err := initiator.Run(ctx, initiator.Options{Kube: cs, RESTConfig: in.Env.Config, Namespace: ns, Image: framework.LabImage(initiator.WorkerImage), Out: io.MultiWriter(&said, GinkgoWriter)})
	Expect(err).NotTo(HaveOccurred())
	found := ""
	for _, line := range strings.Split(said.String(), "\n") {
		if strings.HasPrefix(line, "broker found at ") {
			found = line
		}
	}
	r.Add("the initiator reaches the broker from outside the cluster", "node address : 31672 (or a port-forward)", found, found != "")

	lab.Step("waiting until job pngen completes (kubectl get jobs,pod)")
	run, err := framework.WatchJob(ctx, cs, ns, "pngen", framework.JobComplete, framework.LabTimeouts.BrokerJob)
	Expect(err).NotTo(HaveOccurred())
	r.Equal("kubectl get jobs: COMPLETIONS", fmt.Sprintf("%d/%d", lesson.BrokerItems, lesson.BrokerItems), fmt.Sprintf("%d/%d", run.Job.Status.Succeeded, lesson.BrokerItems))
	r.Add("most pods active at once", fmt.Sprintf("at most %d", lesson.BrokerParallelism), fmt.Sprint(run.Timeline.MaxActive), run.Timeline.MaxActive <= lesson.BrokerParallelism && run.Timeline.MaxActive > 0)

	lab.Step("kubectl logs of each pngen pod")
	pods, err := framework.JobPods(ctx, cs, ns, "pngen")
	Expect(err).NotTo(HaveOccurred())
	var statuses, items, problems []string
	handled := map[queue.Item]int{}
	all := map[int]int{}
	for i := range pods {
		p := &pods[i]
		statuses = append(statuses, framework.KubectlStatus(p))
		log, err := framework.PodLog(ctx, cs, ns, p.Name, p.Spec.Containers[0].Name)
		Expect(err).NotTo(HaveOccurred())
		item, got, perr := lesson.ParseWorkerLog(log)
		if perr != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.Name, perr))
			continue
		}
		items = append(items, strings.SplitN(log, "\n", 2)[0])
		handled[item]++
		if !equalInts(got, primes.InRange(item.Start, item.End)) {
			problems = append(problems, fmt.Sprintf("%s: item %s printed %d numbers, not its %d primes", p.Name, item, len(got), len(primes.InRange(item.Start, item.End))))
		}
		for _, n := range got {
			all[n]++
		}
	}
	sort.Strings(items)
	r.Equal("kubectl get pod: STATUS", repeat("Completed", lesson.BrokerItems), strings.Join(statuses, ","))
	r.Add("each pod log: one item, then exactly its primes", "yes", fmt.Sprintf("items %v; problems: %v", items, problems), len(problems) == 0)
	once := len(handled) == lesson.BrokerItems
	for _, it := range queue.LessonItems() {
		once = once && handled[it] == 1
	}
	r.Add("each item handled once", "1-1000, 1001-2000, 2001-3000, 3001-4000 once each", fmt.Sprint(handled), once)
	dups := 0
	for _, c := range all {
		if c > 1 {
			dups++
		}
	}
	observed := fmt.Sprintf("%d, each once", len(all))
	if dups > 0 {
		observed = fmt.Sprintf("%d, %d of them more than once", len(all), dups)
	}
	r.Equal("primes printed by the four pods together", fmt.Sprintf("%d, each once", lesson.BrokerPrimes), observed)
	lab.Verify()
}
