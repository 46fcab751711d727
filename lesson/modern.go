package lesson

// The modern track: the lesson's situations redone with what Jobs gained
// since the notes were written (Kubernetes 1.34). Its facts come from the
// Kubernetes 1.34 documentation and the upstream e2e tests
// (test/e2e/apps/job.go), each named next to its value, never from the
// manifests or the programs the labs run.

// Documented facts of the modern labs, that joblab's own code reads (the
// labs' facts are their folders', lessonlabs/).
const (
	// Indexed Job (kubernetes.io/docs/concepts/workloads/controllers/job/
	// "Completion mode"): the pod's index is in this annotation and label
	// and in JOB_COMPLETION_INDEX.
	CompletionIndexKey = "batch.kubernetes.io/job-completion-index"

	// DisruptionTarget is the pod condition an evicted pod gets (the Job
	// documentation's "Pod disruption conditions").
	DisruptionTarget = "DisruptionTarget"
)

// Pair is a situation the lesson shows the old way and the modern track
// the new way.
type Pair struct {
	// Old and New are report lab names (a spec's lab: broker, pods-kept).
	Old, New string
	// What the new way changes.
	What string
}

// Pairs are the old way next to the new way, for the reports: each lab
// of the catalogue that names its old way (lab.yaml's oldWay), in the
// catalogue's order.
func Pairs() []Pair {
	var out []Pair
	for _, l := range Labs {
		if l.Def != nil && l.Def.OldWay != nil {
			out = append(out, Pair{Old: l.Def.OldWay.Lab, New: l.Name, What: l.Def.OldWay.What})
		}
	}
	return out
}
