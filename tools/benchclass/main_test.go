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
	alone, procs := treeRSS(os.Getpid())
	if alone <= 0 || procs != 1 {
		t.Fatalf("this process alone: %d bytes in %d processes", alone, procs)
	}
	child := exec.Command("sleep", "5")
	if err := child.Start(); err != nil {
		t.Skip("no sleep command: ", err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	with, procs := treeRSS(os.Getpid())
	if procs != 2 || with <= alone {
		t.Errorf("with a child: %d bytes in %d processes, want more than %d in 2", with, procs, alone)
	}
}
