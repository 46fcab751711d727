package initiator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
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
// port in a Running, Ready pod of svc, as kubectl port-forward does.
func portForward(ctx context.Context, o Options, svc *corev1.Service, port corev1.ServicePort) (*broker, error) {
	if o.RESTConfig == nil {
		return nil, errors.New("the broker is not reachable through a NodePort and there is no REST config for a port-forward: give the broker's URL instead (--broker-url)")
	}
	if len(svc.Spec.Selector) == 0 {
		return nil, fmt.Errorf("service %s has no pod selector, so there is no pod to port-forward to: give the broker's URL instead (--broker-url)", svc.Name)
	}
	selector := labels.SelectorFromSet(svc.Spec.Selector).String()
	pods, err := o.Kube.CoreV1().Pods(o.Namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return nil, fmt.Errorf("list the pods of service %s (%s): %w", svc.Name, selector, err)
	}
	pod := readyPod(pods.Items)
	if pod == nil {
		return nil, fmt.Errorf("no Running and Ready pod behind service %s: wait for the broker (kubectl get pods -l %s -n %s)", svc.Name, selector, o.Namespace)
	}
	target := containerPort(pod, port.TargetPort, int(port.Port))

	transport, upgrader, err := spdy.RoundTripperFor(o.RESTConfig)
	if err != nil {
		return nil, fmt.Errorf("port-forward set-up: %w", err)
	}
	url, _, err := rest.DefaultServerUrlFor(o.RESTConfig)
	if err != nil {
		return nil, fmt.Errorf("port-forward set-up: API server URL: %w", err)
	}
	url.Path = path.Join(url.Path, "api/v1/namespaces", o.Namespace, "pods", pod.Name, "portforward")
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
		return nil, fmt.Errorf("port-forward to pod %s port %d: %w", pod.Name, target, err)
	case <-ctx.Done():
		close(stop)
		return nil, fmt.Errorf("port-forward to pod %s port %d: %w", pod.Name, target, ctx.Err())
	case <-time.After(portForwardReadyTimeout):
		close(stop)
		return nil, fmt.Errorf("port-forward to pod %s port %d was not ready within %s: check that the API server allows pods/portforward", pod.Name, target, portForwardReadyTimeout)
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
		return nil, fmt.Errorf("port-forward to pod %s: no local port: %w", pod.Name, err)
	}
	return &broker{
		Addr:  "127.0.0.1:" + strconv.Itoa(int(ports[0].Local)),
		How:   fmt.Sprintf("port-forward to pod %s port %d", pod.Name, target),
		close: closeForward,
	}, nil
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
