package framework

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"

	"github.com/joblab/joblab/internal/grade"
	"github.com/joblab/joblab/internal/labdef"
	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/manifests"
)

// Apply compares the manifest the lab is about to apply (the embedded one,
// or the student's from the settings' ManifestsDir) with the lesson, one report row
// per difference, then applies it; one the student's folder lacks is a
// differing row that names the file. A differing manifest makes the lab red
// but still runs, so the student sees what the lesson says, what their
// manifest says, and what then happened.
func (l *Lab) Apply(ctx context.Context, name string) {
	data, err := l.Env.ReadManifest(name)
	if err != nil {
		// A student's folder without a file the lab applies: a row that
		// names it and the fix, and the lab ends there (as a lab folder's
		// file, ApplyFile).
		l.Require(lesson.ApplyRow(name), "applied", err)
		return
	}
	l.NoteOrigin(name)
	l.CompareManifest(ctx, name, data)
	l.noteNodePort(name, data)
	// Noted before applying: a manifest applied in part is cleaned too.
	l.created(manifestKinds(data)...)
	Expect(l.Env.Apply(ctx, l.Namespace, l.Report.Lab, name)).To(Succeed())
}

// ReadFolderFile returns a file a lab folder applies: the student's of
// that name when the labs run on a student's folder (dir), else the
// folder's own; origin says which. A teacher's lab needs the student's
// file (an error names it: the student writes the exercise); joblab's own
// labs take their copy where the student's folder has none.
func ReadFolderFile(def *labdef.Lab, dir, name string) (data []byte, origin string, err error) {
	own := FromFolder
	if def.Embedded {
		own = FromEmbedded
	}
	if dir == "" {
		data, err = def.ReadManifest(name)
		return data, own, err
	}
	data, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) && def.Embedded {
		data, err = def.ReadManifest(name)
		return data, FromLesson, err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, FromStudent, fmt.Errorf("the manifests folder %s has no %s, which lab folder %s applies: write it there, or run only the labs whose files the folder holds", dir, name, def.Dir)
	}
	return data, FromStudent, err
}

// FromFolder is where a lab folder's own file comes from.
const FromFolder = "the lab folder"

// ApplyFile applies a lab folder's file: when the labs run on a student's
// folder, the student's file of that name, which is first compared, as
// Kubernetes stores both, with the folder's; a differing field is a row
// that fails the lab, and the lab still runs.
func (l *Lab) ApplyFile(ctx context.Context, def *labdef.Lab, name string) {
	dir := l.Env.Settings.ManifestsDir
	data, origin, err := ReadFolderFile(def, dir, name)
	if dir != "" {
		want := FromStudent
		if def.Embedded {
			want = "the student's folder, else " + FromEmbedded
		}
		l.Report.Add(lesson.WrittenByRow(name), want, origin, err == nil)
	}
	if err != nil {
		l.Require(lesson.ApplyRow(name), "applied", err)
		return
	}
	if origin == FromStudent {
		reference, err := def.ReadManifest(name)
		Expect(err).NotTo(HaveOccurred())
		l.compare(ctx, name, data, reference)
	}
	l.created(manifestKinds(data)...)
	Expect(l.Env.ApplyData(ctx, l.Namespace, l.Report.Lab, name, data)).To(Succeed())
}

// ApplyData applies a file of the lab that is joblab's own, as read (a lab
// folder's file made for this run, one the cluster must refuse): its kinds
// are noted for the clean-up, and the apply's error returned.
func (l *Lab) ApplyData(ctx context.Context, name string, data []byte) error {
	l.created(manifestKinds(data)...)
	return l.Env.ApplyData(ctx, l.Namespace, l.Report.Lab, name, data)
}

// noteNodePort records, when this student's broker runs at a NodePort of
// its own (settings.BrokerNodePort), that the manifest's lesson NodePort
// was given that one: a departure the teacher allowed, not a difference.
func (l *Lab) noteNodePort(name string, data []byte) {
	port := l.Env.BrokerNodePort()
	if port == lesson.BrokerNodePort {
		return
	}
	objs, err := manifests.Decode(data)
	if err != nil {
		return
	}
	for _, o := range objs {
		svc, ok := o.(*corev1.Service)
		if !ok {
			continue
		}
		for _, p := range svc.Spec.Ports {
			if p.NodePort == lesson.BrokerNodePort {
				l.Report.Add(lesson.NodePortAllowedRow(name, svc.Name), fmt.Sprintf("lesson: %d", lesson.BrokerNodePort),
					fmt.Sprintf("here: %d (this student's NodePort, from the class file or --broker-nodeport, so that the class's broker labs run side by side)", port), true)
			}
		}
	}
}

// NoteOrigin records, when the labs run on a student's folder, whether a
// manifest was the student's or joblab's copy of the lesson (a file the
// student was never asked to write).
func (l *Lab) NoteOrigin(name string) {
	if l.Env.Settings.ManifestsDir == "" {
		return
	}
	want := FromStudent
	if !StudentWrites(name) {
		want = "the student's folder, else " + FromEmbedded
	}
	l.Report.Add(lesson.WrittenByRow(name), want, l.Env.ManifestOrigin(name), true)
}

// CompareManifest adds the manifest's comparison with the lesson to the
// lab's report, made the way Kubernetes sees both (grade.Compare: each
// side as the API server would store it, from a server-side dry run in the
// lab's namespace): each differing field is a row that fails the lab; a
// field that could not be decided (a pair compared as written) is an n/a
// row with why; the project's deliberate departures from the notes are rows
// that say so.
func (l *Lab) CompareManifest(ctx context.Context, name string, data []byte) {
	l.compare(ctx, name, data, nil)
}

// compare is CompareManifest against reference (a lab folder's file), or
// the lesson's manifest of name when reference is nil.
func (l *Lab) compare(ctx context.Context, name string, data, reference []byte) {
	r := l.Report
	res, err := grade.Compare(ctx, grade.Input{Config: l.Env.Config, Namespace: l.Namespace, Name: name, Data: data, Reference: reference})
	if err != nil {
		r.Add(lesson.ManifestUnreadRow(name), "as the lesson writes it", err.Error(), false)
		return
	}
	differs := 0
	for _, d := range res.Diffs {
		fact := lesson.FieldRow(name, d.Object, d.Path)
		if d.Undecided != "" {
			r.NotObservable(fact, lesson.ShowValue(d.Lesson), "the manifest says "+lesson.ShowValue(d.Manifest)+"; "+d.Undecided)
			continue
		}
		differs++
		r.Add(fact, lesson.ShowValue(d.Lesson), lesson.ShowValue(d.Manifest), false)
	}
	if differs == 0 {
		documented := fmt.Sprintf("the %d fields the API server stores for the lesson's manifest", res.Fields)
		if len(res.AsWritten) > 0 {
			documented = fmt.Sprintf("the lesson's %d fields (compared as written where the API server could not default: %s)", res.Fields, strings.Join(res.AsWritten, "; "))
		}
		r.Add(lesson.ManifestRow(name), documented, "the same", true)
	}
	for _, dep := range lesson.Departures {
		if dep.Manifest == name && reference == nil {
			r.Add(lesson.DepartureRow(name, dep.Object, dep.Path), "notes: "+dep.Notes, "here: "+lesson.ShowValue(lesson.ManifestValue(data, dep.Object, dep.Path))+" ("+dep.Why+")", true)
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
