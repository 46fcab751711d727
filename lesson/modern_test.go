package lesson

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestPairsNameLabsThatRun reads the labs the specs report under (the Lab
// of their inputs in pkg/specs/register.go, a lab folder's name): a pair
// naming another name would never find its timing, and the reports would
// say "not run".
func TestPairsNameLabsThatRun(t *testing.T) {
	data, err := os.ReadFile("../pkg/specs/register.go")
	if err != nil {
		t.Fatal(err)
	}
	reported := map[string]bool{}
	for _, m := range regexp.MustCompile(`Lab: "([a-z0-9-]+)"`).FindAllStringSubmatch(string(data), -1) {
		reported[m[1]] = true
	}
	n := len(reported)
	// A lab folder reports under its own name, or its runs' names.
	for _, l := range Labs {
		if l.Def != nil {
			for _, run := range l.Def.Parts() {
				reported[run.ReportName()] = true
			}
		}
	}
	if n == 0 {
		// The Go specs left are still reported under names of their own
		// (behaviours: pods-kept); once they are folders, this goes.
		t.Fatalf("found no report lab names in register.go: has the way specs name their lab changed?")
	}
	for _, p := range Pairs {
		for _, name := range []string{p.Old, p.New} {
			if !reported[name] {
				t.Errorf("pair %s / %s: no spec reports as lab %q", p.Old, p.New, name)
			}
		}
	}
}

func TestTrackLabsListTheModernTrack(t *testing.T) {
	modern := TrackLabs(ModernTrack)
	if !slices.Contains(modern, "indexed") || !slices.Contains(modern, "managed-by") {
		t.Errorf("the modern track %v lacks a Go lab (indexed) or a lab folder's (managed-by)", modern)
	}
	for _, name := range modern {
		l, _ := FindLab(name)
		if l.Def != nil {
			continue // a lab folder: its own files
		}
		if len(l.Manifests) != 1 || l.Manifests[0] != "modern/"+name+".yaml" {
			t.Errorf("modern lab %s applies %v, want modern/%s.yaml", name, l.Manifests, name)
		}
	}
	for _, name := range TrackLabs("") {
		if name == "indexed" || name == "cron-policies" {
			t.Errorf("lesson track lists modern lab %s", name)
		}
	}
}
