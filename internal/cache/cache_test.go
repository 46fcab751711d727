package cache

import "testing"

func TestTagChangesWithAnyInput(t *testing.T) {
	a := Tag("recipe-1", "bookworm", "v1.34.2")
	if a != Tag("recipe-1", "bookworm", "v1.34.2") {
		t.Error("same inputs gave different tags")
	}
	for _, other := range [][]string{{"recipe-2", "bookworm", "v1.34.2"}, {"recipe-1", "trixie", "v1.34.2"}, {"recipe-1bookworm", "", "v1.34.2"}} {
		if Tag(other...) == a {
			t.Errorf("inputs %q gave the same tag as the original", other)
		}
	}
	if len(a) != 12 {
		t.Errorf("tag %q is not 12 characters", a)
	}
}
