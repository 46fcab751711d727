package lesson

import (
	"cmp"
	"fmt"
	"math"
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
	// Order is where the lab comes among its track's labs (lab.yaml's
	// order): 1 first, 0 after those with one.
	Order int
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
	return LabInfo{Name: l.Name, Section: l.Section, Summary: l.Summary, Expected: l.Expected, Title: l.Title, Manifests: l.Manifests(), Alone: l.Alone, Order: l.Order, Track: l.Track, Folder: l.Dir, Def: l}
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
		if err := AddLab(FolderInfo(l)); err != nil {
			panic(err)
		}
	}
	SortLabs(Labs)
}

// SortLabs puts labs in the course's order: the lesson's, then the modern
// track's (then any other track's, by name); within a track by Order, those
// without one after, by name.
func SortLabs(labs []LabInfo) {
	track := func(t string) string {
		switch t {
		case "":
			return "0"
		case ModernTrack:
			return "1"
		}
		return "2" + t
	}
	order := func(o int) int {
		if o <= 0 {
			return math.MaxInt
		}
		return o
	}
	slices.SortStableFunc(labs, func(a, b LabInfo) int {
		return cmp.Or(cmp.Compare(track(a.Track), track(b.Track)), cmp.Compare(order(a.Order), order(b.Order)), cmp.Compare(a.Name, b.Name))
	})
}

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

// Labs are the catalogue: the lab folders of lessonlabs/ (SortLabs' order),
// then the labs of a teacher's folders as they are added (AddLab).
var Labs []LabInfo

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
