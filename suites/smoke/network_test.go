//go:build e2e

package smoke

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/joblab/joblab/internal/kube"
	"github.com/joblab/joblab/pkg/framework"
)

// webPort is where the test's web server listens in its pod.
const webPort = 8080

// fetchTries bounds each step of the client pod's fetch (a second apart,
// each connection given 3 s): at most about two minutes for the three.
const fetchTries = 10

// fetchScript is the client pod's fetch: the page by the server pod's
// address, the Service's address as CoreDNS gives it, and the page through
// that address; one line each. Each step is tried until it gives an answer,
// at most fetchTries times: CoreDNS learns of a new Service, and kube-proxy
// on the client's node programs its address, some time after the Service
// exists and its pod is Ready. Seen on this cluster: "Connection refused"
// (the Service's rules without endpoints yet), and a reply with headers but
// no page. A page counts only with status 200 and a body. Each failed try
// is a line "retry: ..." on stderr, with its reason.
// Arguments: port, tries, the pod's address, the Service's DNS name.
const fetchScript = `port=%d; tries=%d
get() {
  printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 "$1" $port >/tmp/answer 2>/tmp/why
  tr -d '\r' </tmp/answer | awk 'NR == 1 && $2 != "200" {exit} body {print} /^$/ {body = 1}' >/tmp/page
  if [ -s /tmp/page ]; then cat /tmp/page; elif [ -s /tmp/answer ]; then echo "an answer without a page: $(head -n 1 /tmp/answer | tr -d '\r'), $(wc -c </tmp/answer) bytes" >/tmp/why; elif [ ! -s /tmp/why ]; then echo "no answer within 3 s" >/tmp/why; fi
}
lookup() {
  nslookup "$1" >/tmp/answer 2>/tmp/why
  awk '/^Name:/ {n = 1} n && /^Address/ {a = $NF} END {print a}' /tmp/answer
  [ -s /tmp/why ] || tail -n 1 /tmp/answer >/tmp/why
}
try() {
  i=1
  while :; do
    out=$("$@")
    [ -n "$out" ] && { echo "$out"; return; }
    echo "retry: $* (try $i of $tries: $(cat /tmp/why))" >&2
    [ $i -ge $tries ] && { echo "$* gave nothing in $tries tries" >&2; return 1; }
    i=$((i + 1)); sleep 1
  done
}
try get %s && addr=$(try lookup %s) && echo "dns $addr" && try get "$addr"
`

