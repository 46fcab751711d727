package main

import (
	"slices"
	"testing"
)

func TestSelectLabsExpandsTheModernTrack(t *testing.T) {
	got, err := selectLabs([]string{"prime", "modern", "indexed"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"prime", "indexed", "pod-failure-policy", "per-index", "success-policy", "replacement", "cron-policies", "lifecycle", "managed-by"}
	if !slices.Equal(got, want) {
		t.Errorf("selectLabs(prime modern indexed) = %v, want %v (the track's labs in the catalogue's order, each once)", got, want)
	}
	if _, err := selectLabs([]string{"moden"}); err == nil {
		t.Error("an unknown name was accepted")
	}
}
