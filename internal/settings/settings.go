// Package settings is the one contract between whoever starts the specs
// (the joblab command, make, ginkgo) and the specs themselves: which
// cluster, which namespace, which manifests, where reports go. The command
// fills a Settings value; make and ginkgo runs fill it from the JOBLAB_*
// environment variables, whose names live here and nowhere else.
package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/joblab/joblab/internal/cache"
)

// The environment variables a make or ginkgo run reads.
const (
	// KubeconfigEnv: use this existing cluster instead of the kind cluster.
	KubeconfigEnv = "JOBLAB_KUBECONFIG"
	// ContextEnv: the kubeconfig context to use.
	ContextEnv = "JOBLAB_CONTEXT"
	// NamespaceEnv: run inside this existing namespace (least privilege).
	NamespaceEnv = "JOBLAB_NAMESPACE"
	// ImageRepoEnv: where the class keeps the lab programs' images.
	ImageRepoEnv = "JOBLAB_IMAGE_REPO"
	// ManifestsEnv: apply the manifests of this folder (a student's YAML).
	ManifestsEnv = "JOBLAB_MANIFESTS"
	// BrokerNodePortEnv: the NodePort the broker lab's Service takes
	// instead of the lesson's 31672 (a class's students side by side).
	BrokerNodePortEnv = "JOBLAB_BROKER_NODEPORT"
	// SlownessEnv: how much slower than a lab alone the cluster runs
	// (Settings.Slowness), e.g. 3 for a class of ten on one small cluster.
	SlownessEnv = "JOBLAB_SLOWNESS"
	// LabsEnv: a lab folder, or a folder of lab folders (joblab/v1), whose
	// labs run beside the lesson's.
	LabsEnv = "JOBLAB_LABS"
	// KeepEnv: keep what a spec created: on-failure or always.
	KeepEnv = "JOBLAB_KEEP_NAMESPACE"
	// ProgressEnv: append each lab step to this file.
	ProgressEnv = "JOBLAB_PROGRESS"
	// ArtifactsEnv: where reports, logs and failure artifacts go.
	ArtifactsEnv = "ARTIFACTS"
	// ModeEnv forces the image mode: online or offline.
	ModeEnv = "JOBLAB_IMAGE_MODE"
	// CacheDirEnv moves the build cache (default ~/.cache/joblab).
	CacheDirEnv = "JOBLAB_CACHE_DIR"
	// DebianMirrorEnv is the Debian mirror debootstrap uses.
	DebianMirrorEnv = "JOBLAB_DEBIAN_MIRROR"
	// KubernetesEnv is the Kubernetes release of the kind cluster joblab
	// creates (a verified one; see internal/versions).
	KubernetesEnv = "JOBLAB_KUBERNETES"
	// UnverifiedEnv, set to true, lets KubernetesEnv name a release the
	// labs have not been verified on (to verify it).
	UnverifiedEnv = "JOBLAB_KUBERNETES_UNVERIFIED"
	// MutantEnv names the mutant a make mutants copy runs (information
	// only).
	MutantEnv = "JOBLAB_MUTANT"
	// ScreenshotsEnv, set to a folder, keeps the browser tests' pages and
	// screenshots there.
	ScreenshotsEnv = "JOBLAB_SCREENSHOTS"
	// TestAMQPURLEnv points the lab programs' tests at a RabbitMQ.
	TestAMQPURLEnv = "JOBLAB_TEST_AMQP_URL"
	// TraceRequestsEnv, set to a file path, makes a process append a line
	// per API request it sends (time, method, path): what the per-lab
	// request counts of the benchmarks are made of.
	TraceRequestsEnv = "JOBLAB_TRACE_REQUESTS"
	// childEnv carries a whole Settings value, as JSON, to a process the
	// joblab command starts to run one lab's specs.
	childEnv = "JOBLAB_SETTINGS_JSON"
)

// Keep policies: what a spec leaves behind.
const (
	KeepNothing   = ""
	KeepOnFailure = "on-failure"
	KeepAlways    = "always"
)

