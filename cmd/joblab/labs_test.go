package main

import (
	"slices"
	"testing"

	"github.com/joblab/joblab/lesson"
)

func TestSelectLabsExpandsTheModernTrack(t *testing.T) {
	got, err := selectLabs([]string{"prime", "modern", "indexed"})
	if err != nil {
		t.Fatal(err)
	}
	// The track's labs in the catalogue's order, after prime and indexed
	// (named first, each once).
	want := []string{"prime", "indexed"}
	for _, l := range lesson.Labs {
		if l.Track == lesson.ModernTrack && l.Name != "indexed" {
			want = append(want, l.Name)
		}
	}
	if len(want) < 5 {
		t.Fatalf("the modern track holds %d labs: is the catalogue loaded?", len(want)-2)
	}
	if !slices.Equal(got, want) {
		t.Errorf("selectLabs(prime modern indexed) = %v, want %v (the track's labs in the catalogue's order, each once)", got, want)
	}
	if _, err := selectLabs([]string{"moden"}); err == nil {
		t.Error("an unknown name was accepted")
	}
}
