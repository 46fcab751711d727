package framework

import (
	"context"
	"fmt"
	"slices"

	. "github.com/onsi/gomega"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

// Apply compares the manifest the lab is about to apply (the embedded one,
// or the student's from $JOBLAB_MANIFESTS) with the lesson, one report row
// per difference, then applies it. A differing manifest makes the lab red
// but still runs, so the student sees what the lesson says, what their
// manifest says, and what then happened.
func (l *Lab) Apply(ctx context.Context, name string) {
	data, err := ReadManifest(name)
	Expect(err).NotTo(HaveOccurred())
	l.CompareManifest(name, data)
	// Noted before applying: a manifest applied in part is cleaned too.
	l.created(manifestKinds(data)...)
	Expect(Apply(ctx, l.Env.Config, l.Namespace, l.Report.Lab, name)).To(Succeed())
}

// CompareManifest adds the manifest's comparison with the lesson to the
// lab's report: each differing field is a row that fails the lab; the
// project's deliberate departures from the notes are rows that say so.
func (l *Lab) CompareManifest(name string, data []byte) {
	r := l.Report
	diffs, fields, err := lesson.CompareManifest(name, data)
	if err != nil {
		r.Add("manifest "+name, "as the lesson writes it", err.Error(), false)
		return
	}
	for _, d := range diffs {
		r.Add(fmt.Sprintf("%s: %s %s", name, d.Object, d.Path), lesson.ShowValue(d.Lesson), lesson.ShowValue(d.Manifest), false)
	}
	if len(diffs) == 0 {
		r.Add(name+": the manifest", fmt.Sprintf("the lesson's %d fields, nothing else set", fields), "the same", true)
	}
	for _, dep := range lesson.Departures {
		if dep.Manifest == name {
			r.Add(fmt.Sprintf("%s: %s %s (this project departs from the notes)", name, dep.Object, dep.Path), "notes: "+dep.Notes, "here: "+lesson.ShowValue(lesson.ManifestValue(data, dep.Object, dep.Path))+" ("+dep.Why+")", true)
		}
	}
}

// manifestKinds lists the kinds of a manifest's objects that joblab cleans
// up (Job, CronJob, Deployment, Service); all four when it does not decode
// or holds another kind.
func manifestKinds(data []byte) []string {
	all := []string{"Job", "CronJob", "Deployment", "Service"}
	objs, err := manifests.Decode(data)
	if err != nil {
		return all
	}
	var kinds []string
	for _, ref := range objectRefs(objs) {
		if !slices.Contains(all, ref.Kind) {
			return all
		}
		kinds = append(kinds, ref.Kind)
	}
	return kinds
}
