package main

import (
	"os"
	"os/exec"
	"testing"
)

func TestSpreadsAreMaxAndMean(t *testing.T) {
	got := spreads(map[string][]float64{"cron": {240, 250, 260}, "prime": {3}})
	if got["cron"] != (Spread{Max: 260, Mean: 250}) || got["prime"] != (Spread{Max: 3, Mean: 3}) {
		t.Errorf("spreads %+v", got)
	}
}

func TestTreeRSSCountsChildren(t *testing.T) {
	a := treeRSS(os.Getpid())
	alone, procs := a.rss, a.procs
	if alone <= 0 || procs != 1 {
		t.Fatalf("this process alone: %d bytes in %d processes", alone, procs)
	}
	child := exec.Command("sleep", "5")
	if err := child.Start(); err != nil {
		t.Skip("no sleep command: ", err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	w := treeRSS(os.Getpid())
	if w.procs != 2 || w.rss <= alone {
		t.Errorf("with a child: %d bytes in %d processes, want more than %d in 2", w.rss, w.procs, alone)
	}
	// Each program's share is named: the child's under its command name.
	var sum int64
	for _, b := range w.byCommand {
		sum += b
	}
	if w.byCommand["sleep"] <= 0 || sum != w.rss {
		t.Errorf("by command: %v, summing to %d, not the total %d", w.byCommand, sum, w.rss)
	}
}