// Settings are what the specs read.
type Settings struct {
	// Kubeconfig is the existing cluster to use; empty means the kind
	// cluster that joblab creates or reuses.
	Kubeconfig string `json:"kubeconfig,omitempty"`
	// Context is the kubeconfig context; empty means the current one.
	Context string `json:"context,omitempty"`
	// Namespace is an existing namespace to work inside (nothing is
	// created or deleted but joblab's labelled objects); empty means a
	// new namespace per lab.
	Namespace string `json:"namespace,omitempty"`
	// ImageRepo is where the lab programs' images are pulled from instead
	// of their own names.
	ImageRepo string `json:"imageRepo,omitempty"`
	// ManifestsDir replaces the embedded lesson manifests.
	ManifestsDir string `json:"manifestsDir,omitempty"`
	// LabsDir is a lab folder, or a folder of them, whose labs register
	// beside the lesson's (a teacher's exercises).
	LabsDir string `json:"labsDir,omitempty"`
	// BrokerNodePort, when not 0, is the NodePort the broker lab's Service
	// takes instead of the lesson's (31672): a departure the teacher
	// allowed, so that the class's broker labs need not take turns.
	BrokerNodePort int32 `json:"brokerNodePort,omitempty"`
	// Keep is the keep policy: KeepNothing, KeepOnFailure or KeepAlways.
	Keep string `json:"keep,omitempty"`
	// Slowness is how much slower than one lab alone the cluster is
	// expected to run (0 or 1: as fast): the bounds of the waits for an
	// end state (a Job's end, a pod running, a Deployment available) are
	// multiplied by it, so that a class sharing one small cluster is not
	// graded "differs" for its own load. Tolerances that decide a fact
	// (the back-off's and controllers' lag, node loss's bound) are not.
	Slowness float64 `json:"slowness,omitempty"`
	// ProgressFile receives one line per lab step.
	ProgressFile string `json:"progressFile,omitempty"`
	// ArtifactsDir is where reports go; empty means _artifacts at the
	// repository's root (or the working directory outside one).
	ArtifactsDir string `json:"artifactsDir,omitempty"`
	// Kubernetes is the release of the kind cluster joblab creates or
	// reuses; empty means the default. Unverified lets it name a release
	// the labs have not been verified on.
	Kubernetes string `json:"kubernetes,omitempty"`
	Unverified bool   `json:"unverified,omitempty"`
	// ImageMode forces the image mode, "online" or "offline"; empty means
	// detect (Docker Hub answers or not).
	ImageMode string `json:"imageMode,omitempty"`
	// CacheDir is where builds are cached: $JOBLAB_CACHE_DIR, else
	// joblab/ in the user's cache directory (FromEnv fills it). DebianMirror
	// is the Debian mirror
	// debootstrap uses; empty means Debian's.
	CacheDir     string `json:"cacheDir,omitempty"`
	DebianMirror string `json:"debianMirror,omitempty"`
	// TraceRequests, a file path, makes the process append one line per
	// API request it sends (time, method, path and query): what the
	// benchmarks' per-lab request counts are made of.
	TraceRequests string `json:"traceRequests,omitempty"`
}

// Validate names the first setting that cannot work, and the fix.
func (s Settings) Validate() error {
	switch s.Keep {
	case KeepNothing, KeepOnFailure, KeepAlways:
	default:
		return fmt.Errorf("keep policy %q: use %q or %q", s.Keep, KeepOnFailure, KeepAlways)
	}
	if s.BrokerNodePort != 0 && (s.BrokerNodePort < MinNodePort || s.BrokerNodePort > MaxNodePort) {
		return fmt.Errorf("broker NodePort %d: give one of Kubernetes' NodePort range, %d-%d", s.BrokerNodePort, MinNodePort, MaxNodePort)
	}
	if s.Slowness != 0 && (s.Slowness < 1 || s.Slowness > MaxSlowness) {
		return fmt.Errorf("slowness %g: give a factor from 1 (a lab alone) to %d ($%s)", s.Slowness, MaxSlowness, SlownessEnv)
	}
	if s.ManifestsDir != "" {
		if st, err := os.Stat(s.ManifestsDir); err != nil || !st.IsDir() {
			return fmt.Errorf("manifests folder %q does not exist: give a folder holding the lesson's manifest files (job-normal-end.yaml, ...)", s.ManifestsDir)
		}
	}
	return nil
}

