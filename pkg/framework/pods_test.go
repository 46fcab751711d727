package framework

import "testing"

// journal is containerd's journal on a kind node (journalctl --output
// cat --grep <id>) for a container whose output it lost, as recorded in
// a class run here.
const journal = `time="2026-11-30T23:15:57.727042438Z" level=info msg="CreateContainer within sandbox \"b7e7\" for &ContainerMetadata{Name:pn-generator,Attempt:0,} returns container id \"b5399eaa\""
time="2026-11-30T23:15:57.752449230Z" level=info msg="StartContainer for \"b5399eaa\""
time="2026-11-30T23:16:02.538542070Z" level=info msg="StartContainer for \"b5399eaa\" returns successfully"
time="2026-11-30T23:16:02.727183383Z" level=error msg="Failed to pipe stdout of container \"b5399eaa\"" error="reading from a closed fifo"
time="2026-11-30T23:16:02.956078650Z" level=info msg="shim disconnected" id=b5399eaa`

func TestPipeLossLineFindsOnlyThatContainersLoss(t *testing.T) {
	got := pipeLossLine(journal, "b5399eaa")
	if want := `msg="Failed to pipe stdout of container \"b5399eaa\"" error="reading from a closed fifo"`; got != want {
		t.Errorf("pipeLossLine = %q, want %q", got, want)
	}
	if got := pipeLossLine(journal, "c0ffee"); got != "" {
		t.Errorf("another container's loss was attributed: %q", got)
	}
	ok := `time="2026-11-30T23:16:02Z" level=info msg="StartContainer for \"b5399eaa\" returns successfully"`
	if got := pipeLossLine(ok, "b5399eaa"); got != "" {
		t.Errorf("a container whose output was piped was called lost: %q", got)
	}
}

func TestProbeAnswersAreRabbitMQsFrameStart(t *testing.T) {
	// Two probe pods' logs: a host answers only when every pod that tried
	// it got RabbitMQ's frame; one no pod tried did not answer.
	got := parseProbe("10.0.0.2 010000\n10.0.0.3 none\n10.0.0.4 485454\n10.0.0.2 010000\n10.0.0.6 010000\n10.0.0.6 none\n", []string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"})
	want := map[string]bool{"10.0.0.2": true, "10.0.0.3": false, "10.0.0.4": false, "10.0.0.5": false, "10.0.0.6": false}
	for h, w := range want {
		if got[h] != w {
			t.Errorf("%s: %t, want %t (all: %v)", h, got[h], w, got)
		}
	}
}