var _ = Describe("the cluster's network", func() {
	It("reaches a pod on another node directly, through a ClusterIP Service by its DNS name, and through a NodePort on every node", func(ctx context.Context) {
		By("choosing two nodes that run pods")
		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())
		var schedulable []corev1.Node
		for _, n := range nodes.Items {
			if kube.NodeRunsPods(&n) {
				schedulable = append(schedulable, n)
			}
		}
		if len(schedulable) < 2 {
			Skip(fmt.Sprintf("not applicable: the cluster has %d node(s) that run pods (%d in all); pod traffic between nodes needs two (joblab up --nodes 3)", len(schedulable), len(nodes.Items)))
		}
		serverNode, clientNode := schedulable[0].Name, schedulable[1].Name

		ns, err := framework.CreateNamespace(ctx, client, "network")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) {
			Expect(framework.DeleteNamespace(ctx, client, ns.Name)).To(Succeed())
		})

		By("serving a page that names its node, from a pod on " + serverNode)
		server := busyboxPod("web", serverNode, fmt.Sprintf("mkdir -p /www && echo \"web on $NODE\" > /www/index.html && exec httpd -f -p %d -h /www", webPort))
		server.Labels["app"] = "web"
		server.Spec.RestartPolicy = corev1.RestartPolicyAlways
		server.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}}}
		server.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(webPort)}}, PeriodSeconds: 1}
		_, err = client.CoreV1().Pods(ns.Name).Create(ctx, server, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue}},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeNodePort,
				Selector: map[string]string{"app": "web"},
				Ports:    []corev1.ServicePort{{Port: webPort, TargetPort: intstr.FromInt32(webPort)}},
			},
		}
		svc, err = client.CoreV1().Services(ns.Name).Create(ctx, svc, metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		ready, err := waitForPodReady(ctx, ns.Name, "web", framework.Timeouts.PodStart)
		Expect(err).NotTo(HaveOccurred())
		Expect(ready.Spec.NodeName).To(Equal(serverNode))
		want := "web on " + serverNode

		By("fetching the page from a pod on " + clientNode + ": by the server pod's address, then through the Service, found by its DNS name")
		// busybox's nc and nslookup: Debian's static busybox wget crashes
		// (it goes through the C library's lookups, which a static binary
		// lacks); nslookup is busybox's own DNS client, asking CoreDNS.
		name := fmt.Sprintf("web.%s.svc.cluster.local", ns.Name)
		fetch := fmt.Sprintf(fetchScript, webPort, fetchTries, ready.Status.PodIP, name)
		_, err = client.CoreV1().Pods(ns.Name).Create(ctx, busyboxPod("fetch", clientNode, fetch), metav1.CreateOptions{})
		Expect(err).NotTo(HaveOccurred())
		done, err := framework.WaitForPodSucceeded(ctx, client, ns.Name, "fetch", framework.Timeouts.PodFinish)
		raw, lerr := client.CoreV1().Pods(ns.Name).GetLogs("fetch", &corev1.PodLogOptions{}).DoRaw(ctx)
		Expect(lerr).NotTo(HaveOccurred())
		Expect(err).NotTo(HaveOccurred(), "the pod on %s could not fetch the page of the pod on %s; it printed:\n%s", clientNode, serverNode, raw)
		Expect(done.Spec.NodeName).To(Equal(clientNode))
		var answers, retries []string
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if strings.HasPrefix(line, "retry: ") {
				retries = append(retries, line)
			} else {
				answers = append(answers, line)
			}
		}
		if len(retries) > 0 {
			AddReportEntry("the fetch pod's retries", strings.Join(retries, "\n"))
		}
		Expect(answers).To(Equal([]string{want, "dns " + svc.Spec.ClusterIP, want}),
			"the page by pod %s's address %s; what CoreDNS says %s is; the page through that address (the pod's whole log:\n%s)", "web", ready.Status.PodIP, name, raw)

		By(fmt.Sprintf("fetching the page from this host through NodePort %d of every node", svc.Spec.Ports[0].NodePort))
		for _, n := range nodes.Items {
			addr := internalIP(&n)
			Expect(addr).NotTo(BeEmpty(), "node %s has no InternalIP", n.Name)
			url := "http://" + net.JoinHostPort(addr, strconv.Itoa(int(svc.Spec.Ports[0].NodePort))) + "/"
			Eventually(func() (string, error) { return httpGet(ctx, url) }).WithTimeout(30*time.Second).WithPolling(time.Second).
				Should(Equal(want), "NodePort of node %s (%s)", n.Name, url)
		}
	})
})

// busyboxPod is a pod of the offline-served busybox on node, running
// script; joblab's label, so that clean-ups know it.
func busyboxPod(name, node, script string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{framework.OwnerLabelKey: framework.OwnerLabelValue}},
		Spec: corev1.PodSpec{
			NodeSelector:  map[string]string{corev1.LabelHostname: node},
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:    "busybox",
				Image:   "busybox:latest",
				Command: []string{"sh", "-c", script},
			}},
		},
	}
}

func internalIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}

// waitForPodReady watches a pod until it is Running and Ready.
func waitForPodReady(ctx context.Context, ns, name string, timeout time.Duration) (*corev1.Pod, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := kube.ListWatch(client.CoreV1().Pods(ns).List, client.CoreV1().Pods(ns).Watch, kube.ByFields(sel))
	return framework.WatchUntil(ctx, lw, fmt.Sprintf("pod %s/%s to be Ready", ns, name), timeout, nil, func(_ watch.EventType, p *corev1.Pod) (bool, error) {
		return p.Status.Phase == corev1.PodRunning && kube.PodReady(p), nil
	}, framework.DescribePod)
}

// httpGet fetches url from this host, with a short timeout.
func httpGet(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(body)), err
}
