package lesson

import (
	"fmt"
	"slices"
	"time"

	"github.com/joblab/joblab"
	"github.com/joblab/joblab/internal/labdef"
)

// LabInfo describes a lab for people choosing what to run.
type LabInfo struct {
	// Name is the lab's Ginkgo label.
	Name    string
	Section string
	Summary string
	// Expected is about how long the lab takes on a small cluster.
	Expected time.Duration
	// Title heads the lab's specs and report section.
	Title string
	// Manifests are the lesson's manifests the lab applies.
	Manifests []string
	// Alone labs stop a node: they run when no other lab runs on their
	// cluster.
	Alone bool
	// Track is "" for the lesson's labs and ModernTrack for the modern
	// track's (today's Kubernetes ways of doing what the lesson does; their
	// Section is the release each feature went GA in: KEP-2214 indexed
	// 1.24, KEP-2232 suspend 1.24, KEP-3140 CronJob timeZone 1.27,
	// KEP-3329 pod failure policy 1.31, KEP-3850 backoff limit per index
	// and KEP-3998 success policy 1.33, KEP-3939 pod replacement policy
	// 1.34).
	Track string
	// Folder is the lab folder (joblab/v1) a lab was read from; empty for
	// the labs written in Go.
	Folder string
	// Def is the lab folder's definition (nil for the labs written in Go).
	Def *labdef.Lab `json:"-"`
}

// embeddedLabs are joblab's own lab folders (lessonlabs/), read once.
var embeddedLabs = func() []*labdef.Lab {
	labs, err := labdef.LoadEmbedded(joblab.LessonLabs, "lessonlabs")
	if err != nil {
		panic("joblab's own lab folders (lessonlabs/): " + err.Error())
	}
	return labs
}()

// FolderInfo is a lab folder's entry in the catalogue.
func FolderInfo(l *labdef.Lab) LabInfo {
	return LabInfo{Name: l.Name, Section: l.Section, Summary: l.Summary, Expected: l.Expected, Title: l.Title, Manifests: l.Manifests(), Alone: l.Alone, Track: l.Track, Folder: l.Dir, Def: l}
}

// RegisterFolders loads dir (a lab folder, or a folder of them) and adds
// its labs to the catalogue, returning their names.
func RegisterFolders(dir string) ([]string, error) {
	labs, err := labdef.Load(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range labs {
		if err := AddLab(FolderInfo(l)); err != nil {
			return nil, err
		}
		names = append(names, l.Name)
	}
	return names, nil
}

func init() {
	for _, l := range embeddedLabs {
		// A lesson lab written as a folder takes its place in the
		// lesson's order (its entry in Labs names it alone).
		if i := slices.IndexFunc(Labs, func(x LabInfo) bool { return x.Name == l.Name && x.placeholder() }); i >= 0 {
			Labs[i] = FolderInfo(l)
			continue
		}
		if err := AddLab(FolderInfo(l)); err != nil {
			panic(err)
		}
	}
	for _, l := range Labs {
		if l.placeholder() {
			panic("lab " + l.Name + " is in the lesson's order (lesson.Labs) but lessonlabs/ has no folder of that name")
		}
	}
}

// placeholder tells an entry of Labs that only holds the place, in the
// lesson's order, of a lab folder of lessonlabs/.
func (l LabInfo) placeholder() bool { return l.Def == nil && l.Title == "" }

// AddLab adds a lab folder's lab to the catalogue; a name the catalogue
// already holds is refused, naming the lab that has it.
func AddLab(l LabInfo) error {
	if l.Name == ModernTrack {
		return fmt.Errorf("lab %s (%s): %q names the modern track: give the lab another name", l.Name, l.Folder, ModernTrack)
	}
	if have, ok := FindLab(l.Name); ok {
		if have.Folder == l.Folder && l.Folder != "" {
			return nil // the same folder, read again
		}
		where := "one of the lesson's labs"
		if have.Folder != "" {
			where = "the lab of " + have.Folder
		}
		return fmt.Errorf("lab %s (%s): %s has that name already: give the lab another name in its lab.yaml", l.Name, l.Folder, where)
	}
	Labs = append(Labs, l)
	return nil
}

// FolderLabel is the label of the labs read from lab folders (joblab/v1),
// beside their own name.
const FolderLabel = "lab-folder"

// ModernTrack is the label and the name of the modern track: its labs
// carry it next to their own, and "joblab run modern" runs them all.
const ModernTrack = "modern"

// Labs are the lesson's labs, in the lesson's order, then the modern
// track's. A lab written as a folder of lessonlabs/ has an entry naming it
// alone, which the folder fills; those of the folders not named here come
// after.
var Labs = []LabInfo{
	{Name: "normal"},         // lessonlabs/normal
	{Name: "abnormal"},       // lessonlabs/abnormal
	{Name: "two-containers"}, // lessonlabs/two-containers
	{Name: "prime"},          // lessonlabs/prime
	{"broker", "10.6-10.8", "RabbitMQ work queue: the initiator fills it, 4 workers print the primes of 1..4000", 4 * time.Minute, "a work queue on RabbitMQ", []string{"taskQueue-deploy.yaml"}, false, "", "", nil},
	{Name: "cron"},       // lessonlabs/cron
	{Name: "behaviours"}, // lessonlabs/behaviours
	{Name: "node-loss"},  // lessonlabs/node-loss

	// The modern track.
	{Name: "indexed"},            // lessonlabs/indexed
	{Name: "pod-failure-policy"}, // lessonlabs/pod-failure-policy
	{Name: "per-index"},          // lessonlabs/per-index
	{Name: "success-policy"},     // lessonlabs/success-policy
	{Name: "replacement"},        // lessonlabs/replacement
	{Name: "cron-policies"},      // lessonlabs/cron-policies
	{Name: "lifecycle"},          // lessonlabs/lifecycle
}

// Describe is the text of a lab's Ginkgo container: "name: title
// (section)". It panics for a lab not in the catalogue, so that a spec
// cannot register under a name the command does not know.
func Describe(name string) string {
	l, ok := FindLab(name)
	if !ok {
		panic("lab " + name + " is not in the catalogue (lesson.Labs)")
	}
	return l.Name + ": " + l.Title + " (" + l.Section + ")"
}

// TrackLabs lists the labs of a track, in the catalogue's order.
func TrackLabs(track string) []string {
	var out []string
	for _, l := range Labs {
		if l.Track == track {
			out = append(out, l.Name)
		}
	}
	return out
}

// FindLab returns the lab of that name.
func FindLab(name string) (LabInfo, bool) {
	for _, l := range Labs {
		if l.Name == name {
			return l, true
		}
	}
	return LabInfo{}, false
}
