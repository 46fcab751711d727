package nodeimage

// bridgeCNIConfig is the node's pod network: a bridge with host-local
// addresses from the first /24 of kind's default pod subnet. kind's own CNI
// (kindnetd) cannot be built from the module proxy; a single node needs no
// routes between nodes, so a static configuration is enough.
const bridgeCNIConfig = `{
  "cniVersion": "0.4.0",
  "name": "joblab-bridge",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "10.244.0.0/24"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`

// defaultCNIManifest is what kind applies as its "default CNI". The network
// is configured statically in the node, so this only records that fact;
// kind refuses an empty manifest.
const defaultCNIManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: joblab-node-network
  namespace: kube-system
  labels:
    app.kubernetes.io/managed-by: joblab
data:
  cni: "static bridge + host-local, /etc/cni/net.d/10-joblab-bridge.conflist (single node)"
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
