package nodeimage

// nodeNetwork names how the node gets its pod network, in the node
// image's tag: a node image of another way is never reused.
const nodeNetwork = "network: flannel installed by joblab, no CNI configuration in the image"

// defaultCNIManifest is what kind would apply as its "default CNI".
// joblab's kind configuration turns the default CNI off and installs
// flannel itself (pkg/cluster/flannel.yaml), online and offline alike; a
// configuration that leaves it on gets this record of the fact and nodes
// without a pod network. kind refuses an empty manifest.
const defaultCNIManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: joblab-node-network
  namespace: kube-system
  labels:
    app.kubernetes.io/managed-by: joblab
data:
  cni: "none: joblab installs flannel (set networking.disableDefaultCNI: true, as joblab's kind-config.yaml does)"
`

// defaultStorageManifest stands in for kind's local-path provisioner, whose
// image cannot be built offline; no lab uses persistent volumes.
const defaultStorageManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: joblab-node-storage
  namespace: kube-system
  labels:
    app.kubernetes.io/managed-by: joblab
data:
  storage: "none: no lab of the lesson uses persistent volumes"
`