// FromEnv reads the settings of a make or ginkgo run from the
// environment; a JSON value passed by the joblab command wins. Only the
// entry points call it (the command, the suites, the tools): below them
// the settings are passed as a value (framework.Env.Settings).
func FromEnv() Settings {
	if data := os.Getenv(childEnv); data != "" {
		var s Settings
		if json.Unmarshal([]byte(data), &s) == nil {
			return s
		}
	}
	return Settings{
		Kubeconfig:     os.Getenv(KubeconfigEnv),
		Context:        os.Getenv(ContextEnv),
		Namespace:      os.Getenv(NamespaceEnv),
		ImageRepo:      os.Getenv(ImageRepoEnv),
		ManifestsDir:   os.Getenv(ManifestsEnv),
		LabsDir:        os.Getenv(LabsEnv),
		BrokerNodePort: brokerNodePortFromEnv(),
		Slowness:       slownessFromEnv(),
		Keep:           os.Getenv(KeepEnv),
		ProgressFile:   os.Getenv(ProgressEnv),
		ArtifactsDir:   os.Getenv(ArtifactsEnv),
		Kubernetes:     os.Getenv(KubernetesEnv),
		Unverified:     os.Getenv(UnverifiedEnv) == "true",
		ImageMode:      os.Getenv(ModeEnv),
		CacheDir:       cacheDirFromEnv(),
		DebianMirror:   os.Getenv(DebianMirrorEnv),
		TraceRequests:  os.Getenv(TraceRequestsEnv),
	}
}

// cacheDirFromEnv is CacheDirEnv, else joblab/ in the user's cache
// directory (the temporary directory where there is none).
func cacheDirFromEnv() string {
	if d := os.Getenv(CacheDirEnv); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "joblab")
}

// Kubernetes' default NodePort range (--service-node-port-range).
const (
	MinNodePort = 30000
	MaxNodePort = 32767
)

// brokerNodePortFromEnv reads BrokerNodePortEnv; a value that is not a
// number is kept as -1, which Validate refuses with the fix.
func brokerNodePortFromEnv() int32 {
	v := os.Getenv(BrokerNodePortEnv)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return -1
	}
	return int32(n)
}

// slownessFromEnv reads SlownessEnv; a value that is not a number is
// kept as -1, which Validate refuses with the fix.
func slownessFromEnv() float64 {
	v := os.Getenv(SlownessEnv)
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return -1
	}
	return f
}

// MaxSlowness is the largest Slowness taken: beyond it a wait for a
// broken cluster's end state would last hours.
const MaxSlowness = 20

// SlownessFor is the Slowness of a lab run while n students' labs share
// its cluster: 1 alone, a quarter more for each other student (measured
// here: ten students' labs on one 2-core kind cluster ran 2.4 times
// slower than one's, and pods waited up to 4 min to start).
func SlownessFor(n int) float64 {
	return min(MaxSlowness, 1+float64(max(n-1, 0))/4)
}

// ChildEnv is the environment entry that hands s to a child process.
func (s Settings) ChildEnv() string {
	data, _ := json.Marshal(s)
	return childEnv + "=" + string(data)
}

// Artifacts is the folder reports go to, absolute.
func (s Settings) Artifacts() string {
	if s.ArtifactsDir != "" {
		if abs, err := filepath.Abs(s.ArtifactsDir); err == nil {
			return abs
		}
		return s.ArtifactsDir
	}
	return filepath.Join(repoRoot(), "_artifacts")
}

// repoRoot is the module's root folder (where go.mod is), found upward
// from the working directory, so that a package-level go test never
// writes into the package's folder; the working directory outside one.
func repoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// Cache is where the builds of these settings keep what they made.
func (s Settings) Cache() cache.Config {
	return cache.Config{Dir: s.CacheDir, DebianMirror: s.DebianMirror}
}
