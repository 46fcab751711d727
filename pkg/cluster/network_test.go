package cluster

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/joblab/joblab/internal/versions"
)

// networkConfigMap renders the manifest for subnet and returns its
// ConfigMap, failing the test on any object the client cannot decode.
func networkConfigMap(t *testing.T, subnet string) *corev1.ConfigMap {
	t.Helper()
	manifest, err := renderNetwork(subnet)
	if err != nil {
		t.Fatal(err)
	}
	var cm *corev1.ConfigMap
	var kinds []string
	for _, doc := range strings.Split(manifest, "\n---\n") {
		obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("a document of the pod network's manifest does not decode: %v\n%s", err, doc)
		}
		kinds = append(kinds, gvk.Kind)
		if c, ok := obj.(*corev1.ConfigMap); ok {
			cm = c
		}
	}
	if want := "Namespace,ServiceAccount,ClusterRole,ClusterRoleBinding,ConfigMap,DaemonSet"; strings.Join(kinds, ",") != want {
		t.Errorf("kinds %v, want %s", kinds, want)
	}
	if !strings.Contains(manifest, "image: "+versions.FlannelImage+"\n") {
		t.Errorf("the manifest does not run %s", versions.FlannelImage)
	}
	if cm == nil {
		t.Fatal("no ConfigMap")
	}
	return cm
}

func TestNetworkManifestCarriesThePodSubnet(t *testing.T) {
	cm := networkConfigMap(t, "10.100.0.0/16")
	var netConf struct {
		Network string
		Backend struct{ Type string }
	}
	if err := json.Unmarshal([]byte(cm.Data["net-conf.json"]), &netConf); err != nil {
		t.Fatalf("net-conf.json: %v", err)
	}
	if netConf.Network != "10.100.0.0/16" || netConf.Backend.Type != "host-gw" {
		t.Errorf("net-conf.json = %+v, want network 10.100.0.0/16 over host-gw", netConf)
	}
	if cm := networkConfigMap(t, ""); !strings.Contains(cm.Data["net-conf.json"], defaultPodSubnet) {
		t.Errorf("no pod subnet given: net-conf.json %s lacks kind's %s", cm.Data["net-conf.json"], defaultPodSubnet)
	}
}

// runCNIWriter runs the manifest's CNI configuration writer with sh, as the
// DaemonSet's cni-config container does, on a subnet.env flanneld would
// write.
func runCNIWriter(t *testing.T, subnetEnv string) (conf string, out []byte, err error) {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "write-cni-config.sh")
	if err := os.WriteFile(script, []byte(networkConfigMap(t, "").Data["write-cni-config.sh"]), 0o755); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "subnet.env")
	if err := os.WriteFile(env, []byte(subnetEnv), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", script)
	cmd.Env = append(os.Environ(), "SUBNET_ENV="+env, "CNI_CONF_DIR="+dir, "ONCE=1")
	out, err = cmd.CombinedOutput()
	return filepath.Join(dir, "10-joblab-flannel.conflist"), out, err
}

func TestCNIWriterGivesPodsTheNodesSubnet(t *testing.T) {
	conf, out, err := runCNIWriter(t, "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.2.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
	if err != nil {
		t.Fatalf("the writer failed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		CNIVersion string `json:"cniVersion"`
		Plugins    []struct {
			Type string
			MTU  int
			IPAM struct {
				Type   string
				Ranges [][]struct{ Subnet string }
			}
		}
	}
	if err := yaml.Unmarshal(data, &list); err != nil {
		t.Fatalf("the CNI configuration is not JSON: %v\n%s", err, data)
	}
	if len(list.Plugins) != 2 || list.Plugins[0].Type != "ptp" || list.Plugins[1].Type != "portmap" {
		t.Fatalf("plugins %+v, want ptp then portmap", list.Plugins)
	}
	ptp := list.Plugins[0]
	if ptp.MTU != 1450 || ptp.IPAM.Type != "host-local" || len(ptp.IPAM.Ranges) != 1 || ptp.IPAM.Ranges[0][0].Subnet != "10.244.2.0/24" {
		t.Errorf("ptp %+v, want MTU 1450 and host-local addresses of 10.244.2.0/24 (the node's subnet, not flannel's gateway address)", ptp)
	}
}

func TestCNIWriterRefusesASubnetItCannotHandle(t *testing.T) {
	conf, out, err := runCNIWriter(t, "FLANNEL_SUBNET=10.244.0.1/20\nFLANNEL_MTU=1500\n")
	if err == nil {
		t.Fatalf("a /20 node subnet was accepted:\n%s", out)
	}
	if !strings.Contains(string(out), "/24 subnets only") {
		t.Errorf("the error does not say why: %s", out)
	}
	if _, err := os.Stat(conf); err == nil {
		t.Error("a configuration was written anyway")
	}
}

func TestSetNodes(t *testing.T) {
	for n, want := range map[int]string{1: "control-plane", 2: "control-plane,worker", 4: "control-plane,worker,worker,worker"} {
		cfg, err := loadKindConfig("")
		if err != nil {
			t.Fatal(err)
		}
		if err := setNodes(cfg, n); err != nil {
			t.Fatal(err)
		}
		var roles []string
		for _, node := range cfg.Nodes {
			roles = append(roles, string(node.Role))
		}
		if strings.Join(roles, ",") != want || nodeCount(cfg) != n {
			t.Errorf("--nodes %d: nodes %v, want %s", n, roles, want)
		}
	}
	cfg, _ := loadKindConfig("")
	if err := setNodes(cfg, 0); err != nil || nodeCount(cfg) != 3 {
		t.Errorf("no --nodes: %d nodes (%v), want the lesson's 3", nodeCount(cfg), err)
	}
	if err := setNodes(cfg, -1); err == nil {
		t.Error("--nodes -1 was accepted")
	}
}

// joblab clean removes what carries managed-by=joblab; the pod network
// must survive it.
func TestNetworkIsNotJoblabsLeftover(t *testing.T) {
	manifest, err := renderNetwork("")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(manifest, "app.kubernetes.io/managed-by: joblab\n") {
		t.Error("the pod network carries joblab's owner label: joblab clean would delete it")
	}
}
