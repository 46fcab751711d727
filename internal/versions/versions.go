// Package versions is the one place in joblab that pins what the offline
// cluster is built from: the Kubernetes release, the Debian suite of the node
// root filesystem, and the tools built from the Go module proxy. The online
// node image is pinned here too.
package versions

import (
	"fmt"
	"strings"
)

// Release is one Kubernetes release joblab can build a cluster of: what
// its offline node image is built from and which published kind node image
// stands in for it online. Each value comes from that release's own
// sources (see the comments in Releases).
type Release struct {
	// Kubernetes is the release (k8s.io/kubernetes's module version).
	Kubernetes string
	// Staging is the version of the k8s.io staging modules (k8s.io/api,
	// k8s.io/client-go, ...) released with it.
	Staging string
	// Go is the go line of the module that builds it: its go.mod's, so
	// that the build keeps its GODEBUG defaults.
	Go string
	// Etcd and CoreDNS are the releases kubeadm of this Kubernetes lists
	// (kubeadm config images list; cmd/kubeadm/app/constants). The offline
	// build compiles them while Kubernetes itself compiles; should kubeadm
	// list others, those are built afterwards, which only costs time.
	Etcd, CoreDNS string
	// CRITools is the cri-tools release that provides crictl in the node.
	CRITools string
	// PublishedNodeImage is the kind node image used on hosts that can
	// pull from Docker Hub: the same minor release, from the release notes
	// of the kind library joblab uses.
	PublishedNodeImage string
	// Verified says where every lab was seen to pass on this release; a
	// release without it is refused (see Find).
	Verified string
}

// Minor is the release's minor version: 37 for v1.37.2.
func (r Release) Minor() int {
	minor, _ := MinorOf(r.Kubernetes)
	return minor
}

// MinorOf is the minor release of a Kubernetes version "v1.N.P" (an API
// server's GitVersion too): N.
func MinorOf(version string) (int, error) {
	var major, minor int
	if _, err := fmt.Sscanf(version, "v%d.%d", &major, &minor); err != nil || major != 1 {
		return 0, fmt.Errorf("the Kubernetes version %q is not v1.N.P", version)
	}
	return minor, nil
}

// Releases are the Kubernetes releases joblab knows, oldest first. 1.34 is
// kept as the oldest, for the lesson's own era; the others are the releases
// with upstream support in December 2026.
var Releases = []Release{
	{
		Kubernetes: "v1.34.2", Staging: "v0.34.2", Go: "1.24",
		Etcd: "v3.6.5", CoreDNS: "v1.12.1", CRITools: "v1.34.0",
		PublishedNodeImage: "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
		Verified:           "make e2e, fresh clones; make matrix 2026-12-05 (every lab passed, suspended-resources not verified: since 1.36), 2 cores, cgroup v1",
	},
	{
		// cri-tools v1.35.0 is not served by the module proxy here.
		Kubernetes: "v1.35.4", Staging: "v0.35.4", Go: "1.25",
		Etcd: "v3.6.6", CoreDNS: "v1.13.1", CRITools: "v1.34.0",
		PublishedNodeImage: "kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0",
		Verified:           "make matrix 2026-12-05 (every lab passed, suspended-resources not verified: since 1.36), 2 cores, cgroup v1 with failCgroupV1: false",
	},
	{
		Kubernetes: "v1.36.3", Staging: "v0.36.3", Go: "1.26",
		Etcd: "v3.6.8", CoreDNS: "v1.14.2", CRITools: "v1.36.0",
		PublishedNodeImage: "kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed",
		Verified:           "make matrix 2026-12-05 (every lab passed), 2 cores, cgroup v1 with failCgroupV1: false",
	},
	{
		// kubeadm 1.37.2 has no etcd entry of its own and falls back to
		// v3.7.0; there is no published kind node image of v1.37.2, so
		// online clusters run v1.37.0 (kind v0.33.0's default).
		Kubernetes: "v1.37.2", Staging: "v0.37.2", Go: "1.26",
		Etcd: "v3.7.0", CoreDNS: "v1.14.6", CRITools: "v1.37.0",
		PublishedNodeImage: "kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5",
		Verified:           "make e2e, fresh clones; make matrix 2026-12-05 (every lab passed), 2 cores, cgroup v1 with failCgroupV1: false",
	},
}

// DefaultKubernetes is the release a cluster runs unless told otherwise:
// the newest with upstream support.
const DefaultKubernetes = "v1.37.2"

// Default is the release of DefaultKubernetes.
func Default() Release {
	r, err := Find(DefaultKubernetes)
	if err != nil {
		panic(err)
	}
	return r
}

// Lookup returns the release named v, verified or not, as Find does.
func Lookup(v string) (Release, error) {
	want := "v" + strings.TrimPrefix(strings.TrimSpace(v), "v")
	var found *Release
	for i := range Releases {
		r := &Releases[i]
		if r.Kubernetes == want || strings.HasPrefix(r.Kubernetes, want+".") {
			found = r
		}
	}
	if found == nil {
		var known []string
		for _, r := range Releases {
			known = append(known, r.Kubernetes)
		}
		return Release{}, fmt.Errorf("Kubernetes %s is not a release joblab knows (it knows %s; of those, verified: %s)", v, strings.Join(known, ", "), strings.Join(VerifiedNames(), ", "))
	}
	return *found, nil
}

// Find returns the release named v ("v1.37.2", "1.37.2", or a minor such
// as "1.37" for its newest known patch). A release joblab knows but has not
// verified is refused, as is one it does not know; the error lists those
// it has verified.
func Find(v string) (Release, error) {
	r, err := Lookup(v)
	if err != nil {
		return r, err
	}
	if r.Verified == "" {
		return Release{}, fmt.Errorf("Kubernetes %s is known, but the labs have not been verified on it; the verified releases are %s (add --unverified to build it anyway, e.g. to verify it)", r.Kubernetes, strings.Join(VerifiedNames(), ", "))
	}
	return r, nil
}

// VerifiedNames lists the verified releases, oldest first.
func VerifiedNames() []string {
	var names []string
	for _, r := range Releases {
		if r.Verified != "" {
			names = append(names, r.Kubernetes)
		}
	}
	return names
}

// DebianSuite is the Debian release the node and helper images come from.
const DebianSuite = "bookworm"

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
