// Package versions is the one place in joblab that pins what the offline
// cluster is built from: the Kubernetes release, the Debian suite of the node
// root filesystem, and the tools built from the Go module proxy. The online
// node image is pinned here too.
package versions

// Kubernetes is the Kubernetes release of the cluster. 1.34 is the newest
// release whose kubelet runs on a cgroup v1 host without extra settings.
const Kubernetes = "v1.34.2"

// StagingVersion is the version of the k8s.io staging modules (k8s.io/api,
// k8s.io/client-go, ...) released together with Kubernetes.
const StagingVersion = "v0.34.2"

// PublishedNodeImage is the kind node image used on hosts that can pull
// from Docker Hub. It runs the same Kubernetes minor release as the image
// built offline.
const PublishedNodeImage = "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a"

// DebianSuite is the Debian release the node and helper images come from.
const DebianSuite = "bookworm"

// CRITools is the cri-tools release that provides crictl in the node.
const CRITools = "v1.34.0"

// Distribution is the release of the registry used as a local mirror of
// docker.io and registry.k8s.io when no registry can be reached.
const Distribution = "v3.1.2"

// KindSandboxPause is the pause image tag that kind's containerd
// configuration names; kubeadm may list a newer tag, and both are served.
const KindSandboxPause = "3.10"

// Flannel is the flannel release of the cluster's pod network: the newest
// that builds from the module proxy here (v0.27 and later import a cloud
// SDK the proxy refuses).
const Flannel = "v0.25.7"

// FlannelImage is the image the pod network's DaemonSet runs: flannel's
// published one online; offline joblab builds it under the same name.
const FlannelImage = "docker.io/flannel/flannel:" + Flannel

// Etcd and CoreDNS are the releases kubeadm of Kubernetes lists for its
// control plane (kubeadm config images list). The offline build compiles
// them while Kubernetes itself compiles; should kubeadm list others, those
// are built afterwards, which only costs time.
const (
	Etcd    = "v3.6.5"
	CoreDNS = "v1.12.1"
)
