package classrun

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/joblab/joblab/lesson"
	"github.com/joblab/joblab/pkg/framework"
)

// unit is one lab of one student: a lab process to run.
type unit struct {
	run int // index of the student's run
	lab string
	// holds are what the lab uses alone while it runs: an object name in
	// a shared namespace ("<cluster> <namespace> Job/normal-job"), or a
	// cluster-wide NodePort ("<cluster> NodePort 31672"). Two units that
	// hold the same thing never run at once; among them, the earlier
	// goes first.
	holds []string
	// cluster is where the lab runs; an alone lab (one that stops a node)
	// runs while no other lab runs on its cluster, and the labs before it
	// there run first.
	cluster string
	alone   bool
}

// exclusive tells whether units a and b may not run at once because one
// of them runs alone on the cluster both use.
func exclusive(a, b unit) bool {
	return (a.alone || b.alone) && a.cluster == b.cluster
}

// labHolds lists what a lab holds while it runs: the NodePorts of its
// manifests, on the cluster, and, when it runs in a namespace it shares
// with other labs, the names of the objects it creates there. The
// manifests read are the ones the lab will apply (the student's folder, or
// the lesson's).
func labHolds(lab, manifestsDir, cluster, namespace string, brokerNodePort int32) []string {
	info, ok := lesson.FindLab(lab)
	if !ok {
		return nil
	}
	set := map[string]bool{}
	refs, nodePorts := framework.LabObjectsFrom(manifestsDir, lab)
	for _, p := range nodePorts {
		if p == lesson.BrokerNodePort && brokerNodePort != 0 {
			p = brokerNodePort // this student's, given at apply
		}
		set[fmt.Sprintf("%s NodePort %d", cluster, p)] = true
	}
	if namespace != "" {
		// Whatever a file holds, two labs of one namespace never apply it
		// at once (even one that does not decode: its first objects may be
		// created before the error).
		for _, name := range info.Manifests {
			set[fmt.Sprintf("%s %s file %s", cluster, namespace, name)] = true
		}
		for _, r := range refs {
			set[fmt.Sprintf("%s %s %s/%s", cluster, namespace, r.Kind, r.Name)] = true
		}
	}
	holds := make([]string, 0, len(set))
	for h := range set {
		holds = append(holds, h)
	}
	sort.Strings(holds)
	return holds
}

// schedule runs the units, at most parallel at once, never two that hold
// the same thing at once; a unit waits for every earlier unit it shares
// something with. start runs one unit and returns when it has ended. When
// ctx ends, units not yet started are not started; the returned slice
// tells which ones were.
func schedule(ctx context.Context, units []unit, parallel int, start func(i int)) []bool {
	started := make([]bool, len(units))
	done := make(chan int)
	held := map[string]bool{}
	active := 0
	finished := make([]bool, len(units))
	remaining := len(units)
	blocked := func(i int) bool {
		for _, h := range units[i].holds {
			if held[h] {
				return true
			}
		}
		for j := range units {
			if j != i && started[j] && !finished[j] && exclusive(units[i], units[j]) {
				return true
			}
		}
		// An earlier unit that shares something and has not run yet goes
		// first.
		for j := 0; j < i; j++ {
			if started[j] {
				continue
			}
			if shares(units[i].holds, units[j].holds) || exclusive(units[i], units[j]) {
				return true
			}
		}
		return false
	}
	for remaining > 0 {
		if ctx.Err() == nil {
			for i := range units {
				if started[i] || active >= parallel || blocked(i) {
					continue
				}
				started[i] = true
				active++
				for _, h := range units[i].holds {
					held[h] = true
				}
				go func() {
					// A unit that panics still ends: the others go on, and
					// the caller finds no result for it.
					defer func() {
						if r := recover(); r != nil {
							fmt.Fprintf(os.Stderr, "joblab: lab %s stopped on an internal error: %v\n", units[i].lab, r)
						}
						done <- i
					}()
					start(i)
				}()
			}
		} else {
			// Interrupted: what has not started never will.
			for i := range units {
				if !started[i] && !finished[i] {
					finished[i] = true
					remaining--
				}
			}
			if remaining == 0 {
				break
			}
		}
		if active == 0 {
			if ctx.Err() != nil {
				break
			}
			// Nothing runs and nothing could start: cannot happen, as the
			// first unit not started is never blocked by a later one.
			panic("joblab: scheduler stalled")
		}
		// Wait for a unit to end (also when interrupted: the running ones
		// end on their own, stopped through the same context).
		i := <-done
		finished[i] = true
		remaining--
		active--
		for _, h := range units[i].holds {
			delete(held, h)
		}
	}
	return started
}

func shares(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
