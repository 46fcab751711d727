package lesson

import (
	"slices"
	"testing"
)

// TestPairsNameLabsThatRun: each old way / new way pair names labs the
// catalogue runs: a lab, or one of a lab folder's runs, by the name it
// reports under.
func TestPairsNameLabsThatRun(t *testing.T) {
	reported := map[string]bool{}
	for _, l := range Labs {
		reported[l.Name] = true
		if l.Def != nil {
			for _, run := range l.Def.Parts() {
				reported[run.ReportName()] = true
			}
		}
	}
	pairs := Pairs()
	if len(pairs) == 0 {
		t.Fatal("no lab folder names its old way (oldWay): the reports' comparison would be empty")
	}
	for _, p := range pairs {
		for _, name := range []string{p.Old, p.New} {
			if !reported[name] {
				t.Errorf("pair %s / %s: no lab reports as %q", p.Old, p.New, name)
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
