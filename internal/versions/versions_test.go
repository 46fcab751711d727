package versions

import (
	"slices"
	"strings"
	"testing"
)

func TestFindVerifiedAndRefused(t *testing.T) {
	d := Default()
	if d.Kubernetes != DefaultKubernetes || d.Verified == "" {
		t.Fatalf("the default release %s must be known and verified: %+v", DefaultKubernetes, d)
	}
	for _, name := range []string{d.Kubernetes, strings.TrimPrefix(d.Kubernetes, "v"), " " + d.Kubernetes} {
		if r, err := Find(name); err != nil || r.Kubernetes != d.Kubernetes {
			t.Errorf("Find(%q) = %v, %v; want %s", name, r.Kubernetes, err, d.Kubernetes)
		}
	}
	// A minor alone names its newest known patch.
	minor := d.Kubernetes[:strings.LastIndexByte(d.Kubernetes, '.')]
	if r, err := Find(minor); err != nil || r.Kubernetes != d.Kubernetes {
		t.Errorf("Find(%q) = %v, %v; want %s", minor, r.Kubernetes, err, d.Kubernetes)
	}
	_, err := Find("v1.20.0")
	if err == nil || !strings.Contains(err.Error(), "not a release joblab knows") || !strings.Contains(err.Error(), d.Kubernetes) {
		t.Errorf("an unknown release must be refused with the verified list: %v", err)
	}
	// "1.3" is not a prefix of "1.34": versions are matched per component.
	if r, err := Lookup("1.3"); err == nil {
		t.Errorf("Lookup(1.3) = %s; want an error", r.Kubernetes)
	}
}

func TestUnverifiedReleasesAreRefusedButKnown(t *testing.T) {
	// Every release of the table is verified today: a release added to it
	// before its matrix run stands for the next one.
	saved := Releases
	t.Cleanup(func() { Releases = saved })
	Releases = append(slices.Clone(saved), Release{Kubernetes: "v1.38.0", Staging: "v0.38.0", Go: "1.26"})
	for _, r := range Releases {
		if r.Verified != "" {
			continue
		}
		if _, err := Find(r.Kubernetes); err == nil || !strings.Contains(err.Error(), "--unverified") {
			t.Errorf("Find(%s): an unverified release must be refused, naming --unverified: %v", r.Kubernetes, err)
		}
		if got, err := Lookup(r.Kubernetes); err != nil || got.Kubernetes != r.Kubernetes {
			t.Errorf("Lookup(%s) = %v, %v", r.Kubernetes, got.Kubernetes, err)
		}
	}
}

func TestReleasesAreConsistent(t *testing.T) {
	seen := map[int]bool{}
	for i, r := range Releases {
		minor := r.Minor()
		if minor < 34 || seen[minor] {
			t.Errorf("%s: minor %d repeated or unparsed", r.Kubernetes, minor)
		}
		seen[minor] = true
		if i > 0 && minor <= Releases[i-1].Minor() {
			t.Errorf("%s: releases must be oldest first", r.Kubernetes)
		}
		// The staging modules are released with Kubernetes: v1.N.P goes with v0.N.P.
		if want := "v0" + strings.TrimPrefix(r.Kubernetes, "v1"); r.Staging != want {
			t.Errorf("%s: staging %s, want %s", r.Kubernetes, r.Staging, want)
		}
		// The published node image is of the same minor, pinned by digest.
		if !strings.HasPrefix(r.PublishedNodeImage, "kindest/node:"+r.Kubernetes[:strings.LastIndexByte(r.Kubernetes, '.')]+".") || !strings.Contains(r.PublishedNodeImage, "@sha256:") {
			t.Errorf("%s: published node image %s is not of its minor, pinned by digest", r.Kubernetes, r.PublishedNodeImage)
		}
	}
}

func TestMinorOfAServerVersion(t *testing.T) {
	for v, want := range map[string]int{"v1.37.2": 37, "v1.34.0-gke.1": 34, "v1.36.3+k3s1": 36} {
		if got, err := MinorOf(v); err != nil || got != want {
			t.Errorf("MinorOf(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"", "1.37.2", "v2.0.0", "latest"} {
		if got, err := MinorOf(v); err == nil {
			t.Errorf("MinorOf(%q) = %d; want an error", v, got)
		}
	}
}
