package classjob

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Usage is what a grading pod used: its container's peak memory and CPU
// time, read from its own cgroup (v1 or v2), or, where that cannot be
// read, from the process and its largest child (getrusage).
type Usage struct {
	PeakBytes  int64
	CPUSeconds float64
	// LargestProcessBytes is the peak resident set of the pod's largest
	// process (getrusage: itself or a child it waited for). A cgroup's
	// peak also counts the page cache of what the pod wrote and read;
	// this does not.
	LargestProcessBytes int64
	// Source says where the figures come from.
	Source string
}

// OwnUsage measures the grading pod from inside.
func OwnUsage() Usage {
	u := cgroupUsage()
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	u.LargestProcessBytes = max(self.Maxrss, children.Maxrss) * 1024
	return u
}

func cgroupUsage() Usage {
	if peak, ok := readInt("/sys/fs/cgroup/memory/memory.max_usage_in_bytes"); ok {
		u := Usage{PeakBytes: peak, Source: "cgroup v1"}
		if ns, ok := readInt("/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage"); ok {
			u.CPUSeconds = float64(ns) / 1e9
		} else if ns, ok := readInt("/sys/fs/cgroup/cpuacct/cpuacct.usage"); ok {
			u.CPUSeconds = float64(ns) / 1e9
		}
		return u
	}
	if peak, ok := readInt("/sys/fs/cgroup/memory.peak"); ok {
		u := Usage{PeakBytes: peak, Source: "cgroup v2"}
		if data, err := os.ReadFile("/sys/fs/cgroup/cpu.stat"); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if k, v, ok := strings.Cut(line, " "); ok && k == "usage_usec" {
					if us, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
						u.CPUSeconds = float64(us) / 1e6
					}
				}
			}
		}
		return u
	}
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	cpu := func(r syscall.Rusage) float64 {
		return float64(r.Utime.Sec+r.Stime.Sec) + float64(r.Utime.Usec+r.Stime.Usec)/1e6
	}
	return Usage{PeakBytes: max(self.Maxrss, children.Maxrss) * 1024, CPUSeconds: cpu(self) + cpu(children), Source: "getrusage (the largest process)"}
}

func readInt(path string) (int64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n, err == nil
}

// Data keys of a result holding the grading pod's usage.
const (
	PeakBytesKey  = "peakBytes"
	CPUSecondsKey = "cpuSeconds"
	UsageFromKey  = "usageFrom"
	// LargestProcessKey holds Usage.LargestProcessBytes.
	LargestProcessKey = "largestProcessBytes"
)

// AddUsage records u in a result.
func AddUsage(data map[string]string, u Usage) {
	data[PeakBytesKey] = strconv.FormatInt(u.PeakBytes, 10)
	data[CPUSecondsKey] = strconv.FormatFloat(u.CPUSeconds, 'f', 1, 64)
	data[UsageFromKey] = u.Source
	if u.LargestProcessBytes > 0 {
		data[LargestProcessKey] = strconv.FormatInt(u.LargestProcessBytes, 10)
	}
}
