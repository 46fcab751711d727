package initiator

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// portForwardReadyTimeout bounds the set-up of the port-forward.
const portForwardReadyTimeout = 30 * time.Second

// portForward forwards a random local port on 127.0.0.1 to the broker's
// port in a Running, Ready pod of svc, as kubectl port-forward does. The
// broker it returns can reopen the forward to the same pod (client-go
// ends a forward at the first connection the pod refuses) and tells when
// the pod's log says the broker listens.
func portForward(ctx context.Context, o Options, svc *corev1.Service, port corev1.ServicePort) (*broker, error) {
	if o.RESTConfig == nil {
		return nil, errors.New("the broker is not reachable through a NodePort and there is no REST config for a port-forward: give the broker's URL instead (--broker-url)")
	}
	if len(svc.Spec.Selector) == 0 {
		return nil, fmt.Errorf("service %s has no pod selector, so there is no pod to port-forward to: give the broker's URL instead (--broker-url)", svc.Name)
	}
	pod, err := brokerPod(ctx, o, svc)
	if err != nil {
		return nil, err
	}
	target := containerPort(pod, port.TargetPort, int(port.Port))
	brokerLog := listenerLogged(ctx, o, pod, target)
	b, err := forwardTo(ctx, o, pod.Name, target)
	if err != nil {
		return nil, err
	}
	b.brokerLog = brokerLog
	b.reopen = func() (*broker, error) {
		next, err := forwardTo(ctx, o, pod.Name, target)
		if err == nil {
			return next, nil
		}
		// The pod may have been replaced: look again, once.
		again, lerr := brokerPod(ctx, o, svc)
		if lerr != nil {
			return nil, fmt.Errorf("%w (and then: %w)", err, lerr)
		}
		pod = again
		target = containerPort(pod, port.TargetPort, int(port.Port))
		return forwardTo(ctx, o, pod.Name, target)
	}
	return b, nil
}

// brokerPod returns a Running and Ready pod behind svc.
func brokerPod(ctx context.Context, o Options, svc *corev1.Service) (*corev1.Pod, error) {
	selector := labels.SelectorFromSet(svc.Spec.Selector).String()
	pods, err := o.Kube.CoreV1().Pods(o.Namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, fmt.Errorf("list the pods of service %s (%s): %w", svc.Name, selector, err)
	}
	pod := readyPod(pods.Items)
	if pod == nil {
		return nil, fmt.Errorf("no Running and Ready pod behind service %s: wait for the broker (kubectl get pods -l %s -n %s)", svc.Name, selector, o.Namespace)
	}
	return pod, nil
}

// forwardTo opens a port-forward from a random local port to port target
// of pod.
func forwardTo(ctx context.Context, o Options, pod string, target int) (*broker, error) {
	transport, upgrader, err := spdy.RoundTripperFor(o.RESTConfig)
	if err != nil {
		return nil, fmt.Errorf("port-forward set-up: %w", err)
	}
	url, _, err := rest.DefaultServerUrlFor(o.RESTConfig)
	if err != nil {
		return nil, fmt.Errorf("port-forward set-up: API server URL: %w", err)
	}
	url.Path = path.Join(url.Path, "api/v1/namespaces", o.Namespace, "pods", pod, "portforward")
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, url)

	stop, ready := make(chan struct{}), make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{"0:" + strconv.Itoa(target)}, stop, ready, nil, o.Out)
	if err != nil {
		return nil, fmt.Errorf("port-forward set-up: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- fw.ForwardPorts() }()
	select {
	case <-ready:
	case err := <-done:
		return nil, fmt.Errorf("port-forward to pod %s port %d: %w", pod, target, err)
	case <-ctx.Done():
		close(stop)
		return nil, fmt.Errorf("port-forward to pod %s port %d: %w", pod, target, ctx.Err())
	case <-time.After(portForwardReadyTimeout):
		close(stop)
		return nil, fmt.Errorf("port-forward to pod %s port %d was not ready within %s: check that the API server allows pods/portforward", pod, target, portForwardReadyTimeout)
	}
	closeForward := func() {
		close(stop)
		if err := <-done; err != nil {
			fmt.Fprintf(o.Out, "port-forward ended: %v\n", err)
		}
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) == 0 {
		closeForward()
		return nil, fmt.Errorf("port-forward to pod %s: no local port: %w", pod, err)
	}
	return &broker{
		Addr:  "127.0.0.1:" + strconv.Itoa(int(ports[0].Local)),
		How:   fmt.Sprintf("port-forward to pod %s port %d", pod, target),
		close: closeForward,
	}, nil
}

// logSignal is what following a broker pod's log tells: listening is
// closed when a line says the broker listens, ended when the log can no
// longer be followed (not allowed, the pod gone) or ended without saying
// it.
type logSignal struct {
	listening, ended chan struct{}
}

// listenerLogged follows the log of pod's container that serves port,
// watching for a line that says a listener started on that port, as
// RabbitMQ logs "started TCP listener on [::]:5672". A broker that logs
// otherwise (or elsewhere) never says it: the caller also retries on its
// own clock. The log stream ends with ctx.
func listenerLogged(ctx context.Context, o Options, pod *corev1.Pod, port int) *logSignal {
	sig := &logSignal{listening: make(chan struct{}), ended: make(chan struct{})}
	opts := &corev1.PodLogOptions{Follow: true, Container: containerServing(pod, port)}
	go func() {
		defer close(sig.ended)
		stream, err := o.Kube.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, opts).Stream(ctx)
		if err != nil {
			return
		}
		defer stream.Close()
		suffix := ":" + strconv.Itoa(port)
		sc := bufio.NewScanner(stream)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			if saysListening(sc.Text(), suffix) {
				close(sig.listening)
				return
			}
		}
	}()
	return sig
}

// saysListening tells whether a log line says a listener started on the
// port that suffix (":5672") names.
func saysListening(line, suffix string) bool {
	return strings.Contains(line, "listener") && strings.Contains(line, suffix) && !strings.Contains(line, suffix+"0")
}

// containerServing is the name of pod's container that declares port, or
// of its first container.
func containerServing(pod *corev1.Pod, port int) string {
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if int(p.ContainerPort) == port {
				return c.Name
			}
		}
	}
	if len(pod.Spec.Containers) == 0 {
		return ""
	}
	return pod.Spec.Containers[0].Name
}

// readyPod returns the first pod that is Running, Ready and not being
// deleted, or nil.
func readyPod(pods []corev1.Pod) *corev1.Pod {
	for i := range pods {
		p := &pods[i]
		if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
			continue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return p
			}
		}
	}
	return nil
}

// containerPort resolves a Service's targetPort in pod: a number as is, a
// name through the containers' ports; fallback when unset or unknown.
func containerPort(pod *corev1.Pod, target intstr.IntOrString, fallback int) int {
	if target.Type == intstr.Int && target.IntVal != 0 {
		return int(target.IntVal)
	}
	if target.Type == intstr.String && target.StrVal != "" {
		for _, c := range pod.Spec.Containers {
			for _, p := range c.Ports {
				if p.Name == target.StrVal {
					return int(p.ContainerPort)
				}
			}
		}
	}
	return fallback
}
